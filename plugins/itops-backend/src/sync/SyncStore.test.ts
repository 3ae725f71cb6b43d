import type { IncidentRecord } from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { componentMapping } from '../__testUtils__/componentMapping';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { replaceEntityMappingIfChanged } from '../mapping/entityMappingStore';
import { SyncStore } from './SyncStore';
import {
  backupJob,
  backupRun,
  incident,
  migrate,
} from './__testUtils__/fakeSource';

jest.setTimeout(60_000);

const source = { type: 'servicenow', instance: 'production' };
const key = {
  sourceType: 'servicenow',
  sourceInstance: 'production',
  capability: 'incidents' as const,
};

async function keysOf(knex: Knex, kind: string) {
  return knex('itops_record_keys')
    .where('record_table', kind)
    .select('record_id', 'key_type', 'key_value')
    .orderBy(['record_id', 'key_type', 'key_value']);
}

const ANALYZED = [
  'itops_incidents',
  'itops_record_keys',
  'itops_entity_records',
];

/** Which of {@link ANALYZED} the database holds planner statistics of. */
async function analyzedTables(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const analyzed: string[] = await knex('pg_stat_user_tables')
      .whereIn('relname', ANALYZED)
      .whereNotNull('last_analyze')
      .pluck('relname');
    return analyzed.sort();
  }
  // SQLite creates its statistics table on the first analyze.
  const hasStatistics = await knex('sqlite_schema')
    .where('name', 'sqlite_stat1')
    .first('name');
  if (!hasStatistics) {
    return [];
  }
  const analyzed: string[] = await knex('sqlite_stat1')
    .whereIn('tbl', ANALYZED)
    .distinct()
    .pluck('tbl');
  return analyzed.sort();
}

/** Maps components to ServiceNow business services, as the entity mapper would. */
function mapServices(knex: Knex, serviceOf: Record<string, string>) {
  return replaceEntityMappingIfChanged(
    knex,
    componentMapping(
      Object.entries(serviceOf).map(([entityRef, service]) => [
        entityRef,
        'servicenow-service',
        service,
      ]),
    ),
  );
}

