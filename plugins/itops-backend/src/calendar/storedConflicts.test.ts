import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { ChangeState } from '@backstage-itops/plugin-itops-common';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { changeTable } from '../database/recordTables';
import { computeEntityMapping } from '../mapping/computeEntityMapping';
import { replaceEntityMappingIfChanged } from '../mapping/entityMappingStore';
import {
  type CalendarChange,
  calendarChangesByIds,
  directEntityRefs,
} from '../read/changes';
import { catalogEntity } from './__testUtils__/calendarWorld';
import {
  computeCatalogGraph,
  relationsOf,
  storeCatalogGraph,
} from './catalogGraph';
import { detectConflicts } from './conflicts';
import { countConflicts, findConflicts } from './storedConflicts';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const HOUR = 3_600_000;
const START = Date.parse('2026-12-01T00:00:00Z');

/** A deterministic sequence in [0, 1), so that a failure reproduces. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const ANNOTATION = {
  group: 'itops.io/servicenow-assignment-group',
  system: 'itops.io/servicenow-service',
  component: 'itops.io/servicenow-service',
  resource: 'itops.io/servicenow-ci',
} as const;

/** The key type each kind's annotation gives. */
const KEY_TYPE = {
  group: 'servicenow-group',
  system: 'servicenow-service',
  component: 'servicenow-service',
  resource: 'servicenow-ci',
} as const;

/**
 * Teams owning systems and components, components depending on each other
 * and on resources, every entity with a key of its own; changes of every
 * length (none, hours, a day or more, more than a week), some cancelled or
 * unplaced, on one or two entities' keys, spread over three weeks.
 */
async function seedWorld(fixtures: ItopsFixtures) {
  const next = random(42);
  const pick = <T>(list: readonly T[]) =>
    list[Math.floor(next() * list.length)];
  const groups = [0, 1, 2].map(i => `group:default/team-${i}`);
  const systems = [0, 1, 2].map(i => `system:default/system-${i}`);
  const resources = [0, 1].map(i => `resource:default/db-${i}`);
  const components = [...Array(10).keys()].map(
    i => `component:default/service-${i}`,
  );
  const keyOf = (ref: string) => ref.split('/')[1];
  const annotated = (ref: string) => ({
    [ANNOTATION[ref.split(':')[0] as keyof typeof ANNOTATION]]: keyOf(ref),
  });
  const catalog: Entity[] = [
    ...groups.map(ref => catalogEntity(ref, { annotations: annotated(ref) })),
    ...systems.map((ref, i) =>
      catalogEntity(ref, { annotations: annotated(ref), owner: groups[i] }),
    ),
    ...resources.map(ref =>
      catalogEntity(ref, { annotations: annotated(ref), owner: groups[0] }),
    ),
    ...components.map((ref, i) =>
      catalogEntity(ref, {
        annotations: annotated(ref),
        owner: groups[i % groups.length],
        system: i % 4 === 3 ? undefined : systems[i % systems.length],
        dependsOn: [
          ...(i > 0 ? [components[i - 1]] : []),
          ...(i % 3 === 0 ? [resources[i % 2]] : []),
        ],
      }),
    ),
  ];
  await replaceEntityMappingIfChanged(
    fixtures.knex,
    computeEntityMapping(catalog),
  );
  await storeCatalogGraph(fixtures.knex, computeCatalogGraph(catalog));

  const entities = [...groups, ...systems, ...resources, ...components];
  const durations = [undefined, HOUR / 2, 2 * HOUR, 20 * HOUR, 30 * HOUR];
  const ids: number[] = [];
  for (let i = 0; i < 240; i++) {
    const refs = new Set([
      pick(entities),
      pick([...components, ...components]),
    ]);
    if (next() < 0.5) refs.delete(pick([...refs]));
    const start = START + Math.floor(next() * 21 * 24 * 4) * (HOUR / 4);
    const long = next() < 0.03;
    const duration = long ? (8 + next() * 10) * 24 * HOUR : pick(durations);
    const state: ChangeState = next() < 0.1 ? 'cancelled' : 'scheduled';
    ids.push(
      await fixtures.record(changeTable, {
        number: `CHG${1000 + i}`,
        title: `Change ${i}`,
        type: 'normal',
        state,
        plannedStart: next() < 0.03 ? undefined : new Date(start).toISOString(),
        plannedEnd:
          duration === undefined
            ? undefined
            : new Date(start + duration).toISOString(),
        keys: [...refs].map(ref => ({
          type: KEY_TYPE[ref.split(':')[0] as keyof typeof KEY_TYPE],
          value: keyOf(ref),
        })),
      }),
    );
  }
  return { ids, entities };
}

