import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { tuneSqliteConnections } from './sqlitePragmas';
import { cacheSqliteStatements } from './sqliteStatementCache';

const migrationsDir = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);

/** Result of a database reachability probe. */
export interface DatabaseProbe {
  reachable: boolean;
  client: string;
  latencyMs?: number;
  error?: string;
}

/**
 * The ITOps plugin's database: owns the schema (knex migrations in
 * `migrations/`) and every query of the plugin.
 */
export class ItopsDatabase {
  readonly #knex: Knex;

  static async create(options: {
    database: DatabaseService;
  }): Promise<ItopsDatabase> {
    const knex = await options.database.getClient();
    tuneSqliteConnections(knex);
    cacheSqliteStatements(knex);
    if (!options.database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new ItopsDatabase(knex);
  }

  private constructor(knex: Knex) {
    this.#knex = knex;
  }

  /** The migrated client, for the plugin's stores. */
  get client(): Knex {
    return this.#knex;
  }

  /** Runs a trivial query and reports how it went, without throwing. */
  async probe(): Promise<DatabaseProbe> {
    const client = String(this.#knex.client.config.client);
    const started = process.hrtime.bigint();
    try {
      await this.#knex.raw('select 1');
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      return { reachable: true, client, latencyMs };
    } catch (error) {
      return {
        reachable: false,
        client,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }
}
