import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { withRetentionPermit } from './retentionPermit';

jest.setTimeout(60_000);

const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const COMPLIANCE = '20261125150000_compliance.js';
const INDEX = '20261125150100_backup_run_job_index.js';
const RETENTION = '20261126110000_compliance_retention.js';

describe('compliance migrations', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'go down and up again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('itops_compliance_results')).toBe(true);

      await knex.migrate.down({ directory, name: RETENTION });
      await knex.migrate.down({ directory, name: INDEX });
      await knex.migrate.down({ directory, name: COMPLIANCE });
      for (const table of [
        'itops_compliance_entities',
        'itops_compliance_snapshots',
        'itops_compliance_results',
        'itops_compliance_waivers',
        'itops_compliance_audit',
      ]) {
        expect([table, await knex.schema.hasTable(table)]).toEqual([
          table,
          false,
        ]);
      }

      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('itops_compliance_audit')).toBe(true);
      // The append-only triggers are back too.
      await knex('itops_compliance_audit').insert({
        at: 1,
        actor: 'user:default/a',
        action: 'test',
        object_type: 'test',
        object_id: 'x',
      });
      await expect(knex('itops_compliance_audit').delete()).rejects.toThrow(
        /append-only/,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'lets only snapshots in the disposal ledger be deleted, and goes down and up, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
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
      await knex('itops_compliance_snapshots').insert([
        snapshot('kept'),
        snapshot('disposed'),
      ]);
      await knex('itops_compliance_results').insert([
        result('kept'),
        result('disposed'),
      ]);
      await knex('itops_compliance_removals').insert({
        snapshot_id: 'kept',
        entity_ref: 'component:default/b',
      });
      for (const table of [
        'itops_compliance_snapshots',
        'itops_compliance_results',
        'itops_compliance_removals',
      ]) {
        await expect(knex(table).delete()).rejects.toThrow(/append-only/);
        await expect(
          knex(table).update({
            [table.endsWith('snapshots') ? 'scope' : 'entity_ref']: 'x',
          }),
        ).rejects.toThrow(/append-only/);
      }
      await knex('itops_compliance_disposals').insert({
        snapshot_id: 'disposed',
        taken_at: 1,
        trigger: 'scheduled',
        scope: 'all',
        content_hash: 'h',
        catalogue_hash: 'c',
        result_count: 1,
        disposed_at: 2,
        actor: 'test',
        policy: '{}',
        reason: 'test',
      });
      // A hand-inserted ledger row alone no longer lets a snapshot go: the
      // delete must also run inside the retention job's transaction.
      await expect(
        knex('itops_compliance_results')
          .where('snapshot_id', 'disposed')
          .delete(),
      ).rejects.toThrow(/refused outside the retention job/);
      await knex.transaction(trx =>
        withRetentionPermit(trx, 2, async () => {
          await trx('itops_compliance_results')
            .where('snapshot_id', 'disposed')
            .delete();
          await trx('itops_compliance_snapshots')
            .where('id', 'disposed')
            .delete();
        }),
      );
      // The ledger check still holds inside the job.
      await expect(
        knex.transaction(trx =>
          withRetentionPermit(trx, 3, () =>
            trx('itops_compliance_snapshots').where('id', 'kept').delete(),
          ),
        ),
      ).rejects.toThrow(/only snapshots recorded/);
      expect(
        (await knex('itops_compliance_snapshots').select('id')).map(r => r.id),
      ).toEqual(['kept']);
      // The ledger itself is append-only.
      await expect(knex('itops_compliance_disposals').delete()).rejects.toThrow(
        /append-only/,
      );
      await expect(
        knex('itops_compliance_disposals').update({ reason: 'x' }),
      ).rejects.toThrow(/append-only/);

      await knex.migrate.down({ directory, name: RETENTION });
      expect(await knex.schema.hasTable('itops_compliance_disposals')).toBe(
        false,
      );
      // Back to append-only without exceptions.
      await expect(knex('itops_compliance_snapshots').delete()).rejects.toThrow(
        /append-only/,
      );
      await knex.migrate.latest({ directory });
      await expect(knex('itops_compliance_results').delete()).rejects.toThrow(
        /append-only/,
      );
      expect(await knex('itops_compliance_results').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
    },
  );
});
