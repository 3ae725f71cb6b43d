import type { Knex } from 'knex';
import { ENTITY_RECORDS } from '../database/entityRecordLinks';
import { changeTable, type DbRow } from '../database/recordTables';
import { directEntityRefs } from '../read/changes';
import { type EntityRelation, relationsOf } from './catalogGraph';
import {
  type ChangeConflict,
  type ConflictCandidate,
  countConflictsAmong,
  explainConflicts,
  neighboursOf,
  push,
  relationsByEntity,
  type TimedChange,
  timed,
  timedCandidate,
} from './conflicts';

/*
 * Conflicts of calendar changes against the stored changes: which stored
 * changes can conflict with a set of targets, read with as little as the
 * targets' entities and windows need, then judged by the pure rules of
 * conflicts.ts.
 */

/**
 * Conflicts of a set of calendar changes (a change's detail) against all
 * stored changes, explained.
 */
export async function findConflicts(
  knex: Knex,
  targets: readonly ConflictCandidate[],
): Promise<Map<string, ChangeConflict[]>> {
  const { timedTargets, candidates, relations } = await loadConflictCandidates(
    knex,
    targets,
  );
  return explainConflicts(timedTargets, candidates, relations);
}

/**
 * The number of changes each of a set of calendar changes (a page, a month
 * view's shown changes) conflicts with: the length of its
 * {@link findConflicts} list, without writing the explanations.
 */
export async function countConflicts(
  knex: Knex,
  targets: readonly ConflictCandidate[],
): Promise<Map<string, number>> {
  const { timedTargets, candidates, relations } = await loadConflictCandidates(
    knex,
    targets,
  );
  return countConflictsAmong(timedTargets, candidates, relations);
}

/**
 * Changes of at most a day are found through their links by planned start
 * (`sort_at`), reading a day back from each window; longer ones (rare)
 * from the partial index of the calendar-conflicts migration, which
 * repeats the predicate verbatim: partial indexes are only used when the
 * query states their predicate as literal SQL.
 */
const ONE_DAY_MS = 86_400_000;
const MULTI_DAY_CHANGE = 'planned_end - planned_start > 86400000';

/**
 * Groups and systems aggregate what they own or contain in their links, so
 * a change is on one of them only through its own keys (as the calendar
 * lists a change's entities); every other entity's links are its own
 * changes.
 */
const isAggregating = (ref: string) => /^(group|system):/i.test(ref);

/**
 * Where to look for an entity's conflicting changes: the windows of the
 * targets the entity can conflict with, joined where they are less than
 * {@link MERGE_GAP_MS} apart.
 */
type EntityWindow = {
  entityRef: string;
  from: number;
  to: number;
  /**
   * A group or system: a change is on it only if it carries one of its own
   * keys (see {@link isAggregating}).
   */
  aggregating: boolean;
};

/**
 * Each window's read reaches {@link ONE_DAY_MS} back, so two windows closer
 * than half that read less as one (their look-backs overlap), at the price
 * of the few changes between them.
 */
const MERGE_GAP_MS = ONE_DAY_MS / 2;

function entityWindows(
  targets: readonly TimedChange[],
  related: ReadonlyMap<string, EntityRelation[]>,
): EntityWindow[] {
  const byEntity = new Map<string, Array<{ from: number; to: number }>>();
  for (const target of targets) {
    for (const ref of new Set(neighboursOf(target.entityRefs, related))) {
      push(byEntity, ref, { from: target.start, to: target.end });
    }
  }
  const windows: EntityWindow[] = [];
  for (const [entityRef, list] of byEntity) {
    const aggregating = isAggregating(entityRef);
    list.sort((a, b) => a.from - b.from);
    let current = { ...list[0] };
    for (const next of list.slice(1)) {
      if (next.from - current.to < MERGE_GAP_MS) {
        current.to = Math.max(current.to, next.to);
      } else {
        windows.push({ entityRef, ...current, aggregating });
        current = { ...next };
      }
    }
    windows.push({ entityRef, ...current, aggregating });
  }
  return windows;
}

/**
 * Most windows per query (one bound value each; times and flags are
 * written as literals), under SQLite's lowest limit of 999 bound values
 * with room for the query's own.
 */
const WINDOWS_PER_QUERY = 960;

/**
 * Consecutive runs of windows that fit one query's bound values, of even
 * lengths: they are read in parallel, and the slowest decides.
 */
function queryBatches(windows: readonly EntityWindow[]): EntityWindow[][] {
  const count = Math.ceil(windows.length / WINDOWS_PER_QUERY);
  const size = Math.ceil(windows.length / count);
  return Array.from({ length: count }, (_, i) =>
    windows.slice(i * size, (i + 1) * size),
  );
}

