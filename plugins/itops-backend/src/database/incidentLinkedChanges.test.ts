import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { LinkedChange } from '@backstage-itops/plugin-itops-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { SyncStore } from '../sync/SyncStore';
import { incident } from '../sync/__testUtils__/fakeSource';
import { incidentTable } from './recordTables';

jest.setTimeout(60_000);

const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const MIGRATION = '20261209100000_incident_linked_changes.js';
const source = { type: 'servicenow', instance: 'production' };

const causedBy: LinkedChange = {
  externalId: 'c0ffee',
  reference: 'CHG0030001',
  relation: 'caused_by',
  url: 'https://example.service-now.com/change/c0ffee',
};
const related: LinkedChange = {
  externalId: 'hidden-sys-id',
  reference: 'hidden-sys-id',
  relation: 'related',
};

describe('incident linked changes', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'are stored with the incident and replaced by each resync, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      const store = SyncStore.create(knex);
      const stored = async (id: string) => {
        const [row] = await knex(incidentTable.table).where('external_id', id);
        return incidentTable.fromRow(row).linkedChanges;
      };

      await store.writeBatch(
        source,
        'incidents',
        [
          incident('a', { linkedChanges: [causedBy, related] }),
          incident('b', { linkedChanges: [causedBy] }),
          incident('c'),
        ],
        'sync-1',
      );
      expect(await stored('a')).toEqual([causedBy, related]);
      expect(await stored('b')).toEqual([causedBy]);
      // A source that does not say gives no list, not an empty one.
      expect(await stored('c')).toBeUndefined();

      await store.writeBatch(
        source,
        'incidents',
        [
          // The source now links only one change: the other is gone.
          incident('a', { linkedChanges: [related] }),
          // A resync without links clears them.
          incident('b', { linkedChanges: [] }),
        ],
        'sync-2',
      );
      expect(await stored('a')).toEqual([related]);
      expect(await stored('b')).toEqual([]);

      // A run that could not read the links keeps what was stored.
      await store.writeBatch(
        source,
        'incidents',
        [incident('a', { title: 'Renamed', unknown: ['linkedChanges'] })],
        'sync-3',
      );
      const [row] = await knex(incidentTable.table).where('external_id', 'a');
      expect(incidentTable.fromRow(row)).toMatchObject({
        title: 'Renamed',
        linkedChanges: [related],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'migrate down and up again, keeping the incidents, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await SyncStore.create(knex).writeBatch(
        source,
        'incidents',
        [incident('a', { linkedChanges: [causedBy] })],
        'sync-1',
      );
      const later = (await knex.migrate.list({ directory }))[0]
        .map((m: { name?: string; file?: string } | string) =>
          typeof m === 'string' ? m : m.name ?? m.file ?? '',
        )
        .filter((name: string) => name > MIGRATION)
        .sort()
        .reverse();
      for (const name of later) {
        await knex.migrate.down({ directory, name });
      }
      await knex.migrate.down({ directory, name: MIGRATION });
      expect(
        await knex.schema.hasColumn('itops_incidents', 'linked_changes'),
      ).toBe(false);
      expect(await knex('itops_incidents').pluck('external_id')).toEqual(['a']);

      await knex.migrate.latest({ directory });
      expect(
        await knex.schema.hasColumn('itops_incidents', 'linked_changes'),
      ).toBe(true);
      const [row] = await knex(incidentTable.table);
      expect(incidentTable.fromRow(row).linkedChanges).toBeUndefined();
    },
  );
});
