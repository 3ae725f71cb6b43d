import {
  ITOPS_CAPABILITIES,
  type ItopsCapability,
} from '@backstage-itops/plugin-itops-common';
import type { Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import type { Knex } from 'knex';
import { readCapabilitySyncConfig } from '../sync/syncConfig';
import { fromDbTimestamp } from './syncStatus';

/**
 * How old one source instance's data of a capability is. Deliberately
 * without error text or record counts: every reader of an area sees it,
 * while the sync status itself needs `itops.sync-status.read`.
 */
export type Freshness = {
  source: string;
  instance: string;
  capability: ItopsCapability;
  /** The last successful sync; absent when it never succeeded. */
  syncedAt?: string;
  /** Never synced, the last run failed, or older than the stale threshold. */
  stale: boolean;
  /** Why it is stale; absent when fresh. */
  staleReason?: 'never_synced' | 'last_run_failed' | 'too_old';
};

/** Stale after this many sync intervals without a success. */
export const STALE_AFTER_INTERVALS = 3;

/** Used for a cron or manual schedule, whose interval is not one duration. */
const FALLBACK_INTERVAL_MS = 5 * 60_000;

/** Each capability's configured sync interval in ms. */
export function syncIntervals(config: Config): Record<ItopsCapability, number> {
  return Object.fromEntries(
    ITOPS_CAPABILITIES.map(capability => {
      const frequency: any = readCapabilitySyncConfig(config, capability)
        .schedule.frequency;
      let ms = FALLBACK_INTERVAL_MS;
      if (typeof frequency?.toMillis === 'function') {
        ms = frequency.toMillis();
      } else if (!('cron' in frequency) && !('trigger' in frequency)) {
        ms = durationToMilliseconds(frequency);
      }
      return [capability, ms > 0 ? ms : FALLBACK_INTERVAL_MS];
    }),
  ) as Record<ItopsCapability, number>;
}

/** Freshness of every source instance syncing one of the capabilities. */
export async function listFreshness(
  knex: Knex,
  options: {
    capabilities: readonly ItopsCapability[];
    intervals: Record<ItopsCapability, number>;
    now: number;
  },
): Promise<Freshness[]> {
  if (options.capabilities.length === 0) {
    return [];
  }
  const rows = await knex('itops_sync_state')
    .whereIn('capability', options.capabilities as ItopsCapability[])
    .select('source_type', 'source_instance', 'capability')
    .select('last_success_at', 'last_error_at')
    .orderBy([
      { column: 'capability' },
      { column: 'source_type' },
      { column: 'source_instance' },
    ]);
  return rows.map(row => {
    const capability = row.capability as ItopsCapability;
    const success = fromDbTimestamp(row.last_success_at);
    const error = fromDbTimestamp(row.last_error_at);
    let staleReason: Freshness['staleReason'];
    if (success === undefined) {
      staleReason = 'never_synced';
    } else if (error !== undefined && error >= success) {
      staleReason = 'last_run_failed';
    } else if (
      options.now - success >
      STALE_AFTER_INTERVALS * options.intervals[capability]
    ) {
      staleReason = 'too_old';
    }
    return {
      source: String(row.source_type),
      instance: String(row.source_instance),
      capability,
      ...(success === undefined
        ? {}
        : { syncedAt: new Date(success).toISOString() }),
      stale: staleReason !== undefined,
      ...(staleReason ? { staleReason } : {}),
    };
  });
}
