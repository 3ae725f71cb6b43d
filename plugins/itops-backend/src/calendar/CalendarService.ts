import type { Knex } from 'knex';
import { changeTable } from '../database/recordTables';
import {
  CALENDAR_COLUMNS,
  type CalendarChange,
  type CalendarFilters,
  type CalendarQuery,
  calendarChangesByIds,
  orderedCalendarRows,
  directEntityRefs,
  listCalendarChanges,
} from '../read/changes';
import {
  type ApiRecord,
  type Page,
  type TimeRange,
  toApiRecord,
} from '../read/records';
import type { ChangeRecord } from '@backstage-itops/plugin-itops-common';
import type { ChangeConflict } from './conflicts';
import { countConflicts, findConflicts } from './storedConflicts';
import { bucketByDay, daysOf } from './days';
import type { ConfiguredFreezeWindow } from './freezeConfig';
import {
  type CalendarFreezeWindow,
  type EntityFacts,
  entityFacts,
  freezeStatus,
  freezesOf,
  listCalendarFreezeWindows,
} from './freezes';
import { type IcalEvent, serializeCalendar } from './ical';

/** A calendar change with what the calendar flags about it. */
export type FlaggedChange = CalendarChange & {
  /** Number of changes it conflicts with (details in the change's detail). */
  conflictCount: number;
  /** Names of the freeze windows it is planned in that apply to its entities. */
  freezes: string[];
};

export type CalendarDay = {
  date: string;
  start: string;
  end: string;
  total: number;
  items: FlaggedChange[];
};

export type ChangeDetail = {
  change: ApiRecord<ChangeRecord> & { id: string };
  entities: Array<{
    entityRef: string;
    kind: string;
    title?: string;
    ownerRef?: string;
    systemRef?: string;
  }>;
  conflicts: ChangeConflict[];
  freezes: CalendarFreezeWindow[];
};

/** Most events one feed answer holds; narrower filters give complete feeds. */
export const MAX_FEED_EVENTS = 10_000;

const STATUS: Record<string, IcalEvent['status']> = {
  cancelled: 'CANCELLED',
  new: 'TENTATIVE',
  assess: 'TENTATIVE',
  authorize: 'TENTATIVE',
};

function windowOf(change: { plannedStart: string; plannedEnd?: string }) {
  const start = Date.parse(change.plannedStart);
  const end = change.plannedEnd ? Date.parse(change.plannedEnd) : start;
  return { start, end: Math.max(end, start + 1) };
}

/**
 * The change calendar: range queries with filters, day buckets for month and
 * week views, conflict and freeze flags, change details, freeze status and
 * the iCalendar feed.
 */
export class CalendarService {
  readonly #knex: Knex;
  readonly #configured: readonly ConfiguredFreezeWindow[];
  readonly #clock: () => number;

  constructor(options: {
    knex: Knex;
    freezeWindows: readonly ConfiguredFreezeWindow[];
    clock?: () => number;
  }) {
    this.#knex = options.knex;
    this.#configured = options.freezeWindows;
    this.#clock = options.clock ?? Date.now;
  }

  now(): number {
    return this.#clock();
  }

  /** Conflict counts and freeze names for a set of changes. */
  async #flag(changes: CalendarChange[]): Promise<FlaggedChange[]> {
    if (changes.length === 0) return [];
    const windows = changes.map(windowOf);
    const span = {
      from: Math.min(...windows.map(w => w.start)),
      to: Math.max(...windows.map(w => w.end)),
    };
    const [conflicts, freezes] = await Promise.all([
      countConflicts(this.#knex, changes),
      this.#freezeNames(changes, windows, span),
    ]);
    return changes.map((change, i) => ({
      ...change,
      conflictCount: conflicts.get(change.id) ?? 0,
      freezes: freezes[i],
    }));
  }

