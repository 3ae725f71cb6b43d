/**
 * iCalendar (RFC 5545) serialisation of the change calendar, written by hand
 * because it is small and the details matter: TEXT escaping (3.3.11), line
 * folding at 75 octets without splitting a UTF-8 character (3.1), CRLF line
 * ends, and UTC date-times (3.3.5, form #2).
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
  /** Last modification, for clients that compare. */
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

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** `20261125T143000Z` */
export function formatUtc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

const encoder = new TextEncoder();

/**
 * Folds a content line into lines of at most 75 octets, continuation lines
 * starting with a space (which counts towards their 75).
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let currentOctets = 0;
  for (const char of line) {
    const octets = encoder.encode(char).length;
    const limit = parts.length === 0 ? 75 : 74;
    if (currentOctets + octets > limit) {
      parts.push(current);
      current = '';
      currentOctets = 0;
    }
    current += char;
    currentOctets += octets;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function property(name: string, value: string): string {
  return foldLine(`${name}:${value}`);
}

/** URIs are not TEXT: no escaping, but no line breaks either. */
function uri(value: string): string {
  return value.replace(/[\r\n]/g, '');
}

function eventLines(event: IcalEvent, now: number): string[] {
  const lines = [
    'BEGIN:VEVENT',
    property('UID', escapeText(event.uid)),
    property('DTSTAMP', formatUtc(now)),
    property('DTSTART', formatUtc(event.start)),
  ];
  if (event.end !== undefined && event.end > event.start) {
    lines.push(property('DTEND', formatUtc(event.end)));
  }
  lines.push(property('SUMMARY', escapeText(event.summary)));
  if (event.description) {
    lines.push(property('DESCRIPTION', escapeText(event.description)));
  }
  if (event.url) lines.push(property('URL', uri(event.url)));
  if (event.categories?.length) {
    lines.push(
      property('CATEGORIES', event.categories.map(escapeText).join(',')),
    );
  }
  if (event.status) lines.push(property('STATUS', event.status));
  if (event.lastModified !== undefined) {
    lines.push(property('LAST-MODIFIED', formatUtc(event.lastModified)));
  }
  lines.push(property('TRANSP', event.transparent ? 'TRANSPARENT' : 'OPAQUE'));
  lines.push('END:VEVENT');
  return lines;
}

/** The whole calendar as a `text/calendar` body. */
export function serializeCalendar(calendar: IcalCalendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Backstage ITOps//Change calendar//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    property('X-WR-CALNAME', escapeText(calendar.name)),
    ...(calendar.description
      ? [property('X-WR-CALDESC', escapeText(calendar.description))]
      : []),
    ...calendar.events.flatMap(event => eventLines(event, calendar.now)),
    'END:VCALENDAR',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
