import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { withRetentionPermit } from './retentionPermit';

// The migration helper is plain JavaScript next to the migrations.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const guard = require('../../migrations/lib/appendOnlyGuard');

jest.setTimeout(60_000);

const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const GUARD = '20261208120000_compliance_retention_guard.js';
const PSEUDONYMISATION = '20261208170000_compliance_pseudonymisation.js';
const GUARDED = [
  'itops_compliance_snapshots',
  'itops_compliance_results',
  'itops_compliance_removals',
];

const snapshot = (id: string) => ({
  id,
  taken_at: 1,
  trigger: 'scheduled',
  scope: 'all',
  catalogue_hash: 'c',
  catalogue: '{}',
  content_hash: 'h',
  entity_count: 1,
  result_count: 1,
  duration_ms: 1,
});
const result = (snapshotId: string) => ({
  snapshot_id: snapshotId,
  entity_ref: 'component:default/a',
  check_id: 'INV-01',
  check_version: 1,
  status: 'pass',
  reason: 'ok',
  evidence: '[]',
});
const ledgerRow = (snapshotId: string) => ({
  snapshot_id: snapshotId,
  taken_at: 1,
  trigger: 'scheduled',
  scope: 'all',
  content_hash: 'h',
  catalogue_hash: 'c',
  result_count: 1,
  disposed_at: 2,
  actor: 'someone with SQL access',
  policy: '{}',
  reason: 'hand-inserted',
});

async function seed(knex: Knex, ids: string[]) {
  await knex('itops_compliance_snapshots').insert(ids.map(snapshot));
  await knex('itops_compliance_results').insert(ids.map(result));
  await knex('itops_compliance_removals').insert(
    ids.map(id => ({ snapshot_id: id, entity_ref: 'component:default/b' })),
  );
}

const count = async (knex: Knex, table: string) =>
  Number((await knex(table).count({ n: '*' }))[0].n);

