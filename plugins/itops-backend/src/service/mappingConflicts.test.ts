import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { replaceClaimIssues } from '../mapping/claimIssueStore';
import { itopsPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const CONFLICT = {
  type: 'servicenow-ci' as const,
  value: 'ci-1',
  decision: 'conflict' as const,
  claimants: ['component:default/a', 'component:default/b'],
  granted: [],
  reason: 'exclusive',
};
const REFUSED = {
  type: 'jira-component' as const,
  value: 'pay/refunds',
  decision: 'refused' as const,
  claimants: ['component:default/payments', 'component:default/shop'],
  granted: ['component:default/payments'],
  reason: 'rule',
};

describe('GET /mapping/conflicts', () => {
  const databases = createTestDatabases();

  async function start(databaseId: TestDatabaseId, deny: string[] = []) {
    const knex = await databases.init(databaseId);
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
        mockServices.rootConfig.factory({ data: {} }),
        // Keeps the entity mapper from replacing the seeded issues.
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory(),
        permissions.factory,
      ],
    });
    // The plugin has migrated the database by now.
    await replaceClaimIssues(
      knex,
      [REFUSED, CONFLICT],
      Date.parse('2026-12-07T10:00:00Z'),
    );
    return request(server)
      .get('/api/itops/mapping/conflicts')
      .set('Authorization', mockCredentials.user.header());
  }

  it.each(databases.eachSupportedId())(
    'lists withheld and refused claims by type and value on %p',
    async databaseId => {
      const response = await start(databaseId);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        items: [
          { ...REFUSED, detectedAt: '2026-12-07T10:00:00.000Z' },
          { ...CONFLICT, detectedAt: '2026-12-07T10:00:00.000Z' },
        ],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 403 without itops.sync-status.read on %p',
    async databaseId => {
      const response = await start(databaseId, ['itops.sync-status.read']);

      expect(response.status).toBe(403);
      expect(JSON.stringify(response.body)).not.toContain('ci-1');
    },
  );
});
