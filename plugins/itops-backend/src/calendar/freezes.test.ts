import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type {
  MappingKey,
  MappingKeyType,
} from '@backstage-itops/plugin-itops-common';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { changeTable, freezeWindowTable } from '../database/recordTables';
import { computeEntityMapping } from '../mapping/computeEntityMapping';
import { replaceEntityMappingIfChanged } from '../mapping/entityMappingStore';
import { CalendarService } from './CalendarService';
import { computeCatalogGraph, storeCatalogGraph } from './catalogGraph';
import { catalogEntity } from './__testUtils__/calendarWorld';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const PAYMENTS_TEAM = 'group:default/payments-team';
const SEARCH_TEAM = 'group:default/search-team';
const PLATFORM = 'system:default/payments';
const API = 'component:default/payments-api';
const LEDGER = 'component:default/payments-ledger';
const SEARCH = 'component:default/search';

/** Two teams; the payments team owns a system of two components. */
const CATALOG = [
  catalogEntity(PAYMENTS_TEAM, {
    annotations: { 'itops.io/servicenow-assignment-group': 'Payments' },
  }),
  catalogEntity(SEARCH_TEAM, {
    annotations: { 'itops.io/servicenow-assignment-group': 'Search' },
  }),
  catalogEntity(PLATFORM, {
    annotations: { 'itops.io/servicenow-service': 'Payments Platform' },
    owner: PAYMENTS_TEAM,
  }),
  catalogEntity(API, {
    annotations: { 'itops.io/servicenow-ci': 'api-ci' },
    owner: PAYMENTS_TEAM,
    system: PLATFORM,
  }),
  catalogEntity(LEDGER, {
    annotations: { 'itops.io/servicenow-ci': 'ledger-ci' },
    owner: PAYMENTS_TEAM,
    system: PLATFORM,
  }),
  catalogEntity(SEARCH, {
    annotations: { 'itops.io/servicenow-ci': 'search-ci' },
    owner: SEARCH_TEAM,
  }),
];

const key = (type: MappingKeyType, value: string): MappingKey => ({
  type,
  value,
});
const DECEMBER = {
  from: Date.parse('2026-12-01T00:00:00Z'),
  to: Date.parse('2027-01-01T00:00:00Z'),
};

async function setUp(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const fixtures = await ItopsFixtures.create(knex);
  await replaceEntityMappingIfChanged(knex, computeEntityMapping(CATALOG));
  await storeCatalogGraph(knex, computeCatalogGraph(CATALOG));
  const freeze = async (
    name: string,
    keys: MappingKey[],
    sourceType = 'servicenow',
  ) => {
    const id = await fixtures.record(freezeWindowTable, {
      name,
      start: '2026-12-01T00:00:00.000Z',
      end: '2026-12-02T00:00:00.000Z',
      keys,
    });
    await knex(freezeWindowTable.table)
      .where('id', id)
      .update({ source_type: sourceType });
  };
  // A blackout of one CI, one of a team (from another source), one of a
  // system.
  await freeze('API blackout', [key('servicenow-ci', 'api-ci')]);
  await freeze(
    'Payments team freeze',
    [key('servicenow-group', 'payments')],
    'jira',
  );
  await freeze('Platform blackout', [
    key('servicenow-service', 'payments platform'),
  ]);
  const change = (number: string, keys: MappingKey[]) =>
    fixtures.record(changeTable, {
      number,
      title: number,
      type: 'normal',
      state: 'scheduled',
      plannedStart: '2026-12-01T10:00:00.000Z',
      plannedEnd: '2026-12-01T11:00:00.000Z',
      keys,
    });
  await change('ON-API', [
    key('servicenow-ci', 'api-ci'),
    key('servicenow-group', 'payments'),
  ]);
  await change('ON-LEDGER', [key('servicenow-ci', 'ledger-ci')]);
  // The payments team working on the search team's CI.
  await change('SEARCH-BY-PAYMENTS', [
    key('servicenow-ci', 'search-ci'),
    key('servicenow-group', 'payments'),
  ]);
  await change('SEARCH-BY-SEARCH', [
    key('servicenow-ci', 'search-ci'),
    key('servicenow-group', 'search'),
  ]);
  return new CalendarService({ knex, freezeWindows: [] });
}

describe('freeze scopes', () => {
  it.each(databases.eachSupportedId())(
    'flags only the changes inside a synced freeze scoped to a CI, a team or a system, on %p',
    async databaseId => {
      const calendar = await setUp(databaseId);
      const page = await calendar.listChanges({
        ...DECEMBER,
        limit: 10,
        offset: 0,
      });
      const flags = Object.fromEntries(
        page.items.map(c => [c.number, [...c.freezes].sort()]),
      );
      expect(flags).toEqual({
        'ON-API': ['API blackout', 'Payments team freeze', 'Platform blackout'],
        'ON-LEDGER': ['Payments team freeze', 'Platform blackout'],
        // The CI and system blackouts are not the team's: only the team's
        // own freeze covers its work on another team's system.
        'SEARCH-BY-PAYMENTS': ['Payments team freeze'],
        'SEARCH-BY-SEARCH': [],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'answers freeze status and lists windows by the same scopes, on %p',
    async databaseId => {
      const calendar = await setUp(databaseId);
      const status = async (ref: string) =>
        (
          await calendar.freezeStatus(ref, Date.parse('2026-12-01T09:00:00Z'))
        ).windows
          .map(w => w.name)
          .sort();
      expect(await status(API)).toEqual([
        'API blackout',
        'Payments team freeze',
        'Platform blackout',
      ]);
      expect(await status(LEDGER)).toEqual([
        'Payments team freeze',
        'Platform blackout',
      ]);
      expect(await status(PLATFORM)).toEqual([
        'Payments team freeze',
        'Platform blackout',
      ]);
      expect(await status(PAYMENTS_TEAM)).toEqual(['Payments team freeze']);
      expect(await status(SEARCH)).toEqual([]);
      expect(await status(SEARCH_TEAM)).toEqual([]);

      const windows = await calendar.freezeWindows(DECEMBER);
      expect(Object.fromEntries(windows.map(w => [w.name, w.scope]))).toEqual({
        'API blackout': { systems: [], groups: [], tags: [], entities: [API] },
        'Payments team freeze': {
          systems: [],
          groups: [PAYMENTS_TEAM],
          tags: [],
          entities: [],
        },
        'Platform blackout': {
          systems: [PLATFORM],
          groups: [],
          tags: [],
          entities: [],
        },
      });
    },
  );
});
