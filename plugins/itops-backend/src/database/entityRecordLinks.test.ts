import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { componentMapping } from '../__testUtils__/componentMapping';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { replaceEntityMappingIfChanged } from '../mapping/entityMappingStore';
import { SyncStore } from '../sync/SyncStore';
import { change, incident, migrate } from '../sync/__testUtils__/fakeSource';

jest.setTimeout(60_000);

const source = { type: 'servicenow', instance: 'production' };

/** Links as `entity external_id sort_at end_at is_open priority` lines. */
async function links(knex: Knex, kind = 'incident'): Promise<string[]> {
  const table = kind === 'incident' ? 'itops_incidents' : 'itops_changes';
  const rows = await knex('itops_entity_records as er')
    .join(`${table} as r`, 'r.id', 'er.record_id')
    .where('er.record_table', kind)
    .select('er.*', 'r.external_id');
  return rows
    .map(row =>
      [
        row.entity_ref,
        row.external_id,
        row.sort_at === null
          ? '-'
          : new Date(Number(row.sort_at)).toISOString(),
        row.end_at === null ? '-' : new Date(Number(row.end_at)).toISOString(),
        row.is_open ?? '-',
        row.priority ?? '-',
      ].join(' '),
    )
    .sort();
}

describe('entity record links', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'follow the records a sync writes and deletes, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      await replaceEntityMappingIfChanged(
        knex,
        componentMapping([
          ['component:default/pay', 'servicenow-service', 'payments'],
          ['component:default/shop', 'servicenow-service', 'storefront'],
          ['component:default/both', 'servicenow-service', 'payments'],
          ['component:default/both', 'servicenow-ci', 'db-1'],
        ]),
      );
      const store = SyncStore.create(knex);

      await store.writeBatch(
        source,
        'incidents',
        [
          // Two keys of one entity: still one link.
          incident('a', {
            keys: [
              { type: 'servicenow-service', value: 'Payments' },
              { type: 'servicenow-ci', value: 'DB-1' },
            ],
          }),
          incident('b', {
            state: 'resolved',
            priority: 4,
            resolvedAt: '2026-11-02T09:00:00.000Z',
            keys: [{ type: 'servicenow-service', value: 'storefront' }],
          }),
          incident('c', { keys: [{ type: 'servicenow-ci', value: 'nope' }] }),
        ],
        'sync-1',
      );
      expect(await links(knex)).toEqual([
        'component:default/both a 2026-11-01T09:00:00.000Z - 1 2',
        'component:default/pay a 2026-11-01T09:00:00.000Z - 1 2',
        'component:default/shop b 2026-11-01T09:00:00.000Z 2026-11-02T09:00:00.000Z 0 4',
      ]);

      // A record whose keys and state changed moves with them.
      await store.writeBatch(
        source,
        'incidents',
        [
          incident('a', {
            state: 'closed',
            keys: [{ type: 'servicenow-service', value: 'storefront' }],
          }),
          incident('b', {
            state: 'resolved',
            priority: 4,
            resolvedAt: '2026-11-02T09:00:00.000Z',
            keys: [{ type: 'servicenow-service', value: 'storefront' }],
          }),
        ],
        'sync-2',
      );
      expect(await links(knex)).toEqual([
        'component:default/shop a 2026-11-01T09:00:00.000Z - 0 2',
        'component:default/shop b 2026-11-01T09:00:00.000Z 2026-11-02T09:00:00.000Z 0 4',
      ]);

      // A reconcile that no longer sees `a` (nor the unmapped `c`) removes
      // them, and `a`'s links with it.
      await store.writeBatch(
        source,
        'incidents',
        [
          incident('b', {
            keys: [{ type: 'servicenow-service', value: 'storefront' }],
          }),
        ],
        'sync-3',
      );
      expect(await store.deleteUnseen(source, 'incidents', 'sync-3')).toBe(2);
      expect(await links(knex)).toEqual([
        'component:default/shop b 2026-11-01T09:00:00.000Z - 1 2',
      ]);
      expect(
        await knex('itops_entity_records').where('record_table', 'incident'),
      ).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'follow mapping changes of the entities whose keys changed, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);
      // Records synced before the catalog maps anything.
      await store.writeBatch(
        source,
        'changes',
        [
          change('x', { keys: [{ type: 'jira-project', value: 'PAY' }] }),
          change('y', { keys: [{ type: 'jira-project', value: 'SHOP' }] }),
        ],
        'sync-1',
      );
      expect(await links(knex, 'change')).toEqual([]);

      await replaceEntityMappingIfChanged(
        knex,
        componentMapping([
          ['component:default/pay', 'jira-project', 'pay'],
          ['component:default/shop', 'jira-project', 'shop'],
        ]),
      );
      expect(
        (await links(knex, 'change')).map(l =>
          l.split(' ').slice(0, 2).join(' '),
        ),
      ).toEqual(['component:default/pay x', 'component:default/shop y']);

      // `pay` loses its annotation and `shop` takes over PAY as well.
      await replaceEntityMappingIfChanged(
        knex,
        componentMapping([
          ['component:default/shop', 'jira-project', 'shop'],
          ['component:default/shop', 'jira-project', 'pay'],
        ]),
      );
      expect(
        (await links(knex, 'change')).map(l =>
          l.split(' ').slice(0, 2).join(' '),
        ),
      ).toEqual(['component:default/shop x', 'component:default/shop y']);
    },
  );

  it.each(databases.eachSupportedId())(
    'are backfilled for data stored before the links existed, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const directory = resolvePackagePath(
        '@backstage-itops/plugin-itops-backend',
        'migrations',
      );
      // Up to the migration before the links.
      await knex.migrate.up({ directory });
      await knex.migrate.up({ directory });
      await replaceEntityMappingIfChangedBeforeLinks(knex);
      const [{ id }] = await knex('itops_incidents')
        .insert({
          source_type: 'servicenow',
          source_instance: 'production',
          external_id: 'old',
          seen_in_sync: 's',
          number: 'INC1',
          title: 'Old',
          state: 'new',
          priority: 1,
          opened_at: Date.parse('2026-10-01T00:00:00Z'),
        })
        .returning('id');
      await knex('itops_record_keys').insert({
        record_table: 'incident',
        record_id: id,
        key_type: 'servicenow-ci',
        key_value: 'db-1',
      });

      await knex.migrate.latest({ directory });
      expect(await links(knex)).toEqual([
        'component:default/db old 2026-10-01T00:00:00.000Z - 1 1',
      ]);
    },
  );
});

/** The mapping tables' rows, written directly as the old schema had no links. */
async function replaceEntityMappingIfChangedBeforeLinks(knex: Knex) {
  await knex('itops_entities').insert({
    entity_ref: 'component:default/db',
    kind: 'component',
  });
  await knex('itops_entity_keys').insert({
    entity_ref: 'component:default/db',
    key_type: 'servicenow-ci',
    key_value: 'db-1',
    via_ref: 'component:default/db',
  });
}