const CANDIDATE_COLUMNS = [
  'er.entity_ref',
  'c.id',
  'c.number',
  'c.title',
  'c.state',
  'c.planned_start',
  'c.planned_end',
];

/**
 * The stored changes that can conflict with the targets, each with the
 * entities of the targets' neighbourhood (their entities and those related
 * to them) it is on: for each neighbourhood entity, only those overlapping
 * the windows of the targets that entity matters to. A month view's shown
 * changes are spread over the month, and one min–max span would read every
 * change of every team in it.
 */
async function loadConflictCandidates(
  knex: Knex,
  targets: readonly ConflictCandidate[],
): Promise<{
  timedTargets: TimedChange[];
  candidates: Iterable<TimedChange>;
  relations: EntityRelation[];
}> {
  const timedTargets = targets.map(timedCandidate);
  const placed = timedTargets.filter(
    t => t.entityRefs.length > 0 && t.state !== 'cancelled',
  );
  if (placed.length === 0) {
    return { timedTargets, candidates: [], relations: [] };
  }
  const relations = await relationsOf(knex, [
    ...new Set(placed.flatMap(t => t.entityRefs)),
  ]);
  const windows = entityWindows(placed, relationsByEntity(relations));

  const candidates = new Map<string, TimedChange>();
  const add = (row: DbRow) => {
    const id = String(row.id);
    let candidate = candidates.get(id);
    if (!candidate) {
      candidate = timed({
        id,
        number: String(row.number),
        title: String(row.title),
        state: String(row.state),
        plannedStart: Number(row.planned_start),
        plannedEnd:
          row.planned_end === null ? undefined : Number(row.planned_end),
        entityRefs: [],
      });
      candidates.set(id, candidate);
    }
    const entityRef = String(row.entity_ref);
    if (!candidate.entityRefs.includes(entityRef)) {
      candidate.entityRefs.push(entityRef);
    }
  };
  if (windows.length === 0) {
    return { timedTargets, candidates: [], relations };
  }
  // Independent reads, run together.
  const wanted = new Set(windows.map(w => w.entityRef));
  const found = await Promise.all([
    ...queryBatches(windows).map(batch => shortCandidates(knex, batch)),
    multiDayCandidates(knex, windows, wanted),
  ]);
  found.flat().forEach(add);
  return { timedTargets, candidates: candidates.values(), relations };
}

/** The columns of the windows as given, `w0`. */
const GIVEN_WINDOW_COLUMNS = [
  'entity_ref',
  'look_back',
  'end_from',
  'to_at',
  'aggregating',
];

/** The columns of the windows' table `w` that candidate reads join. */
const WINDOW_COLUMNS = [
  'entity_ref',
  'look_back',
  'end_from',
  'to_at',
  'key_type',
  'key_value',
];

/** A window as a row of `w0`: where its reads start, end and what they test. */
function windowRow(window: EntityWindow) {
  return {
    entity_ref: window.entityRef,
    look_back: window.from - ONE_DAY_MS,
    end_from: window.from - 1,
    to_at: window.to,
    aggregating: window.aggregating ? 1 : 0,
  };
}

/**
 * The windows as the rows of `w0`. PostgreSQL takes them as one JSON
 * parameter: planning a VALUES list of hundreds of rows, and binding its
 * parameters, cost more than reading the windows. SQLite gets a VALUES
 * list, with times and flags written as integer literals (they are
 * integers of ours) so that a query takes hundreds of windows within its
 * bound-value limit.
 */
function windowList(knex: Knex, windows: readonly EntityWindow[]): Knex.Raw {
  const rows = windows.map(windowRow);
  if (knex.client.dialect === 'postgresql') {
    return knex.raw(
      `select * from json_to_recordset(cast(? as json)) as w(entity_ref text, look_back bigint, end_from bigint, to_at bigint, aggregating integer)`,
      [JSON.stringify(rows)],
    );
  }
  const int = (value: number) => {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`Not an integer: ${value}`);
    }
    return `cast(${value} as bigint)`;
  };
  return knex.raw(
    `values ${rows
      .map(
        row =>
          `(?, ${int(row.look_back)}, ${int(row.end_from)}, ${int(
            row.to_at,
          )}, ${row.aggregating})`,
      )
      .join(', ')}`,
    rows.map(row => row.entity_ref),
  );
}

