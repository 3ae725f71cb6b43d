import type {
  ChangeRecord,
  ChangeState,
  ChangeType,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { chunks } from '../database/chunks';
import { changeTable, type DbRow } from '../database/recordTables';
import { ENTITY_RECORDS } from '../database/entityRecordLinks';
import { fromDbTime } from '../database/time';
import { entityLinks, entityRecordIds } from './entityScope';
import {
  type ApiRecord,
  type Page,
  type TimeRange,
  toApiRecord,
} from './records';

/**
 * A change in the calendar: the light payload a month of thousands of
 * changes is drawn from. Details (approval, implementer, outcome) come from
 * the change detail route.
 */
export type CalendarChange = {
  /** Stable id of the stored change, for the detail route. */
  id: string;
  sourceType: string;
  sourceInstance: string;
  externalId: string;
  url?: string;
  number: string;
  title: string;
  type: ChangeType;
  state: ChangeState;
  risk?: ChangeRecord['risk'];
  plannedStart: string;
  plannedEnd?: string;
  /** The entities the change is on (not the teams and systems aggregating them). */
  entityRefs: string[];
};

/** Filters of the change calendar; lists are OR-ed, filters AND-ed. */
export interface CalendarFilters {
  /** Changes of any of these entities (including what groups own and systems contain). */
  entityRef?: string;
  entityRefs?: readonly string[];
  /** Owner groups, e.g. the user's teams. */
  owners?: readonly string[];
  systems?: readonly string[];
  sources?: readonly string[];
  types?: readonly ChangeType[];
  states?: readonly ChangeState[];
  risks?: readonly string[];
  /** Free text, matched case-insensitively against number and title. */
  search?: string;
}

/** Filters and paging of the change calendar. */
export interface CalendarQuery extends TimeRange, CalendarFilters {
  limit: number;
  offset: number;
}

/**
 * Changes whose planned window overlaps the range. A change without a
 * planned end is treated as a point at its planned start; one without a
 * planned start cannot be placed and is left out.
 */
function overlapping(builder: Knex.QueryBuilder, range: TimeRange) {
  return builder
    .where('planned_start', '<', range.to)
    .whereRaw('coalesce(planned_end, planned_start) >= ?', [range.from]);
}

/** An entity's changes overlapping a range, by planned start. */
export async function listEntityChanges(
  knex: Knex,
  entityRef: string,
  range: TimeRange,
): Promise<ApiRecord<ChangeRecord>[]> {
  const rows = await knex(changeTable.table)
    .whereIn('id', entityRecordIds(knex, changeTable.kind, entityRef))
    .modify(overlapping, range)
    .orderBy([{ column: 'planned_start' }, { column: 'id' }]);
  return rows.map((row: DbRow) => toApiRecord(changeTable, row));
}

/**
 * Subquery of the id of the entity's next change planned to start after
 * `now` and still open. It walks the entity's open change links from now
 * on, in planned-start order (`sort_at`), instead of all changes planned
 * after now.
 */
export function nextChangeIdQuery(
  knex: Knex,
  entityRef: string,
  now: number,
): Knex.QueryBuilder {
  return entityLinks(knex, changeTable.kind, entityRef)
    .join(`${changeTable.table} as c`, 'c.id', 'er.record_id')
    .where('er.is_open', 1)
    .where('er.sort_at', '>', now)
    .where('c.planned_start', '>', now)
    .orderBy([{ column: 'er.sort_at' }, { column: 'er.record_id' }])
    .limit(1)
    .select('er.record_id');
}

/** A stored change by its id. */
export async function changeById(
  knex: Knex,
  id: number,
): Promise<ApiRecord<ChangeRecord> | undefined> {
  const row = await knex(changeTable.table).where('id', id).first();
  return row ? toApiRecord(changeTable, row) : undefined;
}

/** The entity's next change planned to start after `now` and still open. */
export async function nextEntityChange(
  knex: Knex,
  entityRef: string,
  now: number,
): Promise<ApiRecord<ChangeRecord> | undefined> {
  const row = await knex(changeTable.table)
    .where('id', nextChangeIdQuery(knex, entityRef, now))
    .first();
  return row ? toApiRecord(changeTable, row) : undefined;
}

/**
 * Longest change the calendar finds through its start alone; longer ones come
 * from a partial index of their own. Must equal the constant in the
 * change-calendar migration, where the predicate below is repeated verbatim
 * (partial indexes are only used when the query states their predicate, as
 * literal SQL, not a bound parameter).
 */
export const SHORT_CHANGE_MS = 604_800_000;
export const LONG_CHANGE = 'planned_end - planned_start > 604800000';

/** `%` and `_` are literal in the search text. */
function likePattern(text: string): string {
  return `%${text
    .toLocaleLowerCase('en-US')
    .replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/** Ids of changes linked to any of the entities (groups and systems aggregate). */
function changeIdsOfEntities(knex: Knex, entityRefs: readonly string[]) {
  return knex(ENTITY_RECORDS)
    .where('record_table', changeTable.kind)
    .whereIn('entity_ref', entityRefs)
    .select('record_id');
}

/** Applies the calendar filters to a query over itops_changes. */
export function applyCalendarFilters(
  knex: Knex,
  builder: Knex.QueryBuilder,
  filters: CalendarFilters,
): Knex.QueryBuilder {
  const entityRefs = [
    ...(filters.entityRef ? [filters.entityRef] : []),
    ...(filters.entityRefs ?? []),
  ];
  // Each of entity, owner and system narrows the result: "my teams' changes
  // on system X" is the intersection.
  for (const refs of [entityRefs, filters.owners, filters.systems]) {
    if (refs?.length) {
      builder.whereIn('id', changeIdsOfEntities(knex, refs));
    }
  }
  if (filters.sources?.length) builder.whereIn('source_type', filters.sources);
  if (filters.types?.length) builder.whereIn('type', filters.types);
  if (filters.states?.length) builder.whereIn('state', filters.states);
  if (filters.risks?.length) builder.whereIn('risk', filters.risks);
  const search = filters.search?.trim();
  if (search) {
    const pattern = likePattern(search);
    builder.where(text =>
      text
        .whereRaw(`lower(number) like ? escape '\\'`, [pattern])
        .orWhereRaw(`lower(title) like ? escape '\\'`, [pattern]),
    );
  }
  return builder;
}

/** Calendar order: planned start, then id for changes starting together. */
const CALENDAR_ORDER = [{ column: 'planned_start' }, { column: 'id' }];

/**
 * The three parts of a range's changes, by planned start, which do not
 * overlap: long changes starting more than {@link SHORT_CHANGE_MS} before
 * the range (from their partial index), changes starting in the
 * {@link SHORT_CHANGE_MS} before the range that still run into it, and
 * changes starting in the range.
 */
function calendarParts(knex: Knex, query: TimeRange & CalendarFilters) {
  const edge = query.from - SHORT_CHANGE_MS;
  const part = (builder: Knex.QueryBuilder) =>
    applyCalendarFilters(knex, builder, query);
  const stillRunning = (builder: Knex.QueryBuilder) =>
    builder.whereRaw('coalesce(planned_end, planned_start) >= ?', [query.from]);
  return {
    long: part(
      knex(changeTable.table)
        .whereRaw(LONG_CHANGE)
        .where('planned_end', '>=', query.from)
        // `+` keeps SQLite off the planned_start index, which would walk
        // every change before the range; the partial index holds few rows.
        .whereRaw('+planned_start < ?', [Math.min(edge, query.to)]),
    ),
    // Most changes of the week before the range ended before it: their
    // ids are tested from the (planned_start, planned_end, id) index alone.
    straddling: part(
      knex(changeTable.table)
        .where('planned_start', '>=', edge)
        .where('planned_start', '<', Math.min(query.from, query.to))
        .modify(stillRunning),
    ),
    // Starting in the range, nearly all run into it: a page of them is the
    // first rows of the planned_start index from the range's start. The
    // test stays for ends stored before their starts.
    starting: part(
      knex(changeTable.table)
        .where('planned_start', '>=', query.from)
        .where('planned_start', '<', query.to)
        .modify(stillRunning),
    ),
  };
}

/** Rows of the given ids (with their id), in the ids' order, 500 ids per query. */
async function rowsByIds(
  knex: Knex,
  ids: readonly number[],
  columns: readonly string[],
): Promise<DbRow[]> {
  const selected = columns.includes('id') ? columns : [...columns, 'id'];
  const rows = (
    await Promise.all(
      chunks(ids, 500).map(chunk =>
        knex(changeTable.table).whereIn('id', chunk).select(selected),
      ),
    )
  ).flat();
  const byId = new Map(rows.map((row: DbRow) => [Number(row.id), row]));
  return ids.flatMap(id => (byId.has(id) ? [byId.get(id)!] : []));
}

/** Sorts in calendar order; an ORDER BY would steer planners to planned_start. */
function sortByStart(rows: DbRow[]): DbRow[] {
  return rows.sort(
    (a, b) =>
      Number(a.planned_start) - Number(b.planned_start) ||
      Number(a.id) - Number(b.id),
  );
}

/**
 * A page of the calendar's changes in planned-start order, read as the
 * three parts of {@link calendarParts} one after the other, and their
 * number, still being counted: the count is the slowest read, and callers
 * have work to do with the page meanwhile. The parts' starts do not
 * overlap, so paging walks the first, then the second, then the third.
 */
async function calendarPage(
  knex: Knex,
  query: TimeRange & CalendarFilters,
  columns: readonly string[],
  page: { limit: number; offset: number },
): Promise<{ rows: DbRow[]; counting: Promise<number> }> {
  const parts = calendarParts(knex, query);
  const startingCount = parts.starting
    .clone()
    .count({ count: '*' })
    .then(([{ count }]: Array<{ count: unknown }>) => Number(count));
  // Awaited last, or by the caller: this only keeps a failure of the reads
  // below from leaving its rejection unhandled. Awaiting it still throws.
  startingCount.catch(() => undefined);
  const [longRows, straddlingIds] = await Promise.all([
    parts.long.clone().select(columns).then(sortByStart),
    straddlingIdsOf(parts.straddling),
  ]);
  const fromLong = longRows.slice(page.offset, page.offset + page.limit);
  const straddlingOffset = Math.max(0, page.offset - longRows.length);
  const pageIds = straddlingIds.slice(
    straddlingOffset,
    straddlingOffset + page.limit - fromLong.length,
  );
  const remaining = page.limit - fromLong.length - pageIds.length;
  const startingOffset = Math.max(
    0,
    page.offset - longRows.length - straddlingIds.length,
  );
  const [straddling, starting] = await Promise.all([
    rowsByIds(knex, pageIds, columns),
    remaining > 0
      ? parts.starting
          .clone()
          .select(columns)
          .orderBy(CALENDAR_ORDER)
          .limit(remaining)
          .offset(startingOffset)
      : [],
  ]);
  return {
    rows: [...fromLong, ...straddling, ...starting],
    counting: startingCount.then(
      count => longRows.length + straddlingIds.length + count,
    ),
  };
}

/** Ids of the changes still running into the range, in calendar order. */
async function straddlingIdsOf(straddling: Knex.QueryBuilder) {
  const rows: DbRow[] = await straddling
    .clone()
    .select('id')
    .orderBy(CALENDAR_ORDER);
  return rows.map(row => Number(row.id));
}

/**
 * The calendar's changes in planned-start order (see {@link calendarParts}):
 * a single OR query lets planners walk the planned-start index from the
 * beginning of time to satisfy the ORDER BY, and a single range from a week
 * before the range would fetch every change of that week to find the few
 * still running. Without `page`, every row is read and none counted (a
 * month view buckets them all).
 */
export async function orderedCalendarRows(
  knex: Knex,
  query: TimeRange & CalendarFilters,
  columns: readonly string[],
  page?: { limit: number; offset: number },
): Promise<{ rows: DbRow[]; totalCount: number }> {
  if (page) {
    const { rows, counting } = await calendarPage(knex, query, columns, page);
    return { rows, totalCount: await counting };
  }
  const parts = calendarParts(knex, query);
  const [longRows, straddlingIds] = await Promise.all([
    parts.long.clone().select(columns).then(sortByStart),
    straddlingIdsOf(parts.straddling),
  ]);
  const [straddling, starting] = await Promise.all([
    rowsByIds(knex, straddlingIds, columns),
    parts.starting.clone().select(columns).orderBy(CALENDAR_ORDER),
  ]);
  const rows = [...longRows, ...straddling, ...starting];
  return { rows, totalCount: rows.length };
}

/** The columns of the light calendar payload. */
export const CALENDAR_COLUMNS = [
  'id',
  'source_type',
  'source_instance',
  'external_id',
  'url',
  'number',
  'title',
  'type',
  'state',
  'risk',
  'planned_start',
  'planned_end',
] as const;

/**
 * Query of the entities the changes of `changeIds` are on, one row per
 * change and entity (see {@link directEntityRefs}): per key of a change, the
 * entities whose own annotations gave that key, found through the
 * (key_type, key_value) index of itops_entity_keys. Planners misjudge how
 * many keys are an entity's own (`via_ref = entity_ref`): PostgreSQL then
 * scans every entity key and probes each against all changes carrying it.
 * The loop order is fixed instead, the changes' keys outside: by a LATERAL
 * subquery, which OFFSET 0 keeps from being flattened, on PostgreSQL, and
 * by CROSS JOIN, which SQLite never reorders.
 */
function directEntitiesQuery(
  knex: Knex,
  changeIds: readonly number[],
): Knex.QueryBuilder {
  const keysOfChanges = (builder: Knex.QueryBuilder) =>
    builder
      .where('rk.record_table', changeTable.kind)
      .whereIn('rk.record_id', changeIds)
      .select('rk.record_id', 'ek.entity_ref');
  if (knex.client.dialect === 'postgresql') {
    const ownEntitiesOfKey = knex('itops_entity_keys as ek')
      .whereRaw('ek.key_type = rk.key_type')
      .whereRaw('ek.key_value = rk.key_value')
      .whereRaw('ek.via_ref = ek.entity_ref')
      .select('ek.entity_ref');
    return keysOfChanges(
      knex.from(
        knex.raw(
          'itops_record_keys as rk cross join lateral (? offset 0) as ek',
          [ownEntitiesOfKey],
        ),
      ),
    );
  }
  return keysOfChanges(
    knex
      .from('itops_record_keys as rk')
      .joinRaw(
        'cross join itops_entity_keys as ek on ek.key_type = rk.key_type and ek.key_value = rk.key_value',
      )
      .whereRaw('ek.via_ref = ek.entity_ref'),
  );
}

/**
 * The entities each change is on: those whose own annotations gave a
 * matching key (`via_ref = entity_ref`), not the groups and systems that
 * aggregate them, which would make every change of a team "affect" the team.
 * One query per 500 changes, run together: a calendar page's entities are
 * read in a single round trip.
 */
export async function directEntityRefs(
  knex: Knex,
  changeIds: readonly number[],
): Promise<Map<number, string[]>> {
  const rows: DbRow[] = (
    await Promise.all(
      chunks(changeIds, 500).map(chunk => directEntitiesQuery(knex, chunk)),
    )
  ).flat();
  const entitiesOf = new Map<number, Set<string>>();
  for (const row of rows) {
    const id = Number(row.record_id);
    const entities = entitiesOf.get(id) ?? new Set<string>();
    entitiesOf.set(id, entities.add(String(row.entity_ref)));
  }
  return new Map(
    [...entitiesOf].map(([id, entities]) => [id, [...entities].sort()]),
  );
}

/** A light calendar row with its entities. */
export function toCalendarChange(
  row: DbRow,
  entityRefs: string[],
): CalendarChange {
  const optional = (value: unknown) =>
    value === null || value === undefined ? undefined : String(value);
  return {
    id: String(row.id),
    sourceType: String(row.source_type),
    sourceInstance: String(row.source_instance),
    externalId: String(row.external_id),
    url: optional(row.url),
    number: String(row.number),
    title: String(row.title),
    type: row.type as ChangeType,
    state: row.state as ChangeState,
    risk: optional(row.risk) as ChangeRecord['risk'],
    plannedStart: fromDbTime(row.planned_start)!,
    plannedEnd: fromDbTime(row.planned_end),
    entityRefs,
  };
}

/** Light calendar rows of the given ids, with their entities, in the ids' order. */
export async function calendarChangesByIds(
  knex: Knex,
  ids: readonly number[],
): Promise<CalendarChange[]> {
  const rows: DbRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(
      ...(await knex(changeTable.table)
        .whereIn('id', ids.slice(i, i + 500))
        .select(CALENDAR_COLUMNS)),
    );
  }
  const byId = new Map(rows.map(row => [Number(row.id), row]));
  const refs = await directEntityRefs(knex, ids);
  return ids
    .filter(id => byId.has(id))
    .map(id => toCalendarChange(byId.get(id)!, refs.get(id) ?? []));
}

/** One page of the cross-entity change calendar, by planned start. */
export async function listCalendarChanges(
  knex: Knex,
  query: CalendarQuery,
): Promise<Page<CalendarChange>> {
  const { rows, counting } = await calendarPage(
    knex,
    query,
    CALENDAR_COLUMNS,
    query,
  );
  // The page's entities are read while the range is still being counted.
  const [refs, totalCount] = await Promise.all([
    directEntityRefs(
      knex,
      rows.map((row: DbRow) => Number(row.id)),
    ),
    counting,
  ]);
  return {
    items: rows.map((row: DbRow) =>
      toCalendarChange(row, refs.get(Number(row.id)) ?? []),
    ),
    totalCount,
    limit: query.limit,
    offset: query.offset,
  };
}
