import type { Knex } from 'knex';

/** The last sync of one capability of one source, as the plugin recorded it. */
export interface SyncReportRow {
  source: string;
  capability: string;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  error?: string;
}

function time(value: unknown): number {
  // SQLite returns epoch milliseconds, PostgreSQL a Date.
  return new Date(value as string | number | Date).getTime();
}

/**
 * What each source and capability synced, and how long its last run took,
 * from the plugin's own sync bookkeeping (`itops_sync_state`). The runs
 * overlap: the scheduler starts them all at once, as it does in production.
 */
export async function readSyncReport(knex: Knex): Promise<SyncReportRow[]> {
  const rows = await knex('itops_sync_state')
    .select(
      'source_type',
      'capability',
      'record_count',
      'last_attempt_at',
      'last_success_at',
      'last_error',
    )
    .orderBy(['source_type', 'capability']);
  return rows.map(row => {
    const seconds = row.last_success_at
      ? (time(row.last_success_at) - time(row.last_attempt_at)) / 1000
      : NaN;
    const records = Number(row.record_count);
    return {
      source: row.source_type,
      capability: row.capability,
      records,
      seconds,
      recordsPerSecond: seconds > 0 ? Math.round(records / seconds) : NaN,
      ...(row.last_error ? { error: String(row.last_error) } : {}),
    };
  });
}

/** Stored rows of a table, e.g. to compare with what a simulator holds. */
export async function countRows(knex: Knex, table: string): Promise<number> {
  const [{ count }] = await knex(table).count({ count: '*' });
  return Number(count);
}
