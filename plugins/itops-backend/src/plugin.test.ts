import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  type IncidentRecord,
  itopsPermissions,
} from '@backstage-itops/plugin-itops-common';
import { itopsSourcesExtensionPoint } from '@backstage-itops/plugin-itops-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { itopsPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

function sourceModule(moduleId: string, incidents: IncidentRecord[] = []) {
  return createBackendModule({
    pluginId: 'itops',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { sources: itopsSourcesExtensionPoint },
        async init({ sources }) {
          sources.addSource({
            type: 'servicenow',
            instance: 'production',
            baseUrl: 'http://127.0.0.1:1',
            readers: incidents.length
              ? {
                  incidents: {
                    async *read() {
                      yield { records: incidents };
                    },
                  },
                }
              : {},
          });
        },
      });
    },
  });
}

describe('itops backend plugin', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'migrates and reports a healthy database on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          itopsPlugin,
          sourceModule('test-source'),
          mockServices.database.factory({ knex }),
        ],
      });

      const response = await request(server)
        .get('/api/itops/health')
        .set('Authorization', mockCredentials.none.header());
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        status: 'ok',
        database: {
          reachable: true,
          client: expect.stringMatching(/sqlite|pg/),
          latencyMs: expect.any(Number),
        },
        sources: [{ type: 'servicenow', instance: 'production' }],
      });

      expect(await knex.schema.hasTable('itops_sync_state')).toBe(true);
      const migrations = await knex('knex_migrations').select('name');
      expect(migrations.map(m => m.name)).toContain(
        '20261125120000_sync_state.js',
      );

      await knex('itops_sync_state').insert({
        source_type: 'servicenow',
        source_instance: 'production',
        capability: 'incidents',
        record_count: 3,
      });
      await expect(
        knex('itops_sync_state').insert({
          source_type: 'servicenow',
          source_instance: 'production',
          capability: 'incidents',
        }),
      ).rejects.toThrow();
    },
  );

  it('answers 503 with the reason when the database is gone', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [itopsPlugin, mockServices.database.factory({ knex })],
    });
    await knex.destroy();

    const response = await request(server).get('/api/itops/health');
    expect(response.status).toBe(503);
    expect(response.body.status).toBe('degraded');
    expect(response.body.database.reachable).toBe(false);
    expect(response.body.database.error).toEqual(expect.any(String));
  });

  it('registers the ITOps permissions', async () => {
    const permissionsRegistry = mockServices.permissionsRegistry.mock();
    await startTestBackend({
      features: [itopsPlugin, permissionsRegistry.factory],
    });
    expect(permissionsRegistry.addPermissions).toHaveBeenCalledWith(
      itopsPermissions,
    );
  });

  it('wires sync and mapping: a synced incident shows on its entity', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        itopsPlugin,
        sourceModule('test-source', [
          {
            externalId: 'inc-1',
            number: 'INC0001',
            title: 'Checkout down',
            state: 'new',
            priority: 1,
            openedAt: new Date().toISOString(),
            keys: [{ type: 'servicenow-service', value: 'payments' }],
          },
        ]),
        mockServices.database.factory({ knex }),
        // Runs every scheduled task (sync and mapping) once at startup.
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'payments',
                annotations: { 'itops.io/servicenow-service': 'Payments' },
              },
              spec: {
                type: 'service',
                owner: 'team-a',
                lifecycle: 'production',
              },
            },
          ],
        }),
      ],
    });

    const response = await request(server)
      .get('/api/itops/entities/component/default/payments/summary')
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body.incidents).toMatchObject({
      available: true,
      openCount: 1,
    });
  });

  it('refuses a source instance registered twice', async () => {
    await expect(
      startTestBackend({
        features: [itopsPlugin, sourceModule('a'), sourceModule('b')],
      }),
    ).rejects.toThrow('ITOps source servicenow/production is registered twice');
  });
});
