import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  type ItopsSource,
  itopsSourcesExtensionPoint,
} from '@backstage-itops/plugin-itops-node';
import { itopsModuleServicenow } from './module';

/** Stands in for the ITOps backend plugin: collects the sources modules add. */
function collectingPlugin(sources: ItopsSource[]) {
  return createBackendPlugin({
    pluginId: 'itops',
    register(env) {
      env.registerExtensionPoint(itopsSourcesExtensionPoint, {
        addSource: source => sources.push(source),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('itopsModuleServicenow', () => {
  it('registers one source per configured instance with its readers', async () => {
    const sources: ItopsSource[] = [];
    const backend = await startTestBackend({
      features: [
        collectingPlugin(sources),
        itopsModuleServicenow,
        mockServices.rootConfig.factory({
          data: {
            itops: {
              servicenow: {
                instances: {
                  production: {
                    baseUrl: 'https://acme.service-now.com',
                    auth: { username: 'itops', password: 'secret' },
                  },
                  emea: {
                    baseUrl: 'https://acme-emea.service-now.com',
                    auth: { clientId: 'c', clientSecret: 's' },
                    oncall: { enabled: false },
                    freezeWindows: { enabled: false },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    try {
      expect(
        sources.map(s => ({
          type: s.type,
          instance: s.instance,
          baseUrl: s.baseUrl,
          readers: Object.keys(s.readers).sort(),
        })),
      ).toEqual([
        {
          type: 'servicenow',
          instance: 'production',
          baseUrl: 'https://acme.service-now.com',
          readers: ['changes', 'freezeWindows', 'incidents', 'oncall'],
        },
        {
          type: 'servicenow',
          instance: 'emea',
          baseUrl: 'https://acme-emea.service-now.com',
          readers: ['changes', 'incidents'],
        },
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('fails start-up on invalid instance config, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          collectingPlugin([]),
          itopsModuleServicenow,
          mockServices.rootConfig.factory({
            data: {
              itops: {
                servicenow: {
                  instances: { production: { baseUrl: 'https://x.example' } },
                },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      /itops\.servicenow\.instances\.production\.auth is required/,
    );
  });
});
