import type { SyncPartial } from '@backstage-itops/plugin-itops-node';
import type { Knex } from 'knex';
import { parsePartial } from '../sync/SyncStore';
import type { SyncFailureKind } from '../sync/syncFailure';

/** Freshness of one source instance and capability. */
export type SyncStatus = {
  sourceType: string;
  sourceInstance: string;
  capability: string;
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  lastSuccessAgeMs?: number;
  lastFullSyncAt?: string;
  /** A short, safe description of the last failure; never the raw error. */
  lastError?: string;
  lastErrorKind?: SyncFailureKind;
  lastErrorAt?: string;
  recordCount: number;
  /** Optional calls the last completed run could not make; empty when whole. */
  partial: SyncPartial[];
  /** Records the last completed run skipped as malformed. */
  lastRunRejected: number;
};

/**
 * Reads a `timestamp` column. Unlike record times these are real timestamps:
 * pg returns a Date, SQLite whatever was written (epoch ms, an ISO string, or
 * CURRENT_TIMESTAMP's zone-less UTC text).
 */
export function fromDbTimestamp(value: unknown): number | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (value instanceof Date) {
    return value.getTime();
  }
  if (typeof value === 'number' || /^\d+$/.test(String(value))) {
    return Number(value);
  }
  const text = String(value);
  const ms = Date.parse(
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(text)
      ? `${text.replace(' ', 'T')}Z`
      : text,
  );
  return Number.isNaN(ms) ? undefined : ms;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Every row of itops_sync_state, by source and capability. */
export async function listSyncStatus(
  knex: Knex,
  now: number,
): Promise<SyncStatus[]> {
  const rows = await knex('itops_sync_state').orderBy([
    { column: 'source_type' },
    { column: 'source_instance' },
    { column: 'capability' },
  ]);
  return rows.map(row => {
    const lastSuccess = fromDbTimestamp(row.last_success_at);
    return {
      sourceType: row.source_type,
      sourceInstance: row.source_instance,
      capability: row.capability,
      lastAttemptAt: iso(fromDbTimestamp(row.last_attempt_at)),
      lastSuccessAt: iso(lastSuccess),
      lastSuccessAgeMs:
        lastSuccess === undefined ? undefined : Math.max(0, now - lastSuccess),
      lastFullSyncAt: iso(fromDbTimestamp(row.last_full_sync_at)),
      lastError: row.last_error ?? undefined,
      lastErrorKind:
        (row.last_error_kind as SyncFailureKind | null) ?? undefined,
      lastErrorAt: iso(fromDbTimestamp(row.last_error_at)),
      recordCount: Number(row.record_count),
      partial: parsePartial(row.partial),
      lastRunRejected: Number(row.last_rejected ?? 0),
    };
  });
}