describe('append-only guard of the compliance tables', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'refuses changes from plain SQL, a hand-inserted ledger row included, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const postgres = knex.client.dialect === 'postgresql';
      await knex.migrate.latest({ directory });
      await seed(knex, ['a', 'b']);
      await knex('itops_compliance_disposals').insert(ledgerRow('a'));

      for (const table of GUARDED) {
        await expect(knex(table).delete()).rejects.toThrow(/append-only/);
        await expect(
          knex(table)
            .where(table.endsWith('snapshots') ? 'id' : 'snapshot_id', 'a')
            .delete(),
        ).rejects.toThrow(/append-only/);
        await expect(
          knex(table).update({
            [table.endsWith('snapshots') ? 'scope' : 'entity_ref']: 'x',
          }),
        ).rejects.toThrow(/append-only/);
        // In a transaction of its own, without the job's marker, too.
        await expect(
          knex.transaction(trx =>
            trx(table)
              .where(table.endsWith('snapshots') ? 'id' : 'snapshot_id', 'a')
              .delete(),
          ),
        ).rejects.toThrow(/refused outside the retention job/);
        // TRUNCATE on PostgreSQL; SQLite's equivalent is its truncate
        // optimisation of an unqualified DELETE.
        for (const wipe of postgres
          ? [`truncate ${table}`, `truncate ${table} cascade`]
          : [`delete from ${table}`]) {
          await expect(knex.raw(wipe)).rejects.toThrow(/append-only/);
        }
        expect([table, await count(knex, table)]).toEqual([table, 2]);
      }

      // The job deletes what the ledger names, and nothing the ledger does not.
      await knex.transaction(trx =>
        withRetentionPermit(trx, 2, async () => {
          await trx('itops_compliance_removals')
            .where('snapshot_id', 'a')
            .delete();
          await trx('itops_compliance_results')
            .where('snapshot_id', 'a')
            .delete();
          await trx('itops_compliance_snapshots').where('id', 'a').delete();
        }),
      );
      await expect(
        knex.transaction(trx =>
          withRetentionPermit(trx, 3, () =>
            trx('itops_compliance_results').where('snapshot_id', 'b').delete(),
          ),
        ),
      ).rejects.toThrow(/only snapshots recorded/);
      for (const table of GUARDED) {
        expect([table, await count(knex, table)]).toEqual([table, 1]);
      }
      // Even inside the job, UPDATE stays refused: snapshots never change.
      await expect(
        knex.transaction(trx =>
          withRetentionPermit(trx, 4, () =>
            trx('itops_compliance_snapshots').update({ scope: 'x' }),
          ),
        ),
      ).rejects.toThrow(/append-only/);

      // The marker does not outlive the job's transaction.
      await knex('itops_compliance_disposals').insert(ledgerRow('b'));
      await expect(
        knex('itops_compliance_results').where('snapshot_id', 'b').delete(),
      ).rejects.toThrow(/refused outside the retention job/);
      // A marker somebody left behind does not count: on PostgreSQL one set
      // for the session names no transaction of the job; on SQLite a
      // permit row left in the table makes the job stop, loudly.
      const leftBehind = postgres
        ? knex.transaction(async trx => {
            await trx.raw("select set_config('itops.retention', 'on', false)");
            await trx('itops_compliance_results')
              .where('snapshot_id', 'b')
              .delete();
          })
        : knex(guard.RETENTION_PERMIT_TABLE)
            .insert({ id: 1, opened_at: 1 })
            .then(() =>
              knex.transaction(trx =>
                withRetentionPermit(trx, 5, async () => 1),
              ),
            );
      await expect(leftBehind).rejects.toThrow(
        postgres
          ? /refused outside the retention job/
          : /not created by the retention job/,
      );
      expect(await count(knex, 'itops_compliance_results')).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'guards a new table with only the operations it permits, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      for (const name of ['itops_test_frozen', 'itops_test_pseudonymised']) {
        await knex.schema.createTable(name, table => {
          table.increments('id');
          table.string('person');
        });
        await knex(name).insert([{ person: 'a' }, { person: 'b' }]);
      }
      await guard.guardAppendOnly(knex, 'itops_test_frozen');
      await guard.guardAppendOnly(knex, 'itops_test_pseudonymised', {
        permit: ['update'],
      });

      await expect(
        knex('itops_test_pseudonymised').update({ person: 'x' }),
      ).rejects.toThrow(/UPDATE is refused outside the retention job/);
      await knex.transaction(trx =>
        withRetentionPermit(trx, 1, () =>
          trx('itops_test_pseudonymised')
            .where('person', 'a')
            .update({ person: 'p1' }),
        ),
      );
      expect(
        (await knex('itops_test_pseudonymised').orderBy('id')).map(
          r => r.person,
        ),
      ).toEqual(['p1', 'b']);
      await expect(
        knex.transaction(trx =>
          withRetentionPermit(trx, 2, () =>
            trx('itops_test_pseudonymised').delete(),
          ),
        ),
      ).rejects.toThrow(/DELETE is refused/);
      for (const op of ['update', 'delete'] as const) {
        await expect(
          knex.transaction(trx =>
            withRetentionPermit(trx, 3, () =>
              op === 'update'
                ? trx('itops_test_frozen').update({ person: 'x' })
                : trx('itops_test_frozen').delete(),
            ),
          ),
        ).rejects.toThrow(/append-only/);
      }
      expect(await count(knex, 'itops_test_frozen')).toBe(2);

      await guard.unguardAppendOnly(knex, 'itops_test_frozen');
      await knex('itops_test_frozen').delete();
      expect(await count(knex, 'itops_test_frozen')).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'goes down to ledger-only deletes and up again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await seed(knex, ['a', 'b']);
      await knex('itops_compliance_disposals').insert([
        ledgerRow('a'),
        ledgerRow('b'),
      ]);

      // Later migrations build on the guard: they go down first.
      await knex.migrate.down({ directory, name: PSEUDONYMISATION });
      await knex.migrate.down({ directory, name: GUARD });
      expect(await knex.schema.hasTable(guard.RETENTION_PERMIT_TABLE)).toBe(
        false,
      );
      // Without the guard, the ledger row is all a delete needed (as before).
      await knex('itops_compliance_results').where('snapshot_id', 'a').delete();

      await knex.migrate.latest({ directory });
      await expect(
        knex('itops_compliance_results').where('snapshot_id', 'b').delete(),
      ).rejects.toThrow(/refused outside the retention job/);
      await knex.transaction(trx =>
        withRetentionPermit(trx, 2, () =>
          trx('itops_compliance_results').where('snapshot_id', 'b').delete(),
        ),
      );
      expect(await count(knex, 'itops_compliance_results')).toBe(0);
    },
  );
});
