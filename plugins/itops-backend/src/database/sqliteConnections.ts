import type { Knex } from 'knex';

/**
 * Runs `setUp` once on each new better-sqlite3 connection of `knex`, before
 * its first query; `marker` records which connections it has seen, so that
 * several set-ups can be chained. Does nothing on other databases.
 */
export function setUpSqliteConnections<C extends object>(
  knex: Knex,
  marker: symbol,
  setUp: (connection: C) => void,
): void {
  const client = knex.client as {
    driverName?: string;
    acquireConnection(): Promise<unknown>;
  };
  if (client.driverName !== 'better-sqlite3') {
    return;
  }
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    const connection = (await acquire()) as C;
    const marks = connection as Record<symbol, boolean | undefined>;
    if (!marks[marker]) {
      setUp(connection);
      marks[marker] = true;
    }
    return connection;
  };
}
