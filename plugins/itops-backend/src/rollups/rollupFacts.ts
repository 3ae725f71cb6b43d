import type { Knex } from 'knex';
import type { RecordKind } from '../database/recordTables';
import type { KpiCalculator } from '../kpis/KpiCalculator';
import { ratio } from '../kpis/measures';
import type {
  BackupKpis,
  ChangeKpis,
  CountByPriority,
  IncidentKpis,
} from '../kpis/types';
import {
  type BackupHealthInputs,
  readBackupHealthInputs,
} from '../read/backupHealth';
import { countOpenIncidentsByPriority } from '../read/incidents';
import { recordKindsOf } from '../read/summaryFacts';

/**
 * What an entity's rollup holds: the summary's counts and the KPIs of the
 * default window, as of `at`. Everything in it changes only when the
 * entity's records do, except the windows, which slide with time: a rollup
 * is therefore used only while young (see {@link EntityRollups}).
 */
export type RollupFacts = {
  at: number;
  kinds: RecordKind[];
  openByPriority: CountByPriority;
  kpis: {
    window: { from: number; to: number };
    incidents: IncidentKpis;
    changes: ChangeKpis;
    /** Without `lastSuccessAgeMs`, which is judged when read. */
    backups: Omit<BackupKpis, 'lastSuccessAgeMs'>;
  };
  /** Absent for entities without backup jobs or runs. */
  backupHealth?: BackupHealthInputs;
};

/**
 * Computes an entity's rollup with the queries the live routes use, so
 * that a rollup answers exactly what they would have at `at`.
 */
export async function computeRollupFacts(options: {
  knex: Knex;
  kpis: KpiCalculator;
  entityRef: string;
  at: number;
  kpiWindowMs: number;
}): Promise<RollupFacts> {
  const { knex, kpis, entityRef, at } = options;
  const window = { from: at - options.kpiWindowMs, to: at };
  const kinds = await recordKindsOf(knex, entityRef);
  // Most entities have no backups, whose queries would plan run scans for nothing.
  const hasBackups = kinds.has('backup_job') || kinds.has('backup_run');
  const [openByPriority, incidents, changes, backups, backupHealth] =
    await Promise.all([
      countOpenIncidentsByPriority(knex, entityRef),
      kpis.incidents(entityRef, window),
      kpis.changes(entityRef, window),
      hasBackups
        ? kpis.backups(entityRef, window, at)
        : ({ successRate: ratio(0, 0) } satisfies BackupKpis as BackupKpis),
      hasBackups ? readBackupHealthInputs(knex, entityRef, at) : undefined,
    ]);
  const { lastSuccessAgeMs: _judgedWhenRead, ...backupKpis } = backups;
  return {
    at,
    kinds: [...kinds],
    openByPriority,
    kpis: { window, incidents, changes, backups: backupKpis },
    ...(backupHealth ? { backupHealth } : {}),
  };
}
