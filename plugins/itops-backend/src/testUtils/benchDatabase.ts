import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

/** A database of its own for one benchmark run. */
export interface BenchDatabase {
  knex: Knex;
  /** The SQLite file, or the PostgreSQL database name. */
  name: string;
  /** True for SQLite, whose file can be kept or copied. */
  isFile: boolean;
  /** Disconnects, keeping the data. */
  close(): Promise<void>;
  /** Disconnects and deletes the data. */
  drop(): Promise<void>;
}

/** Where benchmark databases live on PostgreSQL. */
function pgServerUrl(): string {
  return process.env.ITOPS_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432';
}

/** A SQLite benchmark database in `file`, whose folder `drop` deletes. */
function sqliteBenchDatabase(file: string): BenchDatabase {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  return {
    knex,
    name: file,
    isFile: true,
    close: () => knex.destroy(),
    drop: async () => {
      await knex.destroy();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}

/** A PostgreSQL benchmark database `name`, which `drop` drops. */
function pgBenchDatabase(name: string): BenchDatabase {
  const url = pgServerUrl();
  const admin = knexFactory({ client: 'pg', connection: `${url}/postgres` });
  const knex = knexFactory({ client: 'pg', connection: `${url}/${name}` });
  return {
    knex,
    name,
    isFile: false,
    close: async () => {
      await knex.destroy();
      await admin.destroy();
    },
    drop: async () => {
      await knex.destroy();
      await admin.raw(`drop database ${name}`);
      await admin.destroy();
    },
  };
}

/**
 * Opens a fresh SQLite file (optionally a copy of `copyFrom`) or creates a
 * PostgreSQL database on `ITOPS_BENCH_PG` (default
 * postgresql://postgres@127.0.0.1:5432), named after `label`.
 */
export async function openBenchDatabase(
  kind: string,
  label: string,
  copyFrom?: string,
): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `itops-${label}-`));
    const file = path.join(dir, 'itops.sqlite');
    if (copyFrom) {
      fs.copyFileSync(copyFrom, file);
    }
    return sqliteBenchDatabase(file);
  }
  if (kind !== 'pg') {
    throw new Error(`--db must be sqlite or pg, got ${kind}`);
  }
  const name = `itops_${label.replace(/-/g, '_')}_${Date.now()}`;
  const admin = knexFactory({
    client: 'pg',
    connection: `${pgServerUrl()}/postgres`,
  });
  try {
    await admin.raw(`create database ${name}`);
  } finally {
    await admin.destroy();
  }
  return pgBenchDatabase(name);
}

/**
 * Opens a database an earlier run kept (`--keep`): a SQLite file path or a
 * PostgreSQL database name on `ITOPS_BENCH_PG`. Dropping it deletes it.
 */
export async function reopenBenchDatabase(
  kind: string,
  name: string,
): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    if (!fs.existsSync(name)) {
      throw new Error(`No SQLite file ${name} to reuse`);
    }
    return sqliteBenchDatabase(name);
  }
  if (kind !== 'pg') {
    throw new Error(`--db must be sqlite or pg, got ${kind}`);
  }
  if (!/^itops_[a-z0-9_]+$/.test(name)) {
    throw new Error(`Not a benchmark database name: ${name}`);
  }
  const database = pgBenchDatabase(name);
  await database.knex.raw('select 1');
  return database;
}
