import {
  type TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';

const connectionStringVariable =
  /^BACKSTAGE_TEST_DATABASE_(POSTGRES\d+)_CONNECTION_STRING$/;

/**
 * The databases every database test of ITOps runs on: SQLite always, and
 * each PostgreSQL whose connection string is in the environment (there is no
 * Docker here for TestDatabases to start one). In CI, missing PostgreSQL is
 * an error rather than a silent SQLite-only run.
 */
export function createTestDatabases(): TestDatabases {
  const postgresIds = Object.keys(process.env)
    .map(name => connectionStringVariable.exec(name)?.[1])
    .filter((id): id is string => Boolean(id))
    .map(id => id.replace(/^POSTGRES/, 'POSTGRES_') as TestDatabaseId);
  if (process.env.CI && postgresIds.length === 0) {
    throw new Error(
      'Database tests must also run on PostgreSQL in CI: set BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING (scripts/test.sh does so from the local server)',
    );
  }
  return TestDatabases.create({
    ids: ['SQLITE_3', ...postgresIds],
    disableDocker: true,
  });
}
