import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { syncIntervals } from '../read/freshness';
import { itopsPlugin } from '../plugin';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const MIN = 60_000;

describe('GET /freshness', () => {
  const databases = createTestDatabases();

  async function start(databaseId: TestDatabaseId, deny: string[] = []) {
    const knex = await databases.init(databaseId);
    // Runs the plugin's migrations.
    await ItopsFixtures.create(knex);
    const now = Date.now();
    const state = (
      source_type: string,
      source_instance: string,
      capability: string,
      times: { success?: number; error?: number },
    ) => ({
      source_type,
      source_instance,
      capability,
      last_attempt_at: new Date(now - MIN),
      last_success_at:
        times.success === undefined ? null : new Date(now - times.success),
      last_error:
        times.error === undefined ? null : 'HTTP 503 from secret-host.internal',
      last_error_kind: times.error === undefined ? null : 'upstream',
      last_error_at:
        times.error === undefined ? null : new Date(now - times.error),
      record_count: 7,
      last_rejected: 0,
    });
    await knex('itops_sync_state').insert([
      // Incidents every 10 min (configured below): 25 min is fresh.
      state('servicenow', 'production', 'incidents', { success: 25 * MIN }),
      // Failed after its last success.
      state('jira', 'cloud', 'incidents', { success: 5 * MIN, error: MIN }),
      // Changes every 5 min by default: 16 min is more than 3 intervals.
      state('servicenow', 'production', 'changes', { success: 16 * MIN }),
      state('veeam', 'main', 'backups', { error: 2 * MIN }),
    ]);
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(({ permission }) => ({
          result: deny.includes(permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        })),
    });
    const { server } = await startTestBackend({
      features: [
        itopsPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            itops: {
              sync: {
                capabilities: {
                  incidents: {
                    schedule: {
                      frequency: { minutes: 10 },
                      timeout: { minutes: 5 },
                    },
                  },
                },
              },
            },
          },
        }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory(),
        permissions.factory,
      ],
    });
    return (path: string) =>
      request(server)
        .get(path)
        .set('Authorization', mockCredentials.user.header());
  }

  it.each(databases.eachSupportedId())(
    'gives age and staleness to a reader without sync-status permission, and no error text, on %p',
    async databaseId => {
      const get = await start(databaseId, ['itops.sync-status.read']);
      expect((await get('/api/itops/sync-status')).status).toBe(403);

      const response = await get(
        '/api/itops/freshness?areas=incidents,backups',
      );
      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([
        {
          source: 'veeam',
          instance: 'main',
          capability: 'backups',
          stale: true,
          staleReason: 'never_synced',
        },
        {
          source: 'jira',
          instance: 'cloud',
          capability: 'incidents',
          syncedAt: expect.any(String),
          stale: true,
          staleReason: 'last_run_failed',
        },
        {
          source: 'servicenow',
          instance: 'production',
          capability: 'incidents',
          syncedAt: expect.any(String),
          stale: false,
        },
      ]);
      const text = JSON.stringify(response.body);
      expect(text).not.toContain('503');
      expect(text).not.toContain('secret-host');
      expect(text).not.toContain('record');
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves out areas the caller may not read and judges age by the interval on %p',
    async databaseId => {
      const get = await start(databaseId, ['itops.incident.read']);
      const response = await get('/api/itops/freshness');
      expect(response.status).toBe(200);
      expect(
        response.body.items.map(
          (item: { capability: string; staleReason?: string }) =>
            `${item.capability}:${item.staleReason ?? 'fresh'}`,
        ),
      ).toEqual(['backups:never_synced', 'changes:too_old']);

      const denied = await get('/api/itops/freshness?areas=incidents');
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('incidents');

      const bad = await get('/api/itops/freshness?areas=secrets');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/areas/);
    },
  );

  it('reads each capability interval from the sync config', () => {
    const intervals = syncIntervals(
      new ConfigReader({
        itops: {
          sync: {
            schedule: { frequency: { minutes: 2 }, timeout: { minutes: 1 } },
            capabilities: {
              backups: {
                schedule: {
                  frequency: { cron: '0 * * * *' },
                  timeout: { minutes: 5 },
                },
              },
            },
          },
        },
      }),
    );
    expect(intervals.incidents).toBe(2 * MIN);
    // A cron schedule has no single interval: the default of 5 min.
    expect(intervals.backups).toBe(5 * MIN);
  });
});
