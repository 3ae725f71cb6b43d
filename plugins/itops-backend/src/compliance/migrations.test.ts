import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const COMPLIANCE = '20261125150000_compliance.js';
const INDEX = '20261125150100_backup_run_job_index.js';

describe('compliance migrations', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'go down and up again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      expect(await knex.schema.hasTable('itops_compliance_results')).toBe(true);

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
});
