import type { Knex } from 'knex';
import { setUpSqliteConnections } from './sqliteConnections';

/** Marks a connection the pragmas below were applied to. */
const TUNED = Symbol.for('backstage-itops.sqlite-pragmas');

interface BetterSqliteConnection {
  pragma(source: string): unknown;
}

/**
 * Settings for a SQLite file that sync runs write into while entity pages
 * read it. SQLite's defaults are made for small embedded databases; with a
 * million incidents they made a full sync slow down as the tables grew.
 */
export const SQLITE_PRAGMAS = [
  // A commit appends to the log instead of copying every touched page into
  // a rollback journal and syncing the file twice; readers do not block it.
  'journal_mode = WAL',
  // With WAL, commits still survive a crash of the process; a power cut may
  // lose the last ones, which the next sync fetches again (the watermark is
  // committed after its batch, and WAL keeps commits in order).
  'synchronous = NORMAL',
  // 64 MiB of page cache instead of 2 MiB: the link table's indexes are
  // written at random places, and each miss was a read from the file.
  'cache_size = -65536',
  // A batch rewrites index pages all over the link table; moving them from
  // the log into the file every 16k pages (64 MiB) instead of every 1k
  // writes a page that many batches touch once instead of once per batch.
  'wal_autocheckpoint = 16384',
] as const;

/**
 * Applies {@link SQLITE_PRAGMAS} to every better-sqlite3 connection of
 * `knex`, once per connection. Does nothing on other databases, and
 * `journal_mode` stays `memory` on an in-memory database.
 */
export function tuneSqliteConnections(knex: Knex): void {
  setUpSqliteConnections<BetterSqliteConnection>(knex, TUNED, connection => {
    for (const pragma of SQLITE_PRAGMAS) {
      connection.pragma(pragma);
    }
  });
}
