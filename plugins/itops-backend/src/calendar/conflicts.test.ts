import { type ConflictCandidate, detectConflicts } from './conflicts';
import type { EntityRelation } from './catalogGraph';

const API = 'component:default/payments-api';
const DB = 'resource:default/payments-db';
const OTHER = 'component:default/search';
const SYSTEM = 'system:default/payments';

let sequence = 0;
function change(
  entityRefs: string[],
  start: string,
  end?: string,
  state: ConflictCandidate['state'] = 'scheduled',
): ConflictCandidate {
  sequence++;
  return {
    id: String(sequence),
    number: `CHG${sequence}`,
    title: `Change ${sequence}`,
    state,
    plannedStart: `2026-12-01T${start}:00.000Z`,
    plannedEnd: end ? `2026-12-01T${end}:00.000Z` : undefined,
    entityRefs,
  };
}

const relations: EntityRelation[] = [
  { sourceRef: API, type: 'dependsOn', targetRef: DB },
  { sourceRef: API, type: 'partOf', targetRef: SYSTEM },
];

function conflictsOf(target: ConflictCandidate, all: ConflictCandidate[]) {
  return detectConflicts([target], all, relations).get(target.id)!;
}

describe('detectConflicts', () => {
  it('flags overlapping windows on the same entity', () => {
    const a = change([API], '10:00', '12:00');
    const b = change([API, OTHER], '11:00', '13:00');
    const [conflict] = conflictsOf(a, [a, b]);
    expect(conflict).toMatchObject({
      changeId: b.id,
      kind: 'same-entity',
      entityRef: API,
      otherEntityRef: API,
    });
    expect(conflict.reason).toContain(`${b.number} also changes ${API}`);
    // And symmetrically.
    expect(conflictsOf(b, [a, b]).map(c => c.changeId)).toEqual([a.id]);
  });

  it('flags overlapping windows on entities related by dependsOn or partOf, both ways', () => {
    const onApi = change([API], '10:00', '12:00');
    const onDb = change([DB], '11:30', '12:30');
    const onSystem = change([SYSTEM], '09:00', '10:30');
    const found = conflictsOf(onApi, [onApi, onDb, onSystem]);
    expect(found.map(c => [c.number, c.kind, c.otherEntityRef])).toEqual([
      [onSystem.number, 'related-entity', SYSTEM],
      [onDb.number, 'related-entity', DB],
    ]);
    expect(found[1].relation).toEqual({
      sourceRef: API,
      type: 'dependsOn',
      targetRef: DB,
    });
    expect(found[1].reason).toContain(`${API} depends on ${DB}`);
    // From the database's side the same relation explains it.
    expect(conflictsOf(onDb, [onApi, onDb]).map(c => c.number)).toEqual([
      onApi.number,
    ]);
  });

  it('prefers the same-entity explanation when both apply', () => {
    const a = change([API, DB], '10:00', '12:00');
    const b = change([API, DB], '11:00', '13:00');
    expect(conflictsOf(a, [a, b])).toHaveLength(1);
    expect(conflictsOf(a, [a, b])[0].kind).toBe('same-entity');
  });

  it('finds none for touching windows, unrelated entities or cancelled changes', () => {
    const a = change([API], '10:00', '12:00');
    const touching = change([API], '12:00', '13:00');
    const unrelated = change([OTHER], '10:00', '12:00');
    const cancelled = change([API], '10:30', '11:00', 'cancelled');
    expect(conflictsOf(a, [a, touching, unrelated, cancelled])).toEqual([]);
    expect(conflictsOf(cancelled, [a, cancelled])).toEqual([]);
  });

  it('treats a change without an end as its start instant', () => {
    const a = change([API], '10:00', '12:00');
    const point = change([API], '11:00');
    const after = change([API], '12:00');
    expect(conflictsOf(point, [a, point, after]).map(c => c.changeId)).toEqual([
      a.id,
    ]);
  });
});
