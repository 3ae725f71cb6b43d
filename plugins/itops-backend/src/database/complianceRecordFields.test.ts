import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { ItopsRecordsByCapability } from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { SyncStore } from '../sync/SyncStore';
import { change, incident } from '../sync/__testUtils__/fakeSource';
import { type RecordTable, changeTable, incidentTable } from './recordTables';

jest.setTimeout(60_000);

/**
 * The record fields the compliance checks VUL-01, CAP-01 and SOD-01 read:
 * each stored and read back through the sync store, and each migration
 * reversible.
 */
const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const source = { type: 'servicenow', instance: 'production' };
const databases = createTestDatabases();

async function migrated(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  await knex.migrate.latest({ directory });
  return knex;
}

const TABLES: {
  [C in 'changes' | 'incidents']: RecordTable<ItopsRecordsByCapability[C]>;
} = { changes: changeTable, incidents: incidentTable };

/** Writes one batch as a sync would and reads the rows back as records. */
async function roundTrip<C extends 'changes' | 'incidents'>(
  knex: Knex,
  capability: C,
  records: ItopsRecordsByCapability[C][],
): Promise<Omit<ItopsRecordsByCapability[C], 'keys'>[]> {
  await SyncStore.create(knex).writeBatch(
    source,
    capability,
    records,
    'sync-1',
  );
  const table = TABLES[capability];
  const rows = await knex(table.table).orderBy('external_id');
  return rows.map(row => table.fromRow(row));
}

/**
 * Undoes `migration` and migrates again: whether `dropped` was there after
 * the undo, and whether `restored` is there after the redo.
 */
async function undoAndRedo(
  knex: Knex,
  migration: string,
  table: string,
  dropped: string,
  restored: string,
) {
  await knex.migrate.down({ directory, name: migration });
  const afterDown = await knex.schema.hasColumn(table, dropped);
  await knex.migrate.latest({ directory });
  const afterUp = await knex.schema.hasColumn(table, restored);
  return { afterDown, afterUp };
}

describe('change category and raise time', () => {
  it.each(databases.eachSupportedId())(
    'are stored and read back, keeping "none" apart from "unknown", on %p',
    async databaseId => {
      const [a, b, c] = await roundTrip(await migrated(databaseId), 'changes', [
        change('a', {
          category: 'Security',
          openedAt: '2026-11-01T09:00:00.000Z',
        }),
        change('b', { category: '' }),
        change('c'),
      ]);
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
      expect(
        await undoAndRedo(
          await migrated(databaseId),
          '20261209110000_change_category.js',
          changeTable.table,
          'category',
          'opened_at',
        ),
      ).toEqual({ afterDown: false, afterUp: true });
    },
  );
});

describe('change requester and implementer', () => {
  it.each(databases.eachSupportedId())(
    'are stored and read back, absent when not recorded, on %p',
    async databaseId => {
      const [a, b] = await roundTrip(await migrated(databaseId), 'changes', [
        change('a', { requestedBy: 'u-1', implementedBy: 'U-2' }),
        change('b'),
      ]);
      expect(a).toMatchObject({ requestedBy: 'u-1', implementedBy: 'U-2' });
      expect(b.requestedBy).toBeUndefined();
      expect(b.implementedBy).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'migrate down and up again on %p',
    async databaseId => {
      expect(
        await undoAndRedo(
          await migrated(databaseId),
          '20261209113100_change_people.js',
          changeTable.table,
          'requested_by',
          'implemented_by',
        ),
      ).toEqual({ afterDown: false, afterUp: true });
    },
  );
});

describe('incident category and subcategory', () => {
  it.each(databases.eachSupportedId())(
    'are stored and read back, keeping "none" apart from "unknown", on %p',
    async databaseId => {
      const [a, b, c] = await roundTrip(
        await migrated(databaseId),
        'incidents',
        [
          incident('a', { category: 'Database', subcategory: 'capacity' }),
          incident('b', { category: '', subcategory: '' }),
          incident('c'),
        ],
      );
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
      expect(
        await undoAndRedo(
          await migrated(databaseId),
          '20261209113000_incident_category.js',
          incidentTable.table,
          'subcategory',
          'category',
        ),
      ).toEqual({ afterDown: false, afterUp: true });
    },
  );
});
