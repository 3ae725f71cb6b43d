import {
  type BackupResult,
  ITOPS_ANNOTATIONS,
  parseIsoDuration,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { backupJobTable, backupRunTable } from '../database/recordTables';
import { fromDbNumber, fromDbTime } from '../database/time';
import { ratio } from '../kpis/measures';
import type { Ratio } from '../kpis/types';
import { entityRunIds, FINISHED_RESULTS, GOOD_RUNS_SQL } from './backups';
import { entityRecordIds } from './entityScope';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Window of the success rate, as in compliance control BKP-03. */
const SUCCESS_RATE_WINDOW_MS = 30 * DAY_MS;

/** How an entity's backups stand, worst first. */
export type BackupStatus = 'failing' | 'stale' | 'warning' | 'ok' | 'none';

/** The entity's recovery point objective and whether its newest restore point meets it. */
export type RpoCompliance = {
  /** The annotation as written, e.g. `PT24H`. */
  declared: string;
  /** Null when the annotation is no ISO 8601 duration. */
  objectiveMs: number | null;
  /** Null when the objective is unreadable; false without any restore point. */
  met: boolean | null;
  /** Why the annotation is unreadable, naming it. */
  problem?: string;
};

/** The newest restore test of the entity's jobs. */
export type RestoreTestSummary = {
  at: string;
  ageMs: number;
  result: BackupResult;
  jobName: string;
  failedObjects: string[];
};

/**
 * Backup health of one entity, derived from all its jobs and their runs:
 * what an entity card and the compliance checks need in one object.
 */
export type EntityBackupHealth = {
  status: BackupStatus;
  jobCount: number;
  /** Creation of the newest restore point any of the entity's backup runs made. */
  lastRestorePointAt?: string;
  lastRestorePointAgeMs?: number;
  /** Worst of each job's latest finished backup result. */
  lastResult?: Exclude<BackupResult, 'running'>;
  lastRunAt?: string;
  /** Backup runs started in the last 30 days: (success + ½ warning) / finished. */
  successRate30d: Ratio;
  /** The soonest next scheduled run of an enabled job. */
  nextRunAt?: string;
  /** Objects that failed in each job's latest finished backup run. */
  failedObjects: string[];
  lastRestoreTest?: RestoreTestSummary;
  /** Absent when the entity declares no RPO (`itops.io/rpo`). */
  rpo?: RpoCompliance;
};

const SEVERITY: ReadonlyArray<Exclude<BackupResult, 'running'>> = [
  'success',
  'warning',
  'failed',
];

/**
 * What the backup health of an entity is derived from: aggregates of its
 * jobs and runs as of `at`, free of the time they are read at, so that
 * they can be stored (in the entity's rollup) and judged later.
 */
export type BackupHealthInputs = {
  /** When they were read; the 30-day success window ends here. */
  at: number;
  jobCount: number;
  /** Backup runs of any age. */
  runs: number;
  finished30d: number;
  good30d: number;
  lastPoint?: number;
  latestPerJob: Array<{
    result: Exclude<BackupResult, 'running'>;
    startedAt: number;
    failedObjects: string[];
  }>;
  /** The soonest next run of an enabled job that was still ahead at `at`. */
  nextRunAt?: number;
  lastRestoreTest?: {
    at: number;
    result: BackupResult;
    jobName: string;
    failedObjects: string[];
  };
};

/**
 * Reads the {@link BackupHealthInputs} of an entity with a handful of
 * aggregate queries; nothing proportional to its run history is loaded.
 */
export async function readBackupHealthInputs(
  knex: Knex,
  entityRef: string,
  now: number,
): Promise<BackupHealthInputs> {
  const runIds = () => entityRunIds(knex, entityRef);
  const since = now - SUCCESS_RATE_WINDOW_MS;
  const [totals, latestPerJob, restoreTest, jobs] = await Promise.all([
    knex(`${backupRunTable.table} as r`)
      .whereIn('r.id', runIds())
      .where('r.kind', 'backup')
      .first(
        knex.raw('count(*) as runs'),
        knex.raw(
          `sum(case when r.started_at >= ? and r.result in (?, ?, ?) then 1 else 0 end) as finished`,
          [since, ...FINISHED_RESULTS],
        ),
        knex.raw(
          `sum(case when r.started_at >= ? then ${GOOD_RUNS_SQL} else 0 end) as good`,
          [since],
        ),
        knex.raw(
          `max(coalesce(r.restore_point_at, case when r.result in ('success', 'warning') then coalesce(r.ended_at, r.started_at) end)) as last_point`,
        ),
      ),
    latestFinishedRunPerJob(knex, runIds()),
    knex(`${backupRunTable.table} as r`)
      .whereIn('r.id', runIds())
      .where('r.kind', 'restore-test')
      .orderBy([
        { column: 'r.started_at', order: 'desc' },
        { column: 'r.id', order: 'desc' },
      ])
      .first(
        'r.job_name',
        'r.result',
        'r.started_at',
        'r.ended_at',
        'r.failed_objects',
      ),
    knex(`${backupJobTable.table} as j`)
      .whereIn('j.id', entityRecordIds(knex, backupJobTable.kind, entityRef))
      .first(
        knex.raw('count(*) as jobs'),
        knex.raw(
          // Disabled jobs run no more; a next run in the past is stale data.
          `min(case when (j.enabled is null or j.enabled = ?) and j.next_run_at >= ? then j.next_run_at end) as next_run_at`,
          [true, now],
        ),
      ),
  ]);
  const lastPoint = fromDbNumber(totals?.last_point);
  const nextRunAt = fromDbNumber(jobs?.next_run_at);
  return {
    at: now,
    jobCount: Number(jobs?.jobs ?? 0),
    runs: Number(totals?.runs ?? 0),
    finished30d: Number(totals?.finished ?? 0),
    good30d: Number(totals?.good ?? 0),
    ...(lastPoint !== undefined ? { lastPoint } : {}),
    latestPerJob,
    ...(nextRunAt !== undefined ? { nextRunAt } : {}),
    ...(restoreTest
      ? {
          lastRestoreTest: {
            at: Number(restoreTest.ended_at ?? restoreTest.started_at),
            result: restoreTest.result as BackupResult,
            jobName: String(restoreTest.job_name),
            failedObjects: jsonList(restoreTest.failed_objects),
          },
        }
      : {}),
  };
}

/**
 * Judges the backup health of an entity at `now` from its
 * {@link BackupHealthInputs} and declared RPO.
 *
 * - `lastRestorePointAt`: newest `restorePointAt` of a backup run; for runs
 *   whose source does not report restore points, the end of a successful
 *   or warning run stands in for it.
 * - `status`: `failing` when a job's latest finished run failed; else
 *   `stale` when the newest restore point is older than the declared RPO
 *   (or there is none); else `warning` when a latest run warned or the
 *   latest restore test did not succeed; `ok`; `none` without jobs or runs.
 * - `nextRunAt`: left out once it has passed, as the run after it is not
 *   known before the next sync.
 */
export function backupHealthOf(
  inputs: BackupHealthInputs,
  rpo: string | null | undefined,
  now: number,
): EntityBackupHealth {
  const { lastPoint, latestPerJob, lastRestoreTest } = inputs;
  const lastResult = worst(latestPerJob.map(run => run.result));
  const lastRunAt = max(latestPerJob.map(run => run.startedAt));
  const health: EntityBackupHealth = {
    status: 'none',
    jobCount: inputs.jobCount,
    ...(lastPoint !== undefined
      ? {
          lastRestorePointAt: fromDbTime(lastPoint),
          lastRestorePointAgeMs: Math.max(0, now - lastPoint),
        }
      : {}),
    ...(lastResult ? { lastResult } : {}),
    ...(lastRunAt !== undefined ? { lastRunAt: fromDbTime(lastRunAt) } : {}),
    successRate30d: ratio(inputs.good30d, inputs.finished30d),
    ...(inputs.nextRunAt !== undefined && inputs.nextRunAt >= now
      ? { nextRunAt: fromDbTime(inputs.nextRunAt) }
      : {}),
    failedObjects: [
      ...new Set(
        latestPerJob
          .filter(run => run.result !== 'success')
          .flatMap(run => run.failedObjects),
      ),
    ].sort(),
    ...(lastRestoreTest
      ? {
          lastRestoreTest: {
            ...lastRestoreTest,
            at: fromDbTime(lastRestoreTest.at)!,
            ageMs: Math.max(0, now - lastRestoreTest.at),
          },
        }
      : {}),
    ...(rpo ? { rpo: rpoCompliance(rpo, lastPoint, now) } : {}),
  };
  health.status = statusOf(health, inputs.runs);
  return health;
}

/** The entity's backup health now, from its stored jobs and runs. */
export async function entityBackupHealth(
  knex: Knex,
  entityRef: string,
  now: number,
): Promise<EntityBackupHealth> {
  const [inputs, entity] = await Promise.all([
    readBackupHealthInputs(knex, entityRef, now),
    knex('itops_entities').where('entity_ref', entityRef).first('rpo'),
  ]);
  return backupHealthOf(inputs, entity?.rpo, now);
}

/**
 * The backup health of an entity without backup jobs or runs, which
 * {@link entityBackupHealth} would derive with five queries returning
 * nothing: status `none`, and the declared RPO (`itops.io/rpo`), if any,
 * not met.
 */
export function backupHealthWithoutRuns(
  rpo: string | null | undefined,
  now: number,
): EntityBackupHealth {
  return {
    status: 'none',
    jobCount: 0,
    successRate30d: ratio(0, 0),
    failedObjects: [],
    ...(rpo ? { rpo: rpoCompliance(rpo, undefined, now) } : {}),
  };
}

/** {@link backupHealthWithoutRuns} of a stored entity. */
export async function entityBackupHealthWithoutRuns(
  knex: Knex,
  entityRef: string,
  now: number,
): Promise<EntityBackupHealth> {
  const entity = await knex('itops_entities')
    .where('entity_ref', entityRef)
    .first('rpo');
  return backupHealthWithoutRuns(entity?.rpo, now);
}

function statusOf(health: EntityBackupHealth, runs: number): BackupStatus {
  if (health.jobCount === 0 && runs === 0) {
    return 'none';
  }
  if (health.lastResult === 'failed') {
    return 'failing';
  }
  if (health.rpo?.met === false) {
    return 'stale';
  }
  if (
    health.lastResult === 'warning' ||
    (health.lastRestoreTest && health.lastRestoreTest.result !== 'success')
  ) {
    return 'warning';
  }
  return 'ok';
}

/** Each job's newest finished backup run, ranked in SQL. */
async function latestFinishedRunPerJob(
  knex: Knex,
  runIds: Knex.QueryBuilder,
): Promise<
  Array<{
    result: Exclude<BackupResult, 'running'>;
    startedAt: number;
    failedObjects: string[];
  }>
> {
  const ranked = knex(`${backupRunTable.table} as r`)
    .whereIn('r.id', runIds)
    .where('r.kind', 'backup')
    .whereIn('r.result', FINISHED_RESULTS)
    .select('r.result', 'r.started_at', 'r.failed_objects')
    .select(
      knex.raw(
        `row_number() over (partition by r.source_type, r.source_instance, coalesce(r.job_external_id, r.job_name) order by r.started_at desc, r.id desc) as run_rank`,
      ),
    );
  const rows = await knex.from(ranked.as('ranked')).where('run_rank', 1);
  return rows.map(row => ({
    result: row.result,
    startedAt: Number(row.started_at),
    failedObjects: jsonList(row.failed_objects),
  }));
}

/** Reads an RPO annotation; `met` compares it with the newest restore point's age. */
export function rpoCompliance(
  declared: string,
  lastPoint: number | undefined,
  now: number,
): RpoCompliance {
  const parsed = parseIsoDuration(declared, ITOPS_ANNOTATIONS.rpo);
  if (!parsed.ok) {
    return { declared, objectiveMs: null, met: null, problem: parsed.problem };
  }
  return {
    declared,
    objectiveMs: parsed.ms,
    met: lastPoint !== undefined && now - lastPoint <= parsed.ms,
  };
}

function worst(
  results: ReadonlyArray<Exclude<BackupResult, 'running'>>,
): Exclude<BackupResult, 'running'> | undefined {
  let found: Exclude<BackupResult, 'running'> | undefined;
  for (const result of results) {
    if (!found || SEVERITY.indexOf(result) > SEVERITY.indexOf(found)) {
      found = result;
    }
  }
  return found;
}

function max(values: number[]): number | undefined {
  return values.length ? Math.max(...values) : undefined;
}

function jsonList(value: unknown): string[] {
  return typeof value === 'string' && value ? JSON.parse(value) : [];
}