describe('SyncStore', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'keeps the stored values of the fields a read could not learn, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);
      await store.writeBatch(
        source,
        'incidents',
        [
          incident('a', {
            slaMet: false,
            acknowledgedAt: '2026-11-01T09:05:00.000Z',
          }),
          incident('b', { slaMet: true }),
        ],
        'sync-1',
      );
      // The SLA call was capped for 'a': its SLA facts are unknown, the
      // rest of it is news; 'b' comes whole and clears what it no longer has.
      const { written, rejected } = await store.writeBatch(
        source,
        'incidents',
        [
          incident('a', {
            title: 'Renamed',
            unknown: ['slaMet', 'acknowledgedAt'],
          }),
          incident('b', { slaMet: undefined }),
          incident('c', { unknown: ['title'] }),
        ],
        'sync-2',
      );
      expect(written).toBe(2);
      expect(rejected).toEqual([
        {
          externalId: 'c',
          reason: expect.stringContaining(
            'Field title of a incident cannot be unknown',
          ),
        },
      ]);
      const rows = await knex('itops_incidents')
        .orderBy('external_id')
        .select(
          'external_id',
          'title',
          'sla_met',
          'acknowledged_at',
          'seen_in_sync',
        );
      expect(
        rows.map(r => ({
          id: r.external_id,
          title: r.title,
          slaMet: r.sla_met === null ? null : Boolean(r.sla_met),
          acknowledged: r.acknowledged_at !== null,
          seen: r.seen_in_sync,
        })),
      ).toEqual([
        {
          id: 'a',
          title: 'Renamed',
          slaMet: false,
          acknowledged: true,
          seen: 'sync-2',
        },
        {
          id: 'b',
          title: 'Incident b',
          slaMet: null,
          acknowledged: false,
          seen: 'sync-2',
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refreshes planner statistics of a capability on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);
      // A linked incident: SQLite keeps no statistics of an empty table.
      await mapServices(knex, { 'component:default/payments': 'payments' });
      await store.writeBatch(source, 'incidents', [incident('a')], 'sync-1');
      expect(await analyzedTables(knex)).toEqual([]);

      await store.refreshStatistics('incidents');

      expect(await analyzedTables(knex)).toEqual([
        'itops_entity_records',
        'itops_incidents',
        'itops_record_keys',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves out key values too long to be keys instead of failing the batch on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);

      const result = await store.writeBatch(
        source,
        'incidents',
        [
          incident('long', {
            keys: [
              { type: 'servicenow-service', value: 'x'.repeat(256) },
              { type: 'servicenow-service', value: 'Payments API' },
            ],
          }),
        ],
        'sync-1',
      );

      expect(result).toEqual({ written: 1, rejected: [] });
      expect(
        (await keysOf(knex, 'incident')).map(row => row.key_value),
      ).toEqual(['payments api']);
    },
  );

  it.each(databases.eachSupportedId())(
    'upserts a batch with normalized, unique keys on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);

      const first = await store.writeBatch(
        source,
        'incidents',
        [incident('a'), incident('b', { title: 'old' })],
        'sync-1',
      );
      expect(first).toEqual({ written: 2, rejected: [] });

      await store.writeBatch(
        source,
        'incidents',
        [
          incident('b', {
            title: 'new',
            keys: [
              { type: 'servicenow-ci', value: 'CI-9' },
              { type: 'servicenow-ci', value: 'ci-9 ' },
            ],
          }),
        ],
        'sync-2',
      );

      const rows = await knex('itops_incidents')
        .select('id', 'external_id', 'title', 'seen_in_sync', 'url')
        .orderBy('external_id');
      expect(rows).toEqual([
        expect.objectContaining({
          external_id: 'a',
          title: 'Incident a',
          seen_in_sync: 'sync-1',
          url: 'https://example.service-now.com/incident/a',
        }),
        expect.objectContaining({
          external_id: 'b',
          title: 'new',
          seen_in_sync: 'sync-2',
        }),
      ]);
      const [a, b] = rows;
      expect(await keysOf(knex, 'incident')).toEqual([
        {
          record_id: a.id,
          key_type: 'servicenow-service',
          key_value: 'payments',
        },
        { record_id: b.id, key_type: 'servicenow-ci', key_value: 'ci-9' },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'only marks records stored unchanged as seen, keeping their links and rollups, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);
      const payments = 'component:default/payments';
      const search = 'component:default/search';
      await mapServices(knex, { [payments]: 'payments', [search]: 'search' });
      const searchKeys = [
        { type: 'servicenow-service' as const, value: 'Search' },
      ];
      const records = [
        incident('a'),
        incident('b', { keys: searchKeys }),
        incident('c', { keys: searchKeys }),
      ];
      await store.writeBatch(source, 'incidents', records, 'sync-1');
      const links = () =>
        knex('itops_entity_records')
          .select('entity_ref', 'record_id', 'sort_at', 'is_open')
          .orderBy(['entity_ref', 'record_id']);
      const linksBefore = await links();
      expect(linksBefore).toHaveLength(3);
      await knex('itops_entity_rollup_stale').delete();

      // The same records again, as a full reconcile reads them.
      await store.writeBatch(source, 'incidents', records, 'sync-2');

      expect(await store.countSeen(source, 'incidents', 'sync-2')).toBe(3);
      expect(await links()).toEqual(linksBefore);
      expect(
        await knex('itops_entity_rollup_stale').pluck('entity_ref'),
      ).toEqual([]);

      // One changed record is rewritten, and only its entity goes stale.
      await store.writeBatch(
        source,
        'incidents',
        [
          incident('a'),
          incident('b', { keys: searchKeys, state: 'resolved' }),
          incident('c', { keys: searchKeys }),
        ],
        'sync-3',
      );
      expect(await store.countSeen(source, 'incidents', 'sync-3')).toBe(3);
      expect(
        await knex('itops_incidents').where('external_id', 'b').first('state'),
      ).toEqual({ state: 'resolved' });
      expect(
        await knex('itops_entity_rollup_stale').distinct().pluck('entity_ref'),
      ).toEqual([search]);

      // A record whose keys changed moves to the other entity.
      await store.writeBatch(source, 'incidents', [incident('c')], 'sync-4');
      expect(
        await knex('itops_entity_records as er')
          .join('itops_incidents as i', 'i.id', 'er.record_id')
          .where('i.external_id', 'c')
          .pluck('er.entity_ref'),
      ).toEqual([payments]);

      // A caller that knows nothing was stored skips the comparison: the
      // records are upserted (and their entities marked) as without hashes.
      await knex('itops_entity_rollup_stale').delete();
      await store.writeBatch(source, 'incidents', [incident('a')], 'sync-5', {
        nothingStored: true,
      });
      expect(await store.countSeen(source, 'incidents', 'sync-5')).toBe(1);
      expect(
        await knex('itops_entity_rollup_stale').distinct().pluck('entity_ref'),
      ).toEqual([payments]);
    },
  );

  it.each(databases.eachSupportedId())(
    'splits backups into jobs and runs on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);

      await store.writeBatch(
        source,
        'backups',
        [backupJob('j1'), backupRun('r1', 'j1'), backupRun('r2', 'j1')],
        'sync-1',
      );

      expect(await knex('itops_backup_jobs').pluck('external_id')).toEqual([
        'j1',
      ]);
      expect(
        await knex('itops_backup_runs')
          .orderBy('external_id')
          .pluck('external_id'),
      ).toEqual(['r1', 'r2']);
      expect(
        (await keysOf(knex, 'backup_job')).map(k => k.key_value).sort(),
      ).toEqual(['db-1', 'job j1']);
      expect(await keysOf(knex, 'backup_run')).toHaveLength(2);
      expect(await store.countRecords(source, 'backups')).toBe(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'skips invalid records and duplicates within a batch on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);

      const result = await store.writeBatch(
        source,
        'incidents',
        [
          incident('a', { title: 'first' }),
          incident('bad', { openedAt: 'yesterday' }),
          incident('a', { title: 'second' }),
        ],
        'sync-1',
      );

      expect(result.rejected).toEqual([
        { externalId: 'bad', reason: expect.stringContaining('yesterday') },
      ]);
      expect(await knex('itops_incidents').pluck('title')).toEqual(['second']);
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes what a sync did not see, with its keys, per source on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);
      const other = { type: 'servicenow', instance: 'staging' };

      await store.writeBatch(
        source,
        'incidents',
        [incident('a'), incident('b')],
        'sync-1',
      );
      await store.writeBatch(other, 'incidents', [incident('c')], 'sync-x');
      await store.writeBatch(source, 'incidents', [incident('a')], 'sync-2');

      expect(await store.deleteUnseen(source, 'incidents', 'sync-2')).toBe(1);

      const rows = await knex('itops_incidents')
        .orderBy('external_id')
        .select('id', 'external_id');
      expect(rows.map(r => r.external_id)).toEqual(['a', 'c']);
      expect((await keysOf(knex, 'incident')).map(k => k.record_id)).toEqual(
        rows.map(r => r.id),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'tells what one sync stored, per source, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);
      const other = { type: 'servicenow', instance: 'staging' };

      await store.writeBatch(
        source,
        'incidents',
        [incident('a'), incident('b'), incident('c')],
        'sync-1',
      );
      await store.writeBatch(other, 'incidents', [incident('d')], 'sync-2');
      // Re-read within the same run: still one record each.
      await store.writeBatch(
        source,
        'incidents',
        [incident('a'), incident('b')],
        'sync-2',
      );
      await store.writeBatch(source, 'incidents', [incident('a')], 'sync-2');

      expect(await store.countSeen(source, 'incidents', 'sync-2')).toBe(2);
      expect(await store.countSeen(source, 'incidents', 'sync-1')).toBe(1);
      expect(
        await store.seenExternalIds(source, 'incidents', 'sync-2', [
          'a',
          'c',
          'd',
          'x',
        ]),
      ).toEqual(new Set(['a']));
      // More ids than one statement binds.
      const many = Array.from({ length: 1200 }, (_, i) => `n-${i}`);
      expect(
        await store.seenExternalIds(source, 'incidents', 'sync-1', [
          ...many,
          'c',
        ]),
      ).toEqual(new Set(['c']));
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps sync state across attempts, successes and failures on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);
      const t1 = new Date('2026-11-25T10:00:00.000Z');
      const t2 = new Date('2026-11-25T10:05:00.000Z');
      const t3 = new Date('2026-11-25T10:10:00.000Z');

      expect(await store.getState(key)).toBeUndefined();

      await store.recordAttempt(key, t1);
      await store.writeBatch(source, 'incidents', [incident('a')], 's1');
      await store.saveWatermark(key, 'w1');
      await store.recordSuccess(key, { at: t1, full: true });
      await store.recordAttempt(key, t2);
      await store.recordFailure(key, { at: t2, message: 'Error: boom' });

      expect(await store.getState(key)).toEqual({
        watermark: 'w1',
        lastAttemptAt: t2,
        lastSuccessAt: t1,
        lastFullSyncAt: t1,
        lastError: 'Error: boom',
        lastErrorAt: t2,
        recordCount: 1,
        partial: [],
        lastRejected: 0,
      });

      await store.recordAttempt(key, t3);
      await store.recordSuccess(key, { at: t3, full: false });
      expect(await store.getState(key)).toEqual({
        watermark: 'w1',
        lastAttemptAt: t3,
        lastSuccessAt: t3,
        lastFullSyncAt: t1,
        lastError: undefined,
        lastErrorAt: t2,
        recordCount: 1,
        partial: [],
        lastRejected: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'writes a batch of 1,000 incidents in bulk on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const store = SyncStore.create(knex);
      const batch: IncidentRecord[] = Array.from({ length: 1000 }, (_, i) =>
        incident(`inc-${i}`, {
          keys: [
            { type: 'servicenow-service', value: `Service ${i % 50}` },
            { type: 'servicenow-ci', value: `ci-${i}` },
          ],
        }),
      );
      const queries: string[] = [];
      knex.on('query', (q: { sql: string }) => queries.push(q.sql));

      await store.writeBatch(source, 'incidents', batch, 'sync-1');
      await store.writeBatch(source, 'incidents', batch, 'sync-2');

      // Chunked statements, not one per record: per write 3 chunks, each an
      // upsert, a key delete and up to 4 key inserts, plus the transaction.
      expect(queries.length).toBeLessThan(60);
      expect(await store.countRecords(source, 'incidents')).toBe(1000);
      const [{ n }] = await knex('itops_record_keys').count({ n: '*' });
      expect(Number(n)).toBe(2000);
    },
  );
});
