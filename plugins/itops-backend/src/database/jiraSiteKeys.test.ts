import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { MappingKey } from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { change, incident } from '../sync/__testUtils__/fakeSource';
import { SyncStore } from '../sync/SyncStore';

jest.setTimeout(60_000);

const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const MIGRATION = '20261207120000_jira_site_keys.js';

const jiraKeys: MappingKey[] = [
  { type: 'jira-project', value: 'PAY' },
  { type: 'jira-component', value: 'PAY/payments-api' },
];

async function keysOf(knex: Knex, table: string, kind: string, id: string) {
  const [row] = await knex(table).where('external_id', id);
  return (
    await knex('itops_record_keys')
      .where({ record_table: kind, record_id: row.id })
      .orderBy(['key_type', 'key_value'])
  ).map(key => `${key.key_type}=${key.key_value}`);
}

describe('migration: Jira keys scoped to their site', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'gives stored Jira records site-scoped keys, and takes them back, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await knex.migrate.down({ directory, name: MIGRATION });
      const store = SyncStore.create(knex);
      await store.writeBatch(
        { type: 'jira', instance: 'Cloud' },
        'incidents',
        [incident('10001', { keys: jiraKeys })],
        'sync-1',
      );
      await store.writeBatch(
        { type: 'jira', instance: 'Cloud' },
        'changes',
        [change('10002', { keys: [jiraKeys[0]] })],
        'sync-1',
      );
      // Another source's keys, even of these types, are left alone.
      await store.writeBatch(
        { type: 'servicenow', instance: 'prod' },
        'incidents',
        [incident('x', { keys: jiraKeys })],
        'sync-1',
      );

      await knex.migrate.up({ directory, name: MIGRATION });
      expect(
        await keysOf(knex, 'itops_incidents', 'incident', '10001'),
      ).toEqual([
        'jira-component=cloud:pay/payments-api',
        'jira-component=pay/payments-api',
        'jira-project=cloud:pay',
        'jira-project=pay',
      ]);
      expect(await keysOf(knex, 'itops_changes', 'change', '10002')).toEqual([
        'jira-project=cloud:pay',
        'jira-project=pay',
      ]);
      expect(await keysOf(knex, 'itops_incidents', 'incident', 'x')).toEqual([
        'jira-component=pay/payments-api',
        'jira-project=pay',
      ]);

      await knex.migrate.down({ directory, name: MIGRATION });
      expect(
        await keysOf(knex, 'itops_incidents', 'incident', '10001'),
      ).toEqual(['jira-component=pay/payments-api', 'jira-project=pay']);
      expect(await keysOf(knex, 'itops_changes', 'change', '10002')).toEqual([
        'jira-project=pay',
      ]);
    },
  );
});
