import knexFactory, { type Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tuneSqliteConnections } from './sqlitePragmas';

describe('tuneSqliteConnections', () => {
  let dir: string;
  let knex: Knex;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itops-pragmas-'));
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'itops.sqlite') },
      useNullAsDefault: true,
    });
  });

  afterEach(async () => {
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function pragma(name: string) {
    const [row] = await knex.raw(`pragma ${name}`);
    return Object.values(row)[0];
  }

  it('switches a file database to WAL with a larger page cache', async () => {
    expect(await pragma('journal_mode')).toBe('delete');

    tuneSqliteConnections(knex);

    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1);
    expect(await pragma('cache_size')).toBe(-65536);
  });

  it('keeps writes and reads working in WAL mode', async () => {
    tuneSqliteConnections(knex);
    await knex.schema.createTable('t', table => {
      table.increments('id');
      table.integer('n');
    });
    await knex.transaction(async trx => {
      await trx('t').insert([{ n: 1 }, { n: 2 }]);
    });
    expect(await knex('t').orderBy('n').pluck('n')).toEqual([1, 2]);
    expect(fs.existsSync(path.join(dir, 'itops.sqlite-wal'))).toBe(true);
  });

  it('ignores other databases', () => {
    const pg = knexFactory({ client: 'pg' });
    const acquire = pg.client.acquireConnection;
    tuneSqliteConnections(pg);
    expect(pg.client.acquireConnection).toBe(acquire);
  });
});
