import knexFactory, { type Knex } from 'knex';
import { cacheSqliteStatements } from './sqliteStatementCache';

/** Counts the statements the connection really prepares. */
async function countPrepares(knex: Knex) {
  const connection = (await knex.client.acquireConnection()) as {
    prepare: (sql: string) => unknown;
  };
  await knex.client.releaseConnection(connection);
  const calls: string[] = [];
  const original = Object.getPrototypeOf(connection).prepare;
  jest
    .spyOn(Object.getPrototypeOf(connection), 'prepare')
    .mockImplementation(function countedPrepare(this: unknown, sql: unknown) {
      calls.push(String(sql));
      return original.call(this, sql);
    });
  return calls;
}

describe('cacheSqliteStatements', () => {
  let knex: Knex;

  beforeEach(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await knex.schema.createTable('t', table => {
      table.increments('id');
      table.integer('n');
    });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await knex.destroy();
  });

  it('prepares each SQL text once and still returns fresh results', async () => {
    const prepared = await countPrepares(knex);
    cacheSqliteStatements(knex);

    for (let n = 0; n < 20; n++) {
      await knex('t').insert({ n });
    }
    const evens = await knex('t').where('n', '<', 4).orderBy('n').pluck('n');
    const again = await knex('t').where('n', '<', 2).orderBy('n').pluck('n');

    expect(evens).toEqual([0, 1, 2, 3]);
    expect(again).toEqual([0, 1]);
    // One insert text and one select text.
    expect(new Set(prepared).size).toBe(2);
    expect(prepared).toHaveLength(2);
  });

  it('leaves safe-integer mode of an earlier query behind', async () => {
    cacheSqliteStatements(knex);
    await knex('t').insert({ n: 7 });
    const big = await knex('t').select('n').options({ safeIntegers: true });
    const plain = await knex('t').select('n');
    expect(typeof big[0].n).toBe('bigint');
    expect(typeof plain[0].n).toBe('number');
  });

  it('prepares a new statement per query without the cache', async () => {
    const prepared = await countPrepares(knex);
    for (let n = 0; n < 5; n++) {
      await knex('t').insert({ n });
    }
    expect(prepared).toHaveLength(5);
  });

  it('ignores other databases', () => {
    const pg = knexFactory({ client: 'pg' });
    const acquire = pg.client.acquireConnection;
    cacheSqliteStatements(pg);
    expect(pg.client.acquireConnection).toBe(acquire);
  });
});
