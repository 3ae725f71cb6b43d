import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { incidentTable } from '../database/recordTables';
import { itopsPlugin } from '../plugin';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { INTERNAL_TEXT } from '../__testUtils__/internalText';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const REF = 'component:default/payments';
const BASE = '/api/itops/entities/component/default/payments';
const SECRET_TITLE = 'Salary file of J. Doe exposed';

describe('the API edge', () => {
  const databases = createTestDatabases();

  async function start(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const fixtures = await ItopsFixtures.create(knex);
    const payments = { type: 'servicenow-service' as const, value: 'payments' };
    await fixtures.entity(REF, [payments]);
    await fixtures.record(incidentTable, {
      number: 'INC1',
      title: SECRET_TITLE,
      state: 'in_progress',
      priority: 1,
      openedAt: new Date(Date.now() - 3600_000).toISOString(),
      keys: [payments],
    });
    const logger = mockServices.logger.mock();
    const { server } = await startTestBackend({
      features: [
        itopsPlugin,
        mockServices.database.factory({ knex }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory(),
        logger.factory,
      ],
    });
    const get = (path: string) =>
      request(server)
        .get(path)
        .set('Authorization', mockCredentials.user.header());
    return { get, knex, logger };
  }

  it.each(databases.eachSupportedId())(
    'answers hostile parameters with a 400 that names them, on %p',
    async databaseId => {
      const { get } = await start(databaseId);
      const cases: Array<[string, RegExp]> = [
        [
          `${BASE}/incidents?offset=99999999999999999999`,
          /^Query parameter 'offset' must be <= 100000/,
        ],
        [
          `${BASE}/incidents?priority[$gt]=0`,
          /^Query parameter 'priority' must be a plain value/,
        ],
        [
          `${BASE}/incidents?state=bogus`,
          /^Query parameter 'state' must be equal to one of the allowed values: open, closed, all/,
        ],
        [
          `${BASE}/incidents?priority=abc`,
          /^Query parameter 'priority' must be integer/,
        ],
        [
          `${BASE}/kpis/trend?buckets=1`,
          /^Query parameter 'buckets' must be >= 2/,
        ],
        [
          `/api/itops/freeze-status?entityRef=${'x'.repeat(600)}`,
          /^Query parameter 'entityRef' must NOT have more than 512 characters/,
        ],
      ];
      for (const [path, message] of cases) {
        const response = await get(path);
        expect({ path, status: response.status }).toEqual({
          path,
          status: 400,
        });
        expect(response.body.error.name).toBe('InputError');
        expect(response.body.error.message).toMatch(message);
        expect(JSON.stringify(response.body)).not.toMatch(INTERNAL_TEXT);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'takes reserved characters unencoded, as browsers send them, on %p',
    async databaseId => {
      const { get } = await start(databaseId);
      const freeze = await get(
        `/api/itops/freeze-status?entityRef=${REF}&at=2026-12-01T10:00:00Z`,
      );
      expect(freeze.status).toBe(200);
      expect(freeze.body.entityRef).toBe(REF);
      const incidents = await get(
        `${BASE}/incidents?state=all&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`,
      );
      expect(incidents.status).toBe(200);
      expect(incidents.body.totalCount).toBe(1);
      const changes = await get(
        `/api/itops/changes?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z&entityRef=${REF}`,
      );
      expect(changes.status).toBe(200);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers a database failure with a reference, and logs the error without record values, on %p',
    async databaseId => {
      const { get, knex, logger } = await start(databaseId);
      await knex.schema.dropTable('itops_entity_records');
      const response = await get(`${BASE}/incidents`);
      expect(response.status).toBe(500);
      expect(response.body.error.message).toMatch(
        /^Internal error; the backend log has the details under reference [0-9a-f-]{36}$/,
      );
      expect(JSON.stringify(response.body)).not.toMatch(INTERNAL_TEXT);
      const reference = response.body.error.message.split(' ').pop();
      const logged = logger.error.mock.calls
        .map(([message]) => String(message))
        .find(message => message.includes(reference));
      expect(logged).toMatch(/itops_entity_records/);
      expect(logged).not.toContain(SECRET_TITLE);
    },
  );
});
