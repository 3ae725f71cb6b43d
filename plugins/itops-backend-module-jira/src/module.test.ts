import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  type ItopsSource,
  itopsSourcesExtensionPoint,
} from '@backstage-itops/plugin-itops-node';
import { itopsModuleJira } from './module';

describe('itopsModuleJira', () => {
  it('registers every configured site with the readers it supports', async () => {
    const sources: ItopsSource[] = [];
    await startTestBackend({
      extensionPoints: [
        [itopsSourcesExtensionPoint, { addSource: s => sources.push(s) }],
      ],
      features: [
        itopsModuleJira,
        mockServices.rootConfig.factory({
          data: {
            itops: {
              jira: {
                sites: {
                  cloud: {
                    baseUrl: 'https://acme.atlassian.net',
                    auth: { email: 'itops@acme.example', apiToken: 't' },
                  },
                  onprem: {
                    baseUrl: 'https://jira.acme.example',
                    deployment: 'datacenter',
                    auth: { personalAccessToken: 'p' },
                    changes: { enabled: false },
                  },
                  gateway: {
                    baseUrl: 'https://acme2.atlassian.net',
                    cloudId: 'c-2',
                    auth: {
                      oauth: {
                        clientId: 'id',
                        clientSecret: 's',
                        refreshToken: 'r',
                      },
                    },
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
      [
        'jira',
        'cloud',
        'https://acme.atlassian.net',
        ['incidents', 'changes', 'oncall'],
      ],
      ['jira', 'onprem', 'https://jira.acme.example', ['incidents']],
      [
        'jira',
        'gateway',
        'https://acme2.atlassian.net',
        ['incidents', 'changes', 'oncall'],
      ],
    ]);
  });

  it('fails start-up on invalid config, naming the key', async () => {
    await expect(
      startTestBackend({
        extensionPoints: [
          [itopsSourcesExtensionPoint, { addSource: () => {} }],
        ],
        features: [
          itopsModuleJira,
          mockServices.rootConfig.factory({
            data: {
              itops: {
                jira: {
                  sites: {
                    broken: {
                      baseUrl: 'https://acme.atlassian.net',
                      auth: { email: 'itops@acme.example' },
                    },
                  },
                },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      /itops\.jira\.sites\.broken\.auth: Jira Cloud needs email and apiToken/,
    );
  });
});
