import type { Knex } from 'knex';
import { changeTable } from '../database/recordTables';
import { ENTITY_RECORDS } from '../database/entityRecordLinks';
import type { DbRow } from '../database/recordTables';
import { fromDbTime } from '../database/time';
import {
  type CalendarChange,
  LONG_CHANGE,
  SHORT_CHANGE_MS,
} from '../read/changes';
import { type EntityRelation, relationsOf } from './catalogGraph';

/** Why two changes conflict. */
export type ChangeConflict = {
  /** The other change. */
  changeId: string;
  number: string;
  title: string;
  plannedStart: string;
  plannedEnd?: string;
  kind: 'same-entity' | 'related-entity';
  /** The entity of this change and of the other one (equal for same-entity). */
  entityRef: string;
  otherEntityRef: string;
  /** For related entities: `entityRef <relation> otherEntityRef`, as the catalog says it. */
  relation?: { sourceRef: string; type: string; targetRef: string };
  /** A sentence for people. */
  reason: string;
};

/** A change as conflict detection sees it. */
export type ConflictCandidate = Pick<
  CalendarChange,
  | 'id'
  | 'number'
  | 'title'
  | 'state'
  | 'plannedStart'
  | 'plannedEnd'
  | 'entityRefs'
>;

function windowOf(change: ConflictCandidate): { start: number; end: number } {
  const start = Date.parse(change.plannedStart);
  const end = change.plannedEnd ? Date.parse(change.plannedEnd) : start;
  // A change without an end (or with an empty window) occupies its start.
  return { start, end: Math.max(end, start + 1) };
}

function overlap(a: ConflictCandidate, b: ConflictCandidate): boolean {
  const x = windowOf(a);
  const y = windowOf(b);
  return x.start < y.end && y.start < x.end;
}

const RELATION_WORDS: Record<string, string> = {
  dependsOn: 'depends on',
  partOf: 'is part of',
};

function timeOf(change: ConflictCandidate): string {
  const { start, end } = windowOf(change);
  const iso = (ms: number) =>
    new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return change.plannedEnd
    ? `${iso(start)}–${iso(end)} UTC`
    : `${iso(start)} UTC`;
}

/**
 * Conflicts of each of `targets` among `candidates`: another change whose
 * planned window overlaps it (cancelled changes never conflict) and that is
 * on the same entity, or on an entity related to one of its entities by a
 * catalog dependsOn or partOf relation, in either direction. Pure, so that
 * the rules are tested without a database.
 */
export function detectConflicts(
  targets: readonly ConflictCandidate[],
  candidates: readonly ConflictCandidate[],
  relations: readonly EntityRelation[],
): Map<string, ChangeConflict[]> {
  const related = new Map<string, EntityRelation[]>();
  for (const relation of relations) {
    for (const ref of [relation.sourceRef, relation.targetRef]) {
      related.set(ref, [...(related.get(ref) ?? []), relation]);
    }
  }
  const byEntity = new Map<string, ConflictCandidate[]>();
  for (const candidate of candidates) {
    if (candidate.state === 'cancelled') continue;
    for (const ref of candidate.entityRefs) {
      byEntity.set(ref, [...(byEntity.get(ref) ?? []), candidate]);
    }
  }

  const result = new Map<string, ChangeConflict[]>();
  for (const target of targets) {
    if (target.state === 'cancelled') {
      result.set(target.id, []);
      continue;
    }
    // One explanation per other change: the same entity wins over a relation.
    const found = new Map<string, ChangeConflict>();
    const add = (conflict: ChangeConflict) => {
      const existing = found.get(conflict.changeId);
      if (
        !existing ||
        (existing.kind !== 'same-entity' && conflict.kind === 'same-entity')
      ) {
        found.set(conflict.changeId, conflict);
      }
    };
    const describe = (other: ConflictCandidate) => ({
      changeId: other.id,
      number: other.number,
      title: other.title,
      plannedStart: other.plannedStart,
      plannedEnd: other.plannedEnd,
    });
    for (const entityRef of target.entityRefs) {
      for (const other of byEntity.get(entityRef) ?? []) {
        if (other.id === target.id || !overlap(target, other)) continue;
        add({
          ...describe(other),
          kind: 'same-entity',
          entityRef,
          otherEntityRef: entityRef,
          reason: `${
            other.number
          } also changes ${entityRef} in an overlapping window (${timeOf(
            other,
          )}).`,
        });
      }
      for (const relation of related.get(entityRef) ?? []) {
        const otherEntityRef =
          relation.sourceRef === entityRef
            ? relation.targetRef
            : relation.sourceRef;
        for (const other of byEntity.get(otherEntityRef) ?? []) {
          if (other.id === target.id || !overlap(target, other)) continue;
          add({
            ...describe(other),
            kind: 'related-entity',
            entityRef,
            otherEntityRef,
            relation: { ...relation },
            reason: `${
              other.number
            } changes ${otherEntityRef} in an overlapping window (${timeOf(
              other,
            )}), and ${relation.sourceRef} ${
              RELATION_WORDS[relation.type] ?? relation.type
            } ${relation.targetRef}.`,
          });
        }
      }
    }
    result.set(
      target.id,
      [...found.values()].sort(
        (a, b) =>
          a.plannedStart.localeCompare(b.plannedStart) ||
          a.number.localeCompare(b.number),
      ),
    );
  }
  return result;
}

