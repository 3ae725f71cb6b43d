import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const TABLE = 'itops_jira_oauth_tokens';
/** Apart from the ITOps plugin's own migrations, which share the database. */
const MIGRATIONS_TABLE = 'itops_jira_knex_migrations';

/** The token chain of one site as persisted. */
export interface StoredOAuthToken {
  /** Hash of the configured refresh token the chain started from. */
  seedHash: string;
  refreshToken: string;
  accessToken?: string;
  /** Epoch ms. */
  accessExpiresAt?: number;
  /** Epoch ms; unknown for tokens stored before it was kept. */
  accessIssuedAt?: number;
}

/** Where rotated refresh tokens live between restarts and across replicas. */
export interface OAuthTokenStore {
  load(site: string): Promise<StoredOAuthToken | undefined>;
  save(site: string, token: StoredOAuthToken): Promise<void>;
}

/** Creates the module's tables. */
export async function migrateJiraDatabase(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@backstage-itops/plugin-itops-backend-module-jira',
      'migrations',
    ),
    tableName: MIGRATIONS_TABLE,
  });
}

/** The token store in the module's table of the ITOps database. */
export class DatabaseOAuthTokenStore implements OAuthTokenStore {
  readonly #knex: Knex;

  constructor(knex: Knex) {
    this.#knex = knex;
  }

  async load(site: string): Promise<StoredOAuthToken | undefined> {
    const row = await this.#knex(TABLE).where({ site }).first();
    if (!row) {
      return undefined;
    }
    return {
      seedHash: row.seed_hash,
      refreshToken: row.refresh_token,
      accessToken: row.access_token ?? undefined,
      accessExpiresAt: optionalNumber(row.access_expires_at),
      accessIssuedAt: optionalNumber(row.access_issued_at),
    };
  }

  async save(site: string, token: StoredOAuthToken): Promise<void> {
    await this.#knex(TABLE)
      .insert({
        site,
        seed_hash: token.seedHash,
        refresh_token: token.refreshToken,
        access_token: token.accessToken ?? null,
        access_expires_at: token.accessExpiresAt ?? null,
        access_issued_at: token.accessIssuedAt ?? null,
        updated_at: new Date(),
      })
      .onConflict('site')
      .merge();
  }
}

/** A bigint column (a string from pg) as a number; undefined when null. */
function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}
