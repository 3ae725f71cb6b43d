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

describe('change category and raise time', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'are stored and read back, keeping "none" apart from "unknown", on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      const store = SyncStore.create(knex);
      await store.writeBatch(
        source,
        'changes',
        [
          change('a', {
            category: 'Security',
            openedAt: '2026-11-01T09:00:00.000Z',
          }),
          change('b', { category: '' }),
          change('c'),
        ],
        'sync-1',
      );
      const rows = await knex(changeTable.table).orderBy('external_id');
      const [a, b, c] = rows.map(row => changeTable.fromRow(row));
      expect(a).toMatchObject({
        category: 'Security',
        openedAt: '2026-11-01T09:00:00.000Z',
      });
      expect(b.category).toBe('');
      expect(c.category).toBeUndefined();
      expect(c.openedAt).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'migrate down and up again on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await knex.migrate.down({
        directory,
        name: '20261209110000_change_category.js',
      });
      expect(await knex.schema.hasColumn(changeTable.table, 'category')).toBe(
        false,
      );
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasColumn(changeTable.table, 'opened_at')).toBe(
        true,
      );
    },
  );
});
