import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  type ItopsSource,
  itopsSourcesExtensionPoint,
} from '@backstage-itops/plugin-itops-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { itopsModuleVeeam } from './module';

const BASE = 'https://vbr.test:9419';

/** Stands in for the ITOps backend: collects what modules register. */
function collectingPlugin(sources: ItopsSource[]) {
  return createBackendPlugin({
    pluginId: 'itops',
    register(reg) {
      reg.registerExtensionPoint(itopsSourcesExtensionPoint, {
        addSource: source => sources.push(source),
      });
      reg.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('itopsModuleVeeam', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('registers each configured server as a backups source and logs out on shutdown', async () => {
    const logouts: string[] = [];
    server.use(
      http.post(`${BASE}/api/oauth2/token`, () =>
        HttpResponse.json({
          access_token: 'access-1',
          refresh_token: 'refresh-1',
          token_type: 'bearer',
          expires_in: 900,
        }),
      ),
      http.get(`${BASE}/api/v1/jobs`, () =>
        HttpResponse.json({ data: [], pagination: { total: 0, count: 0 } }),
      ),
      http.get(`${BASE}/api/v1/jobs/states`, () =>
        HttpResponse.json({ data: [], pagination: { total: 0, count: 0 } }),
      ),
      http.get(`${BASE}/api/v1/sessions`, () =>
        HttpResponse.json({ data: [], pagination: { total: 0, count: 0 } }),
      ),
      http.post(`${BASE}/api/oauth2/logout`, ({ request }) => {
        logouts.push(request.headers.get('authorization') ?? '');
        return HttpResponse.json({});
      }),
    );
    const sources: ItopsSource[] = [];
    const backend = await startTestBackend({
      features: [
        collectingPlugin(sources),
        itopsModuleVeeam,
        mockServices.rootConfig.factory({
          data: {
            itops: {
              veeam: {
                servers: {
                  main: {
                    baseUrl: BASE,
                    apiVersion: '1.3-rev0',
                    username: 'itops',
                    password: 'secret',
                  },
                  idle: {
                    baseUrl: 'https://vbr-2.test:9419',
                    username: 'itops',
                    password: 'secret',
                  },
                },
              },
            },
          },
        }),
      ],
    });

    expect(
      sources.map(s => [s.type, s.instance, s.baseUrl, Object.keys(s.readers)]),
    ).toEqual([
      ['veeam', 'main', BASE, ['backups']],
      ['veeam', 'idle', 'https://vbr-2.test:9419', ['backups']],
    ]);
    const batches = [];
    for await (const batch of sources[0].readers.backups!.read({
      full: true,
      signal: new AbortController().signal,
      mappedKeys: async () => [],
    })) {
      batches.push(batch);
    }
    expect(batches).toEqual([{ records: [] }]);

    await backend.stop();
    // Only the server that was logged in to is logged out of.
    expect(logouts).toEqual(['Bearer access-1']);
  });
});
