import ical, {
  escape,
  ICalCalendarMethod,
  ICalEventStatus,
  ICalEventTransparency,
} from 'ical-generator';

/**
 * iCalendar (RFC 5545) feed of the change calendar, written by
 * `ical-generator` (TEXT escaping, folding at 75 octets, CRLF, UTC
 * date-times).
 */

export type IcalEvent = {
  /** Globally unique and stable, so that clients update instead of duplicating. */
  uid: string;
  start: number;
  /** Absent: the event is a point in time. */
  end?: number;
  summary: string;
  description?: string;
  url?: string;
  categories?: string[];
  status?: 'TENTATIVE' | 'CONFIRMED' | 'CANCELLED';
  /**
   * When the source last changed the record (LAST-MODIFIED); SEQUENCE is
   * derived from it.
   */
  lastModified?: number;
  /** Freeze windows block time; changes do not. */
  transparent?: boolean;
};

export type IcalCalendar = {
  name: string;
  description?: string;
  events: IcalEvent[];
  /** DTSTAMP of every event: when the feed was generated. */
  now: number;
};

const SEQUENCE_EPOCH = Date.UTC(2020, 0, 1);

/**
 * SEQUENCE of an event: whole seconds from 2020-01-01 to the source's last
 * modification, 0 when the source gives none. Clients (RFC 5546 §2.1.4)
 * take an event with a lower SEQUENCE than one they hold as out of date,
 * so it must never go down: a counter kept in the plugin database would
 * restart at 0 when the database is rebuilt or a record is read again
 * after its row was pruned, while the source's modification time only
 * moves forward and is the same after any resync. It rises with every
 * upstream edit, and fits RFC 5545's integer until 2088.
 */
export function sequenceOf(lastModified: number | undefined): number {
  if (lastModified === undefined || !Number.isFinite(lastModified)) return 0;
  return Math.max(0, Math.floor((lastModified - SEQUENCE_EPOCH) / 1000));
}

const STATUS: Record<NonNullable<IcalEvent['status']>, ICalEventStatus> = {
  TENTATIVE: ICalEventStatus.TENTATIVE,
  CONFIRMED: ICalEventStatus.CONFIRMED,
  CANCELLED: ICalEventStatus.CANCELLED,
};

/** The whole calendar as a `text/calendar` body. */
export function serializeCalendar(calendar: IcalCalendar): string {
  const feed = ical({
    // ical-generator 11 writes NAME, X-WR-CALNAME and X-WR-CALDESC as given;
    // they are TEXT, whose commas and semicolons need escaping.
    name: escape(calendar.name, false),
    description:
      calendar.description === undefined
        ? null
        : escape(calendar.description, false),
    prodId: {
      company: 'Backstage ITOps',
      product: 'Change calendar',
      language: 'EN',
    },
    method: ICalCalendarMethod.PUBLISH,
    scale: 'GREGORIAN',
  });
  const stamp = new Date(calendar.now);
  for (const event of calendar.events) {
    feed.createEvent({
      id: event.uid,
      stamp,
      start: new Date(event.start),
      end:
        event.end !== undefined && event.end > event.start
          ? new Date(event.end)
          : null,
      summary: event.summary,
      description: event.description ?? null,
      // URIs are not TEXT: no escaping, but no line breaks either.
      url: event.url ? event.url.replace(/[\r\n]/g, '') : null,
      categories: (event.categories ?? []).map(name => ({ name })),
      status: event.status ? STATUS[event.status] : null,
      lastModified:
        event.lastModified === undefined ? null : new Date(event.lastModified),
      sequence: sequenceOf(event.lastModified),
      transparency: event.transparent
        ? ICalEventTransparency.TRANSPARENT
        : ICalEventTransparency.OPAQUE,
    });
  }
  // RFC 5545 ends every content line, the last one too, with CRLF.
  return `${feed.toString()}\r\n`;
}
