import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { SyncStore } from '../sync/SyncStore';
import { incident } from '../sync/__testUtils__/fakeSource';
import { incidentTable } from './recordTables';

jest.setTimeout(60_000);

const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const source = { type: 'servicenow', instance: 'production' };

describe('incident category and subcategory', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'are stored and read back, keeping "none" apart from "unknown", on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      const store = SyncStore.create(knex);
      await store.writeBatch(
        source,
        'incidents',
        [
          incident('a', { category: 'Database', subcategory: 'capacity' }),
          incident('b', { category: '', subcategory: '' }),
          incident('c'),
        ],
        'sync-1',
      );
      const rows = await knex(incidentTable.table).orderBy('external_id');
      const [a, b, c] = rows.map(row => incidentTable.fromRow(row));
      expect(a).toMatchObject({
        category: 'Database',
        subcategory: 'capacity',
      });
      expect(b).toMatchObject({ category: '', subcategory: '' });
      expect(c.category).toBeUndefined();
      expect(c.subcategory).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'migrate down and up again on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await knex.migrate.down({
        directory,
        name: '20261209113000_incident_category.js',
      });
      expect(
        await knex.schema.hasColumn(incidentTable.table, 'subcategory'),
      ).toBe(false);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasColumn(incidentTable.table, 'category')).toBe(
        true,
      );
    },
  );
});