/**
 * Conflicts of a set of calendar changes (a page, or one change) against all
 * stored changes: reads only the changes on the targets' entities and their
 * related entities in the time span the targets cover.
 */
export async function findConflicts(
  knex: Knex,
  targets: readonly ConflictCandidate[],
): Promise<Map<string, ChangeConflict[]>> {
  const placed = targets.filter(
    t => t.entityRefs.length > 0 && t.state !== 'cancelled',
  );
  if (placed.length === 0) {
    return new Map(targets.map(t => [t.id, []]));
  }
  const entityRefs = [...new Set(placed.flatMap(t => t.entityRefs))];
  const relations = await relationsOf(knex, entityRefs);
  const neighbourhood = [
    ...new Set([
      ...entityRefs,
      ...relations.flatMap(r => [r.sourceRef, r.targetRef]),
    ]),
  ];
  const windows = placed.map(windowOf);
  const from = Math.min(...windows.map(w => w.start));
  const to = Math.max(...windows.map(w => w.end));

  const candidates = new Map<string, ConflictCandidate>();
  const add = (row: DbRow, entityRef: string) => {
    const id = String(row.id);
    const candidate = candidates.get(id) ?? {
      id,
      number: String(row.number),
      title: String(row.title),
      state: row.state as ConflictCandidate['state'],
      plannedStart: fromDbTime(row.planned_start)!,
      plannedEnd: fromDbTime(row.planned_end),
      // Only neighbourhood entities: the only ones a conflict can be on.
      entityRefs: [],
    };
    if (!candidate.entityRefs.includes(entityRef)) {
      candidate.entityRefs.push(entityRef);
    }
    candidates.set(id, candidate);
  };
  // Groups and systems aggregate what they own or contain in their links,
  // so their own changes are found through their own keys; every other
  // entity's links are its own changes, found by time in the links' index.
  const aggregating = neighbourhood.filter(ref =>
    /^(group|system):/i.test(ref),
  );
  const plain = neighbourhood.filter(ref => !/^(group|system):/i.test(ref));
  const span = { from, to };
  await addByLinks(knex, plain, span, add);
  await addByOwnKeys(knex, aggregating, span, add);
  return detectConflicts(targets, [...candidates.values()], relations);
}

type AddCandidate = (row: DbRow, entityRef: string) => void;

const CANDIDATE_COLUMNS = [
  'c.id',
  'c.number',
  'c.title',
  'c.state',
  'c.planned_start',
  'c.planned_end',
];

