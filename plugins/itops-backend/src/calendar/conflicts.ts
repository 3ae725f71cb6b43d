import type { CalendarChange } from '../read/changes';
import { compareCodeUnits, type EntityRelation } from './catalogGraph';

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

/**
 * A change with its planned window in epoch milliseconds. Detection works
 * on these: a calendar page tests thousands of pairs, and stored times are
 * numbers already, so ISO strings are made only for the conflicts a detail
 * shows.
 */
export type TimedChange = {
  id: string;
  number: string;
  title: string;
  state: string;
  /** Planned start and end as stored (the end may be absent). */
  plannedStart: number;
  plannedEnd?: number;
  /** The window: a change without an end (or an empty one) occupies its start. */
  start: number;
  end: number;
  entityRefs: string[];
};

export function timed(change: Omit<TimedChange, 'start' | 'end'>): TimedChange {
  const start = change.plannedStart;
  const end = change.plannedEnd ?? start;
  return { ...change, start, end: Math.max(end, start + 1) };
}

export function timedCandidate(change: ConflictCandidate): TimedChange {
  return timed({
    ...change,
    plannedStart: Date.parse(change.plannedStart),
    plannedEnd: change.plannedEnd ? Date.parse(change.plannedEnd) : undefined,
  });
}

function overlap(a: TimedChange, b: TimedChange): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Appends to the list under `key`, creating it. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const RELATION_WORDS: Record<string, string> = {
  dependsOn: 'depends on',
  partOf: 'is part of',
};

const iso = (ms: number) => new Date(ms).toISOString();

function timeOf(change: TimedChange): string {
  const minutes = (ms: number) => iso(ms).slice(0, 16).replace('T', ' ');
  return change.plannedEnd !== undefined
    ? `${minutes(change.start)}–${minutes(change.end)} UTC`
    : `${minutes(change.start)} UTC`;
}

/** The relations of each entity, in either direction, in the given order. */
export function relationsByEntity(relations: readonly EntityRelation[]) {
  const related = new Map<string, EntityRelation[]>();
  for (const relation of relations) {
    push(related, relation.sourceRef, relation);
    push(related, relation.targetRef, relation);
  }
  return related;
}

const otherEnd = (relation: EntityRelation, entityRef: string) =>
  relation.sourceRef === entityRef ? relation.targetRef : relation.sourceRef;

/**
 * The entities whose changes can conflict with a change on `entityRefs`:
 * themselves and those related to them.
 */
export function neighboursOf(
  entityRefs: readonly string[],
  related: ReadonlyMap<string, EntityRelation[]>,
): string[] {
  return [
    ...entityRefs,
    ...entityRefs.flatMap(ref =>
      (related.get(ref) ?? []).map(relation => otherEnd(relation, ref)),
    ),
  ];
}

/**
 * Calls `visit` for every other change overlapping the target on one of
 * its entities (`relation` undefined) or on an entity related to one of
 * them, in a fixed order: the target's entities in turn, the same entity
 * before its relations in their order. A change can be visited several
 * times, once per way it conflicts.
 */
function visitConflicts(
  target: TimedChange,
  byEntity: ReadonlyMap<string, TimedChange[]>,
  related: ReadonlyMap<string, EntityRelation[]>,
  visit: (
    other: TimedChange,
    entityRef: string,
    otherEntityRef: string,
    relation?: EntityRelation,
  ) => void,
): void {
  if (target.state === 'cancelled') return;
  for (const entityRef of target.entityRefs) {
    for (const other of byEntity.get(entityRef) ?? []) {
      if (other.id !== target.id && overlap(target, other)) {
        visit(other, entityRef, entityRef);
      }
    }
    for (const relation of related.get(entityRef) ?? []) {
      const otherEntityRef = otherEnd(relation, entityRef);
      for (const other of byEntity.get(otherEntityRef) ?? []) {
        if (other.id !== target.id && overlap(target, other)) {
          visit(other, entityRef, otherEntityRef, relation);
        }
      }
    }
  }
}

/** The non-cancelled candidates by the entities they are on. */
function candidatesByEntity(candidates: Iterable<TimedChange>) {
  const byEntity = new Map<string, TimedChange[]>();
  for (const candidate of candidates) {
    if (candidate.state === 'cancelled') continue;
    for (const ref of candidate.entityRefs) push(byEntity, ref, candidate);
  }
  return byEntity;
}

/** The conflicts of each target, explained, by planned start. */
export function explainConflicts(
  targets: readonly TimedChange[],
  candidates: Iterable<TimedChange>,
  relations: readonly EntityRelation[],
): Map<string, ChangeConflict[]> {
  const related = relationsByEntity(relations);
  const byEntity = candidatesByEntity(candidates);
  const result = new Map<string, ChangeConflict[]>();
  for (const target of targets) {
    // One explanation per other change: the same entity wins over a
    // relation, otherwise the first way found. Sentences are written only
    // for the explanations kept.
    type Found = {
      other: TimedChange;
      entityRef: string;
      otherEntityRef: string;
      relation?: EntityRelation;
    };
    const found = new Map<string, Found>();
    visitConflicts(
      target,
      byEntity,
      related,
      (other, entityRef, otherEntityRef, relation) => {
        const existing = found.get(other.id);
        if (!existing || (existing.relation && !relation)) {
          found.set(other.id, { other, entityRef, otherEntityRef, relation });
        }
      },
    );
    result.set(
      target.id,
      [...found.values()]
        .sort(
          (a, b) =>
            a.other.plannedStart - b.other.plannedStart ||
            a.other.number.localeCompare(b.other.number) ||
            // Equal numbers from two sources: in a fixed order all the same.
            compareCodeUnits(a.other.id, b.other.id),
        )
        .map(({ other, entityRef, otherEntityRef, relation }) => ({
          changeId: other.id,
          number: other.number,
          title: other.title,
          plannedStart: iso(other.plannedStart),
          plannedEnd:
            other.plannedEnd === undefined ? undefined : iso(other.plannedEnd),
          ...(relation
            ? {
                kind: 'related-entity' as const,
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
              }
            : {
                kind: 'same-entity' as const,
                entityRef,
                otherEntityRef,
                reason: `${
                  other.number
                } also changes ${entityRef} in an overlapping window (${timeOf(
                  other,
                )}).`,
              }),
        })),
    );
  }
  return result;
}

/** The number of other changes each target conflicts with. */
export function countConflictsAmong(
  targets: readonly TimedChange[],
  candidates: Iterable<TimedChange>,
  relations: readonly EntityRelation[],
): Map<string, number> {
  const related = relationsByEntity(relations);
  const byEntity = candidatesByEntity(candidates);
  const result = new Map<string, number>();
  const others = new Set<string>();
  for (const target of targets) {
    others.clear();
    visitConflicts(target, byEntity, related, other => others.add(other.id));
    result.set(target.id, others.size);
  }
  return result;
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
  return explainConflicts(
    targets.map(timedCandidate),
    candidates.map(timedCandidate),
    relations,
  );
}