  /**
   * Names of the freeze windows each change is planned in. The entities'
   * owners, systems and tags (two queries per 400 entities) are read only
   * for the changes a scoped window overlaps: most pages have none.
   */
  async #freezeNames(
    changes: readonly CalendarChange[],
    windows: ReadonlyArray<{ start: number; end: number }>,
    span: TimeRange,
  ): Promise<string[][]> {
    const freezeWindows = await listCalendarFreezeWindows(
      this.#knex,
      this.#configured,
      span,
    );
    const scoped = freezeWindows
      .filter(window => !window.global)
      .map(window => ({
        start: Date.parse(window.start),
        end: Date.parse(window.end),
      }));
    const refs = new Set<string>();
    changes.forEach((change, i) => {
      const { start, end } = windows[i];
      if (scoped.some(w => w.start < end && w.end > start)) {
        change.entityRefs.forEach(ref => refs.add(ref));
      }
    });
    const facts = refs.size
      ? await entityFacts(this.#knex, [...refs])
      : new Map<string, EntityFacts>();
    return changes.map((change, i) => {
      const entities = change.entityRefs.map(
        ref => facts.get(ref) ?? ({ entityRef: ref, tags: [] } as EntityFacts),
      );
      return [
        ...new Set(
          freezesOf(
            freezeWindows,
            entities,
            windows[i].start,
            windows[i].end,
          ).map(w => w.name),
        ),
      ];
    });
  }

  /** A page of the calendar, by planned start, flagged. */
  async listChanges(query: CalendarQuery): Promise<Page<FlaggedChange>> {
    const page = await listCalendarChanges(this.#knex, query);
    return { ...page, items: await this.#flag(page.items) };
  }

  /**
   * The calendar by day in a time zone: per day the number of changes
   * overlapping it and the first `perDay` of them, flagged.
   */
  async changesByDay(
    query: TimeRange & CalendarFilters & { timeZone: string; perDay: number },
  ): Promise<{ timeZone: string; totalCount: number; days: CalendarDay[] }> {
    const days = daysOf(query, query.timeZone);
    const { rows } = await orderedCalendarRows(
      this.#knex,
      {
        ...query,
        from: days[0]?.start ?? query.from,
        to: days[days.length - 1]?.end ?? query.to,
      },
      ['id', 'planned_start', 'planned_end'],
    );
    const buckets = bucketByDay(
      days,
      rows.map(row => ({
        id: Number(row.id),
        start: Number(row.planned_start),
        end: row.planned_end === null ? undefined : Number(row.planned_end),
      })),
      query.perDay,
    );
    const shownIds = [...new Set(buckets.flatMap(b => b.ids))];
    const shown = await this.#flag(
      await calendarChangesByIds(this.#knex, shownIds),
    );
    const byId = new Map(shown.map(change => [Number(change.id), change]));
    return {
      timeZone: query.timeZone,
      totalCount: rows.length,
      days: buckets.map(bucket => ({
        date: bucket.day.date,
        start: new Date(bucket.day.start).toISOString(),
        end: new Date(bucket.day.end).toISOString(),
        total: bucket.total,
        items: bucket.ids.flatMap(id => (byId.has(id) ? [byId.get(id)!] : [])),
      })),
    };
  }

  /** One change with its entities, conflicts and freezes; undefined if unknown. */
  async changeDetail(id: number): Promise<ChangeDetail | undefined> {
    const row = await this.#knex(changeTable.table).where('id', id).first();
    if (!row) return undefined;
    const change = { ...toApiRecord(changeTable, row), id: String(row.id) };
    const entityRefs = (await directEntityRefs(this.#knex, [id])).get(id) ?? [];
    const entityRows = entityRefs.length
      ? await this.#knex('itops_entities')
          .whereIn('entity_ref', entityRefs)
          .orderBy('entity_ref')
          .select('entity_ref', 'kind', 'title', 'owner_ref', 'system_ref')
      : [];
    const entities = entityRows.map(e => ({
      entityRef: String(e.entity_ref),
      kind: String(e.kind),
      ...(e.title ? { title: String(e.title) } : {}),
      ...(e.owner_ref ? { ownerRef: String(e.owner_ref) } : {}),
      ...(e.system_ref ? { systemRef: String(e.system_ref) } : {}),
    }));
    if (!change.plannedStart) {
      return { change, entities, conflicts: [], freezes: [] };
    }
    const light: CalendarChange = {
      id: change.id,
      sourceType: change.sourceType,
      sourceInstance: change.sourceInstance,
      externalId: change.externalId,
      number: change.number,
      title: change.title,
      type: change.type,
      state: change.state,
      plannedStart: change.plannedStart,
      plannedEnd: change.plannedEnd,
      entityRefs,
    };
    const window = windowOf(light);
    const [conflicts, freezeWindows, facts] = await Promise.all([
      findConflicts(this.#knex, [light]),
      listCalendarFreezeWindows(this.#knex, this.#configured, {
        from: window.start,
        to: window.end,
      }),
      entityFacts(this.#knex, entityRefs),
    ]);
    return {
      change,
      entities,
      conflicts: conflicts.get(light.id) ?? [],
      freezes: freezesOf(
        freezeWindows,
        entityRefs.map(ref => facts.get(ref) ?? { entityRef: ref, tags: [] }),
        window.start,
        window.end,
      ),
    };
  }

  freezeWindows(range: TimeRange): Promise<CalendarFreezeWindow[]> {
    return listCalendarFreezeWindows(this.#knex, this.#configured, range);
  }

  freezeStatus(entityRef: string, at: number, end?: number) {
    return freezeStatus(this.#knex, this.#configured, entityRef, at, end);
  }

  /**
   * The iCalendar feed: changes with the filters and every freeze window in
   * the range (a subscriber plans around all of them), at most
   * {@link MAX_FEED_EVENTS} changes.
   */
  async feed(
    query: TimeRange & CalendarFilters & { name: string; baseUrl?: string },
  ): Promise<string> {
    const { rows } = await orderedCalendarRows(
      this.#knex,
      query,
      // An event's description also names the implementer and approval,
      // and it carries the source's last modification.
      [
        ...CALENDAR_COLUMNS,
        'implementer_group',
        'approval',
        'source_updated_at',
      ],
      { limit: MAX_FEED_EVENTS, offset: 0 },
    );
    const refs = await directEntityRefs(
      this.#knex,
      rows.map(row => Number(row.id)),
    );
    const freezeWindows = await this.freezeWindows(query);
    const changeEvents: IcalEvent[] = rows.map(row => {
      const entityRefs = refs.get(Number(row.id)) ?? [];
      const details = [
        `${row.title}`,
        `Type: ${row.type}; state: ${row.state}${
          row.risk ? `; risk: ${row.risk}` : ''
        }`,
        ...(row.approval ? [`Approval: ${row.approval}`] : []),
        ...(row.implementer_group
          ? [`Implementer: ${row.implementer_group}`]
          : []),
        ...(entityRefs.length ? [`Entities: ${entityRefs.join(', ')}`] : []),
        `Source: ${row.source_type} (${row.source_instance})`,
      ];
      return {
        uid: `change-${row.source_type}-${row.source_instance}-${row.external_id}@itops.backstage`,
        start: Number(row.planned_start),
        end: row.planned_end === null ? undefined : Number(row.planned_end),
        summary: `${row.number} ${row.title}`,
        description: details.join('\n'),
        url: row.url ? String(row.url) : undefined,
        categories: ['Change', String(row.type)],
        status: STATUS[String(row.state)] ?? 'CONFIRMED',
        lastModified:
          row.source_updated_at === null
            ? undefined
            : Number(row.source_updated_at),
        transparent: true,
      };
    });
    const freezeEvents: IcalEvent[] = freezeWindows.map(window => ({
      uid: `freeze-${window.sourceType}-${window.sourceInstance}-${window.externalId}@itops.backstage`,
      start: Date.parse(window.start),
      end: Date.parse(window.end),
      summary: `Freeze: ${window.name}`,
      description: [
        ...(window.description ? [window.description] : []),
        window.global
          ? 'Applies to every entity.'
          : `Applies to: ${[
              ...window.entityRefs,
              ...(window.scope
                ? [
                    ...window.scope.systems,
                    ...window.scope.groups,
                    ...window.scope.tags.map(t => `tag ${t}`),
                  ]
                : []),
            ].join(', ')}`,
      ].join('\n'),
      categories: ['Freeze'],
      status: 'CONFIRMED',
      transparent: false,
    }));
    return serializeCalendar({
      name: query.name,
      description: 'Changes and freeze windows from Backstage ITOps',
      events: [...freezeEvents, ...changeEvents],
      now: this.#clock(),
    });
  }
}
