import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  type ItopsSource,
  itopsSourcesExtensionPoint,
} from '@backstage-itops/plugin-itops-node';
import { itopsModuleJira } from './module';

describe('itopsModuleJira', () => {
  // An OAuth site makes the module open the database for its token store.
  // The test backend's default database (in-memory SQLite from config) is
  // never destroyed, and its pool's timers kept the jest worker from
  // exiting; TestDatabases destroys its connections after the tests.
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('registers every configured site with the readers it supports', async () => {
    const sources: ItopsSource[] = [];
    const knex = await databases.init('SQLITE_3');
    await startTestBackend({
      extensionPoints: [
        [itopsSourcesExtensionPoint, { addSource: s => sources.push(s) }],
      ],
      features: [
        itopsModuleJira,
        mockServices.database.factory({ knex }),
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
