import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { itopsSourcesExtensionPoint } from '@backstage-itops/plugin-itops-node';
import request from 'supertest';
import { itopsPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

function sourceModule(moduleId: string) {
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
            readers: {},
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

  it('refuses a source instance registered twice', async () => {
    await expect(
      startTestBackend({
        features: [itopsPlugin, sourceModule('a'), sourceModule('b')],
      }),
    ).rejects.toThrow('ITOps source servicenow/production is registered twice');
  });
});
