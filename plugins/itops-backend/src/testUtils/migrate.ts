import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** Creates the ITOps schema in a test database. */
export async function migrateItopsDatabase(knex: Knex): Promise<Knex> {
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@backstage-itops/plugin-itops-backend',
      'migrations',
    ),
  });
  return knex;
}