/**
 * The windows of `w0` as read: a group's or system's once per own key (a
 * key of its own annotations), which a change must carry to be on it, and
 * not at all without one (it has no changes of its own); every other
 * entity's as given. Joined here rather than read first: a round trip
 * less, and an entity's keys are a range of the primary key.
 */
const KEYED_WINDOWS = `select entity_ref, look_back, end_from, to_at, null, null from w0 where aggregating = 0
  union all
  select w0.entity_ref, w0.look_back, w0.end_from, w0.to_at, ek.key_type, ek.key_value
  from w0 join itops_entity_keys ek on ek.entity_ref = w0.entity_ref
  where w0.aggregating = 1 and ek.via_ref = ek.entity_ref`;

/**
 * Changes of at most a day overlapping each entity window, through the
 * entity's links: one index range per window. A group's or system's link
 * counts only when the change carries the window's own key (a primary-key
 * lookup).
 */
function shortCandidates(
  knex: Knex,
  windows: readonly EntityWindow[],
): Promise<DbRow[]> {
  const query = knex
    .with('w0', GIVEN_WINDOW_COLUMNS, windowList(knex, windows))
    .with('w', WINDOW_COLUMNS, knex.raw(KEYED_WINDOWS));
  // Per window, the entity's links in it and their changes: a nested loop
  // over the windows with one index range each. Without statistics on the
  // windows PostgreSQL prefers hashing both tables whole, so there each
  // window's read is a LATERAL subquery that OFFSET 0 keeps from being
  // flattened back into that plan.
  const perWindow = (builder: Knex.QueryBuilder) =>
    builder
      .join(`${changeTable.table} as c`, 'c.id', 'er.record_id')
      .whereRaw('er.entity_ref = w.entity_ref')
      .where('er.record_table', changeTable.kind)
      .whereRaw('er.sort_at >= w.look_back')
      .whereRaw('er.sort_at < w.to_at')
      .whereNotNull('c.planned_start')
      .whereRaw('c.planned_start < w.to_at')
      .whereRaw('coalesce(c.planned_end, c.planned_start) >= w.end_from')
      .whereNot('c.state', 'cancelled')
      // The record's key, unique by primary key: a join, as an EXISTS
      // would be hashed over every change carrying the key.
      .leftJoin('itops_record_keys as rk', join =>
        join
          .onVal('rk.record_table', '=', changeTable.kind)
          .andOn('rk.record_id', '=', 'c.id')
          .andOn('rk.key_type', '=', 'w.key_type')
          .andOn('rk.key_value', '=', 'w.key_value'),
      )
      .where(owner =>
        owner.whereNull('w.key_type').orWhereNotNull('rk.record_id'),
      )
      .select(CANDIDATE_COLUMNS);
  if (knex.client.dialect === 'postgresql') {
    return query
      .select('x.*')
      .from(
        knex.raw('w cross join lateral (? offset 0) as x', [
          perWindow(knex(`${ENTITY_RECORDS} as er`)),
        ]),
      );
  }
  // SQLite, left to itself, walks every change link and scans the windows
  // for each; CROSS JOIN fixes its loop order to windows first.
  return perWindow(
    query.from('w').joinRaw(`cross join ${ENTITY_RECORDS} as er`),
  );
}

/**
 * The few changes longer than a day overlapping the windows' span, from
 * their partial index, each with the entities it is on among `wanted`
 * (those whose own keys it carries, as the calendar lists them). Their
 * entities are looked up only when there are any: usually there are none,
 * and one query finds that.
 */
async function multiDayCandidates(
  knex: Knex,
  windows: readonly EntityWindow[],
  wanted: ReadonlySet<string>,
): Promise<DbRow[]> {
  const from = Math.min(...windows.map(w => w.from));
  const to = Math.max(...windows.map(w => w.to));
  const rows: DbRow[] = await knex(`${changeTable.table} as c`)
    .whereRaw(MULTI_DAY_CHANGE)
    .where('c.planned_end', '>=', from)
    // `+` keeps planners off the planned_start index: PostgreSQL, unable
    // to estimate how few changes the partial index holds, would walk
    // every change planned before `to` (tens of thousands) instead.
    .whereRaw('+c.planned_start < ?', [to])
    .whereNot('c.state', 'cancelled')
    .select(CANDIDATE_COLUMNS.filter(column => column.startsWith('c.')));
  if (rows.length === 0) return [];
  const entitiesOf = await directEntityRefs(
    knex,
    rows.map(row => Number(row.id)),
  );
  return rows.flatMap(row =>
    (entitiesOf.get(Number(row.id)) ?? [])
      .filter(ref => wanted.has(ref))
      .map(ref => ({ ...row, entity_ref: ref })),
  );
}
