import type {
  BackupJobRecord,
  BackupRunRecord,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { backupJobTable, backupRunTable } from '../database/recordTables';
import { fromDbNumber, fromDbTime } from '../database/time';
import { entityRecordIds } from './entityScope';
import { type ApiRecord, toApiRecord } from './records';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Window of a job's own success rate, as in compliance control BKP-03. */
const JOB_RATE_WINDOW_MS = 30 * DAY_MS;
const RECENT_RUNS = 10;

/**
 * SQL condition linking run `r` to job `j`: by the job's external id within
 * the same source, or by name for sources whose runs do not carry the id.
 */
export const RUN_OF_JOB = `r.source_type = j.source_type
  and r.source_instance = j.source_instance
  and (r.job_external_id = j.external_id
    or (r.job_external_id is null and r.job_name = j.name))`;

/**
 * Ids of the entity's backup runs: those of its jobs (same source, and the
 * job's external id, or its name for runs without one) and those mapped to
 * it directly, e.g. restore tests of objects no job names. For an `IN`
 * subquery. The two ways a run names its job are separate arms of the
 * union, so each is an index lookup from the entity's few jobs instead of
 * an OR that makes the database test every run.
 */
export function entityRunIds(knex: Knex, entityRef: string): Knex.QueryBuilder {
  const jobsOfEntity = entityRecordIds(knex, backupJobTable.kind, entityRef);
  const runsOfJobsBy = (runColumn: string, jobColumn: string) =>
    knex(`${backupJobTable.table} as j`)
      .join(`${backupRunTable.table} as r`, builder =>
        builder
          .on(`r.${runColumn}`, `j.${jobColumn}`)
          .andOn('r.source_type', 'j.source_type')
          .andOn('r.source_instance', 'j.source_instance'),
      )
      .whereIn('j.id', jobsOfEntity)
      .select('r.id');
  return runsOfJobsBy('job_external_id', 'external_id')
    .unionAll(runsOfJobsBy('job_name', 'name').whereNull('r.job_external_id'))
    .union(entityRecordIds(knex, backupRunTable.kind, entityRef));
}

/**
 * Weighted count of good backup runs: a warning produced a restore point
 * but with problems, so it counts half (BKP-03); running runs count nowhere.
 */
export const GOOD_RUNS_SQL = `case r.result when 'success' then 1.0 when 'warning' then 0.5 else 0 end`;
/** Finished backup runs: the denominator of backup success rates. */
export const FINISHED_RESULTS = ['success', 'warning', 'failed'];

/** Derived health of one backup job. */
export type BackupHealth = {
  lastSuccessAt?: string;
  lastSuccessAgeMs?: number;
  /** Null without finished backup runs in the last 30 days. */
  successRate30d: number | null;
  runs30d: number;
  lastRestoreTest?: ApiRecord<BackupRunRecord>;
};

/** A backup job with its health and newest runs. */
export type BackupJobDetail = ApiRecord<BackupJobRecord> &
  BackupHealth & {
    recentRuns: ApiRecord<BackupRunRecord>[];
  };

/**
 * The entity's backup jobs with derived health and their
 * {@link RECENT_RUNS} newest runs, by name.
 */
export async function entityBackupJobs(
  knex: Knex,
  entityRef: string,
  now: number,
): Promise<BackupJobDetail[]> {
  const jobRows = await knex(backupJobTable.table)
    .whereIn('id', entityRecordIds(knex, backupJobTable.kind, entityRef))
    .orderBy([{ column: 'name' }, { column: 'id' }]);
  const jobIds = jobRows.map(row => Number(row.id));
  if (jobIds.length === 0) {
    // Most entities have no jobs; the run queries would still plan a scan.
    return [];
  }
  const [health, restoreTests, recentRuns] = await Promise.all([
    jobHealth(knex, jobIds, now),
    newestRuns(knex, jobIds, 1, 'restore-test'),
    newestRuns(knex, jobIds, RECENT_RUNS),
  ]);

  return jobRows.map(row => {
    const id = Number(row.id);
    const stats = health.get(id);
    const lastSuccess = fromDbNumber(stats?.last_success_at);
    const finished = Number(stats?.finished ?? 0);
    return {
      ...toApiRecord(backupJobTable, row),
      ...(lastSuccess !== undefined
        ? {
            lastSuccessAt: fromDbTime(lastSuccess),
            lastSuccessAgeMs: now - lastSuccess,
          }
        : {}),
      successRate30d: finished > 0 ? Number(stats?.good) / finished : null,
      runs30d: finished,
      ...(restoreTests.get(id)?.length
        ? { lastRestoreTest: restoreTests.get(id)![0] }
        : {}),
      recentRuns: recentRuns.get(id) ?? [],
    };
  });
}

/** Success counts over 30 days and the last success, per job, in SQL. */
async function jobHealth(knex: Knex, jobIds: number[], now: number) {
  const since = now - JOB_RATE_WINDOW_MS;
  const rows = await knex(`${backupJobTable.table} as j`)
    .join(`${backupRunTable.table} as r`, knex.raw(RUN_OF_JOB))
    .whereIn('j.id', jobIds)
    .where('r.kind', 'backup')
    .groupBy('j.id')
    .select('j.id as job_id')
    .select(
      knex.raw(
        `sum(case when r.started_at >= ? and r.result in (?, ?, ?) then 1 else 0 end) as finished`,
        [since, ...FINISHED_RESULTS],
      ),
      knex.raw(
        `sum(case when r.started_at >= ? then ${GOOD_RUNS_SQL} else 0 end) as good`,
        [since],
      ),
      knex.raw(
        `max(case when r.result = 'success' then coalesce(r.ended_at, r.started_at) end) as last_success_at`,
      ),
    );
  return new Map(rows.map(row => [Number(row.job_id), row]));
}

/**
 * The `count` newest runs of each job (of one kind, if given), ranked in
 * SQL so that a job with years of history does not load them all.
 */
async function newestRuns(
  knex: Knex,
  jobIds: number[],
  count: number,
  kind?: BackupRunRecord['kind'],
): Promise<Map<number, ApiRecord<BackupRunRecord>[]>> {
  const ranked = knex(`${backupRunTable.table} as r`)
    .join(`${backupJobTable.table} as j`, knex.raw(RUN_OF_JOB))
    .whereIn('j.id', jobIds)
    .modify(builder => {
      if (kind) {
        builder.where('r.kind', kind);
      }
    })
    .select('r.*', 'j.id as job_id')
    .select(
      knex.raw(
        'row_number() over (partition by j.id order by r.started_at desc, r.id desc) as run_rank',
      ),
    );
  const rows = await knex
    .from(ranked.as('ranked'))
    .where('run_rank', '<=', count)
    .orderBy([{ column: 'job_id' }, { column: 'run_rank' }]);

  const runs = new Map<number, ApiRecord<BackupRunRecord>[]>();
  for (const row of rows) {
    const jobId = Number(row.job_id);
    runs.set(jobId, [
      ...(runs.get(jobId) ?? []),
      toApiRecord(backupRunTable, row),
    ]);
  }
  return runs;
}