/** Changes of the entities overlapping the span, through their links. */
async function addByLinks(
  knex: Knex,
  entityRefs: readonly string[],
  span: { from: number; to: number },
  add: AddCandidate,
): Promise<void> {
  for (let i = 0; i < entityRefs.length; i += 400) {
    const chunk = entityRefs.slice(i, i + 400);
    // Short changes start at most SHORT_CHANGE_MS before the span.
    const rows = await knex(`${ENTITY_RECORDS} as er`)
      .join(`${changeTable.table} as c`, 'c.id', 'er.record_id')
      .where('er.record_table', changeTable.kind)
      .whereIn('er.entity_ref', chunk)
      .where('er.sort_at', '>=', span.from - SHORT_CHANGE_MS)
      .where('er.sort_at', '<', span.to)
      .whereNotNull('c.planned_start')
      .where('c.planned_start', '<', span.to)
      .whereRaw('coalesce(c.planned_end, c.planned_start) >= ?', [
        span.from - 1,
      ])
      .whereNot('c.state', 'cancelled')
      .select('er.entity_ref', ...CANDIDATE_COLUMNS);
    for (const row of rows) add(row, String(row.entity_ref));
  }
  if (entityRefs.length === 0) return;
  // The few long changes overlapping the span, from their partial index.
  const long = await knex(`${changeTable.table} as c`)
    .whereRaw(LONG_CHANGE)
    .where('c.planned_end', '>=', span.from)
    .where('c.planned_start', '<', span.to)
    .whereNot('c.state', 'cancelled')
    .select(CANDIDATE_COLUMNS);
  const byId = new Map(long.map(row => [Number(row.id), row]));
  const ids = [...byId.keys()];
  const wanted = new Set(entityRefs);
  for (let i = 0; i < ids.length; i += 500) {
    const links = await knex(ENTITY_RECORDS)
      .where('record_table', changeTable.kind)
      .whereIn('record_id', ids.slice(i, i + 500))
      .select('record_id', 'entity_ref');
    for (const link of links) {
      if (wanted.has(link.entity_ref)) {
        add(byId.get(Number(link.record_id))!, String(link.entity_ref));
      }
    }
  }
}

/**
 * Changes overlapping the span that the entities' own annotations map to:
 * keys first, then records per key type, both index lookups.
 */
async function addByOwnKeys(
  knex: Knex,
  entityRefs: readonly string[],
  span: { from: number; to: number },
  add: AddCandidate,
): Promise<void> {
  const entitiesOfKey = new Map<string, string[]>();
  for (let i = 0; i < entityRefs.length; i += 400) {
    const keys = await knex('itops_entity_keys')
      .whereIn('entity_ref', entityRefs.slice(i, i + 400))
      .whereRaw('via_ref = entity_ref')
      .select('entity_ref', 'key_type', 'key_value');
    for (const key of keys) {
      const id = JSON.stringify([key.key_type, key.key_value]);
      entitiesOfKey.set(id, [
        ...(entitiesOfKey.get(id) ?? []),
        String(key.entity_ref),
      ]);
    }
  }
  const valuesByType = new Map<string, string[]>();
  for (const id of entitiesOfKey.keys()) {
    const [type, value] = JSON.parse(id) as [string, string];
    valuesByType.set(type, [...(valuesByType.get(type) ?? []), value]);
  }
  for (const [type, values] of valuesByType) {
    for (let i = 0; i < values.length; i += 400) {
      const rows = await knex('itops_record_keys as rk')
        .join(`${changeTable.table} as c`, 'c.id', 'rk.record_id')
        .where('rk.key_type', type)
        .whereIn('rk.key_value', values.slice(i, i + 400))
        .where('rk.record_table', changeTable.kind)
        .where('c.planned_start', '<', span.to)
        .whereRaw('coalesce(c.planned_end, c.planned_start) >= ?', [
          span.from - 1,
        ])
        .whereNot('c.state', 'cancelled')
        .select('rk.key_value', ...CANDIDATE_COLUMNS);
      for (const row of rows) {
        for (const ref of entitiesOfKey.get(
          JSON.stringify([type, row.key_value]),
        ) ?? []) {
          add(row, ref);
        }
      }
    }
  }
}
