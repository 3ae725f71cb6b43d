import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { SyncStore } from '../sync/SyncStore';
import { change } from '../sync/__testUtils__/fakeSource';
import { changeTable } from './recordTables';

jest.setTimeout(60_000);

const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const source = { type: 'servicenow', instance: 'production' };

describe('change requester and implementer', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'are stored and read back, absent when not recorded, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      const store = SyncStore.create(knex);
      await store.writeBatch(
        source,
        'changes',
        [
          change('a', { requestedBy: 'u-1', implementedBy: 'U-2' }),
          change('b'),
        ],
        'sync-1',
      );
      const rows = await knex(changeTable.table).orderBy('external_id');
      const [a, b] = rows.map(row => changeTable.fromRow(row));
      expect(a).toMatchObject({ requestedBy: 'u-1', implementedBy: 'U-2' });
      expect(b.requestedBy).toBeUndefined();
      expect(b.implementedBy).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'migrate down and up again on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await knex.migrate.down({
        directory,
        name: '20261209113100_change_people.js',
      });
      expect(
        await knex.schema.hasColumn(changeTable.table, 'requested_by'),
      ).toBe(false);
      await knex.migrate.latest({ directory });
      expect(
        await knex.schema.hasColumn(changeTable.table, 'implemented_by'),
      ).toBe(true);
    },
  );
});