async function setUp(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const fixtures = await ItopsFixtures.create(knex);
  const { ids, entities } = await seedWorld(fixtures);
  const placed = (await calendarChangesByIds(knex, ids)).filter(
    change => change.plannedStart !== undefined,
  );
  // The contract: conflicts among every stored change, each on all of its
  // entities, along every relation.
  const relations = await relationsOf(knex, entities);
  const expected = (targets: CalendarChange[]) =>
    detectConflicts(targets, placed, relations);
  return { knex, placed, expected };
}

describe('conflicts from the database', () => {
  it.each(databases.eachSupportedId())(
    'equal detection among all stored changes, for any set of targets, on %p',
    async databaseId => {
      const { knex, placed, expected } = await setUp(databaseId);
      const byStart = [...placed].sort(
        (a, b) => Date.parse(a.plannedStart) - Date.parse(b.plannedStart),
      );
      const targetSets = [
        placed,
        // A page: the earliest changes, whose neighbours lie past them.
        byStart.slice(0, 40),
        // A month view's shown changes: a few spread over the range.
        byStart.filter((_, i) => i % 17 === 0),
        [byStart[100]],
      ];
      let conflicting = 0;
      for (const targets of targetSets) {
        const want = expected(targets);
        const found = await findConflicts(knex, targets);
        expect(Object.fromEntries(found)).toEqual(Object.fromEntries(want));
        const counts = await countConflicts(knex, targets);
        expect(Object.fromEntries(counts)).toEqual(
          Object.fromEntries([...want].map(([id, list]) => [id, list.length])),
        );
        conflicting += [...want.values()].filter(list => list.length).length;
      }
      // The fixture exercises the rules: many changes conflict, both ways.
      expect(conflicting).toBeGreaterThan(50);
      const kinds = new Set(
        [...expected(placed).values()].flat().map(c => c.kind),
      );
      expect(kinds).toEqual(new Set(['same-entity', 'related-entity']));
    },
  );
});

describe('the entities of stored changes', () => {
  it.each(databases.eachSupportedId())(
    'are those whose own keys the changes carry, as a join of the keys says, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { ids } = await seedWorld(await ItopsFixtures.create(knex));
      // The reference: every change's keys against every entity's own keys.
      const recordKeys = await knex('itops_record_keys')
        .where('record_table', changeTable.kind)
        .select('record_id', 'key_type', 'key_value');
      const entityKeys = await knex('itops_entity_keys').select(
        'entity_ref',
        'key_type',
        'key_value',
        'via_ref',
      );
      const expected = new Map<number, Set<string>>();
      for (const key of recordKeys) {
        for (const entity of entityKeys) {
          if (
            entity.via_ref === entity.entity_ref &&
            entity.key_type === key.key_type &&
            entity.key_value === key.key_value
          ) {
            const id = Number(key.record_id);
            expected.set(
              id,
              (expected.get(id) ?? new Set()).add(entity.entity_ref),
            );
          }
        }
      }
      // Ids of no change and a change twice change nothing; more than 500
      // ids are read in several queries.
      const unknown = Array.from({ length: 400 }, (_, i) => -1 - i);
      const found = await directEntityRefs(knex, [...ids, ids[0], ...unknown]);
      expect(Object.fromEntries(found)).toEqual(
        Object.fromEntries(
          [...expected].map(([id, refs]) => [id, [...refs].sort()]),
        ),
      );
      // Groups and systems aggregate their components' keys, which do not
      // put the components' changes on them.
      expect(entityKeys.some(key => key.via_ref !== key.entity_ref)).toBe(true);
      expect(
        [...found.values()].some(refs => refs.some(ref => /^group:/.test(ref))),
      ).toBe(true);
    },
  );
});
