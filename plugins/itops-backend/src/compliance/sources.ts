import type { ItopsCapability } from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import {
  backupJobTable,
  backupRunTable,
  changeTable,
  incidentTable,
  onCallTable,
} from '../database/recordTables';
import { type Outcome, outcome } from './model';

/** The record tables a capability fills. */
const TABLES: Partial<Record<ItopsCapability, string[]>> = {
  incidents: [incidentTable.table],
  changes: [changeTable.table],
  oncall: [onCallTable.table],
  backups: [backupJobTable.table, backupRunTable.table],
};

/**
 * The capabilities some source delivers: a sync of that capability has
 * succeeded, or records of it are stored. A capability without either has
 * no source configured, and its checks cannot say anything: an empty
 * population would otherwise read as "no breaches", "no change in a
 * freeze" or "no backups needed".
 */
export async function sourcedCapabilities(
  knex: Knex,
): Promise<Set<ItopsCapability>> {
  const synced = await knex('itops_sync_state')
    .whereNotNull('last_success_at')
    .distinct('capability');
  const found = new Set(
    synced.map(row => String(row.capability) as ItopsCapability),
  );
  for (const [capability, tables] of Object.entries(TABLES) as Array<
    [ItopsCapability, string[]]
  >) {
    if (found.has(capability)) continue;
    for (const table of tables) {
      if (await knex(table).first(knex.raw('1 as present'))) {
        found.add(capability);
        break;
      }
    }
  }
  return found;
}

/** The outcome of every check reading a capability no source delivers. */
export function sourceNotConfigured(capability: ItopsCapability): Outcome {
  return outcome(
    'no_data',
    `Source not configured: no ${capability} source has synced and no ${capability} records are stored.`,
  );
}
