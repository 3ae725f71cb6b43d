/**
 * Body of `GET /api/itops/health`.
 *
 * @public
 */
export interface ItopsHealth {
  /** `ok` when every dependency answered, `degraded` otherwise. */
  status: 'ok' | 'degraded';
  database: {
    /** Whether a trivial query reached the plugin database. */
    reachable: boolean;
    /** The knex client in use, e.g. `better-sqlite3` or `pg`. */
    client: string;
    /** Time the probe query took, in milliseconds. */
    latencyMs?: number;
    /** Why the database is unreachable, when it is. */
    error?: string;
  };
  /** Source instances registered by the installed source modules. */
  sources: Array<{ type: string; instance: string }>;
}
