import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  BackupJobRecord,
  BackupRunRecord,
} from '@backstage-itops/plugin-itops-common';
import type {
  ItopsRecordReader,
  SyncBatch,
  SyncRequest,
} from '@backstage-itops/plugin-itops-node';
import { parseVeeamTime } from './dates';
import {
  jobStateProblem,
  restorePointProblem,
  sessionProblem,
  SkippedRecords,
  taskProblem,
} from './malformed';
import { type OptionalCall, OptionalCalls } from './optionalCalls';
import {
  type KnownJob,
  jobKeys,
  jobObjects,
  sessionResult,
  toBackupRunRecord,
  toJobRecord,
  toRestoreTestRecords,
} from './records';
import type {
  VeeamClient,
  VeeamJob,
  VeeamJobState,
  VeeamSession,
  VeeamTaskSession,
} from './VeeamClient';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/**
 * A session still running after this long is treated as hung: it no longer
 * holds the watermark back, so one stuck run cannot make every incremental
 * sync re-read weeks of sessions.
 */
const HUNG_SESSION_MS = 2 * DAY_MS;

type BackupRecord = BackupJobRecord | BackupRunRecord;

/*
 * The spine of the capability is the token, `/jobs`, `/jobs/states` and
 * `/sessions`: without them there are no jobs to map or runs to store, so
 * their failure fails the run (and keeps what is stored). Everything else
 * adds detail to those records and is optional: a server that refuses it
 * (404/403/501) gives records without that detail and a partial run.
 */
const TASKS = 'GET /api/v1/sessions/{id}/taskSessions';
/** Task sessions of failed or warning backup runs. */
export const BACKUP_RUN_TASKS: OptionalCall = {
  call: TASKS,
  lost: 'the objects that failed in backup runs',
  recordsComplete: true,
};
/**
 * The failed task sessions of a page's backup runs in one listing; when
 * the server has no such listing, {@link BACKUP_RUN_TASKS} per session.
 */
export const LISTED_FAILED_TASKS: OptionalCall = {
  call: 'GET /api/v1/taskSessions',
  lost: BACKUP_RUN_TASKS.lost,
  recordsComplete: true,
};
/** Task sessions of SureBackup and instant-recovery sessions. */
export const RESTORE_TEST_TASKS: OptionalCall = {
  call: TASKS,
  lost: 'restore tests (which jobs each SureBackup or instant recovery tested)',
};
/** The restore-point listing of the pinned revision. */
export function restorePointsCall(path: string): OptionalCall {
  return {
    call: `GET ${path}`,
    lost: 'the restore point times of backup runs',
    recordsComplete: true,
  };
}

/** What a detail call gave, by session id, and the sessions it could not tell. */
interface Learnt<T> {
  found: Map<string, T>;
  unknown: Set<string>;
}

/** Run-scoped bookkeeping: refused optional calls and skipped records. */
interface RunContext {
  signal: AbortSignal;
  optional: OptionalCalls;
  skipped: SkippedRecords;
  /** Jobs skipped as unreadable: their runs are skipped with them. */
  skippedJobs: Set<string>;
}

export interface BackupsReaderOptions {
  client: VeeamClient;
  /** How far back a full sync (and a first sync) reads sessions. */
  historyDays: number;
  /** Session types read as restore tests (SureBackup, instant recovery…). */
  restoreTestSessionTypes: readonly string[];
  logger?: LoggerService;
  /** For tests. */
  now?: () => number;
}

/**
 * Reads a backup server's jobs with their state, then its sessions since
 * the watermark (creation time), oldest first: backup sessions of known
 * jobs become backup runs with the time of the restore point they made and
 * the objects that failed; restore and verification sessions become
 * restore tests. Other sessions (configuration backups, infrastructure
 * tasks) are left out.
 *
 * The watermark is the creation time of the oldest session still running,
 * or else of the newest one read, so a run read while it was in progress is
 * read again, finished, by a later sync.
 */
export class BackupsReader implements ItopsRecordReader<BackupRecord> {
  readonly #client: VeeamClient;
  readonly #historyMs: number;
  readonly #restoreTestTypes: ReadonlySet<string>;
  readonly #logger?: LoggerService;
  readonly #now: () => number;

  constructor(options: BackupsReaderOptions) {
    this.#client = options.client;
    this.#historyMs = options.historyDays * DAY_MS;
    this.#restoreTestTypes = new Set(
      options.restoreTestSessionTypes.map(type => type.toLowerCase()),
    );
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  async *read(request: SyncRequest): AsyncIterable<SyncBatch<BackupRecord>> {
    const server = this.#client.http.name;
    const run: RunContext = {
      signal: request.signal,
      optional: new OptionalCalls(server, this.#logger),
      skipped: new SkippedRecords(server, this.#logger),
      skippedJobs: new Set(),
    };
    const now = this.#now();
    const { jobs, records } = await this.#readJobs(run);
    const skippedJobs = run.skipped.takeBatch();
    yield { records, ...(skippedJobs ? { skipped: skippedJobs } : {}) };

    const jobsByObject = new Map<string, KnownJob[]>();
    for (const job of jobs.values()) {
      for (const object of job.objects) {
        const key = object.toLowerCase();
        jobsByObject.set(key, [...(jobsByObject.get(key) ?? []), job]);
      }
    }

    const historyStart = now - this.#historyMs;
    const resumeAt = request.full
      ? undefined
      : parseVeeamTime(request.watermark);
    const from = Math.max(resumeAt ?? historyStart, historyStart);
    let newest: number | undefined;
    let oldestRunning: number | undefined;

    for await (const page of this.#client.sessions({ from }, run.signal)) {
      const sessions = page.filter(session =>
        run.skipped.check(
          'session',
          session,
          sessionProblem,
          sessionName,
          idOf,
        ),
      );
      const runs = await this.#toRuns(sessions, jobs, jobsByObject, run);
      for (const session of sessions) {
        const created = parseVeeamTime(session.creationTime)!;
        newest = Math.max(newest ?? created, created);
        if (
          sessionResult(session) === 'running' &&
          now - created < HUNG_SESSION_MS
        ) {
          oldestRunning = Math.min(oldestRunning ?? created, created);
        }
      }
      const watermark = oldestRunning ?? newest;
      const partial = run.optional.takeBatch();
      const skipped = run.skipped.takeBatch();
      yield {
        ...(skipped ? { skipped } : {}),
        records: runs,
        watermark:
          watermark === undefined
            ? undefined
            : new Date(watermark).toISOString(),
        ...(partial ? { partial } : {}),
      };
    }
    run.skipped.logSummary();
  }

  /** Jobs from `/jobs` (objects) and `/jobs/states` (state), replicas left out. */
  async #readJobs(run: RunContext) {
    const definitions = new Map<string, VeeamJob>();
    for await (const page of this.#client.jobs(run.signal)) {
      for (const job of page) {
        if (typeof job?.id === 'string') {
          definitions.set(job.id, job);
        }
      }
    }
    const jobs = new Map<string, KnownJob>();
    const records: BackupJobRecord[] = [];
    for await (const page of this.#client.jobStates(run.signal)) {
      for (const state of page) {
        if (!run.skipped.check('job', state, jobStateProblem, jobName, idOf)) {
          const id = idOf(state);
          if (id) run.skippedJobs.add(id);
          continue;
        }
        const kind = this.#client.profile.jobKind(state.type);
        if (kind === 'replica') {
          continue;
        }
        const known = knownJob(state, definitions.get(state.id), kind);
        jobs.set(known.id, known);
        records.push(toJobRecord(state, known));
      }
    }
    return { jobs, records };
  }

  async #toRuns(
    sessions: VeeamSession[],
    jobs: ReadonlyMap<string, KnownJob>,
    jobsByObject: ReadonlyMap<string, KnownJob[]>,
    run: RunContext,
  ): Promise<BackupRunRecord[]> {
    const backups = sessions.filter(
      s => jobs.has(s.jobId) && !this.#isRestoreTest(s),
    );
    // A job left out as unreadable keeps its stored runs: a full run would
    // otherwise delete them as gone.
    const ofSkippedJobs = sessions
      .filter(s => run.skippedJobs.has(s.jobId) && !this.#isRestoreTest(s))
      .map(s => s.id);
    // Restore tests are stored per session and job: any test of the page
    // may have tested a skipped job (ids that were never stored are no-ops).
    const testsOfSkippedJobs = sessions
      .filter(s => this.#isRestoreTest(s))
      .flatMap(s => [...run.skippedJobs].map(jobId => `${s.id}/${jobId}`));
    run.skipped.add(
      [...ofSkippedJobs, ...testsOfSkippedJobs],
      'job of the run: unreadable',
    );
    const tests = sessions.filter(s => this.#isRestoreTest(s));
    const [restorePoints, failedObjects, testTasks] = await Promise.all([
      this.#restorePointTimes(backups, run),
      this.#failedObjects(backups, run),
      this.#tasksOf(RESTORE_TEST_TASKS, tests, run),
    ]);

    const runs: BackupRunRecord[] = [];
    for (const session of backups) {
      const record = toBackupRunRecord(session, jobs.get(session.jobId)!, {
        failedObjects: failedObjects.found.get(session.id),
        restorePointAt: restorePoints.found.get(session.id),
      });
      // What a refused call would have said stays as an earlier run stored it.
      const unknown = [
        ...(failedObjects.unknown.has(session.id) ? ['failedObjects'] : []),
        ...(restorePoints.unknown.has(session.id) ? ['restorePointAt'] : []),
      ];
      runs.push(unknown.length > 0 ? { ...record, unknown } : record);
    }
    for (const session of tests) {
      // Without its tasks a restore test cannot be told apart per job; it
      // is left out rather than stored under another id.
      const tasks = testTasks.get(session.id);
      if (tasks) {
        runs.push(...toRestoreTestRecords(session, tasks, jobsByObject));
      }
    }
    return runs;
  }

  #isRestoreTest(session: VeeamSession): boolean {
    return this.#restoreTestTypes.has(session.sessionType.toLowerCase());
  }

  /**
   * Creation time of the restore point each session made: restore points
   * are taken while their session runs, so the points created between the
   * first session's start and the last one's end cover the page.
   */
  async #restorePointTimes(
    sessions: VeeamSession[],
    run: RunContext,
  ): Promise<Learnt<number>> {
    const times = new Map<string, number>();
    const producing = sessions.filter(s => sessionResult(s) !== 'failed');
    if (producing.length === 0) {
      return { found: times, unknown: new Set() };
    }
    const wanted = new Set(producing.map(s => s.id));
    const starts = producing.map(s => parseVeeamTime(s.creationTime)!);
    const ends = producing.map(s => parseVeeamTime(s.endTime) ?? this.#now());
    const window = {
      from: Math.min(...starts),
      // Exclusive bound: one millisecond past the last end.
      to: Math.max(...ends) + 1,
    };
    const call = restorePointsCall(this.#client.profile.restorePointsPath);
    const listed = await run.optional.run(call, async () => {
      for await (const points of this.#client.restorePoints(
        window,
        run.signal,
      )) {
        for (const point of points) {
          if (
            !point?.sessionId ||
            !wanted.has(point.sessionId) ||
            !run.skipped.check('restore point', point, restorePointProblem, p =>
              String(p.id),
            )
          ) {
            continue;
          }
          // A session's restore point is its oldest one: the snapshot moment.
          const created = parseVeeamTime(point.creationTime)!;
          times.set(
            point.sessionId,
            Math.min(times.get(point.sessionId) ?? created, created),
          );
        }
      }
      return true;
    });
    return {
      found: times,
      unknown: listed ? new Set() : new Set(producing.map(s => s.id)),
    };
  }

  /**
   * Objects that failed, for the finished sessions that did not fully
   * succeed: from one listing of the failed task sessions created while
   * those sessions ran, or, where the server has no such listing, from
   * each session's own task sessions.
   */
  async #failedObjects(
    sessions: VeeamSession[],
    run: RunContext,
  ): Promise<Learnt<string[]>> {
    const troubled = sessions.filter(s => {
      const result = sessionResult(s);
      return result === 'failed' || result === 'warning';
    });
    if (troubled.length === 0) {
      return { found: new Map(), unknown: new Set() };
    }
    const listed = await this.#listedFailedTasks(troubled, run);
    const tasks =
      listed ?? (await this.#tasksOf(BACKUP_RUN_TASKS, troubled, run));
    const failed = new Map<string, string[]>();
    for (const [sessionId, sessionTasks] of tasks) {
      const names = sessionTasks
        .filter(t => t.result?.result?.toLowerCase() === 'failed')
        .map(t => t.name);
      if (names.length > 0) {
        failed.set(sessionId, names);
      }
    }
    // A listing covers every session; per-session reads only those answered.
    const unknown = new Set(
      listed ? [] : troubled.map(s => s.id).filter(id => !tasks.has(id)),
    );
    return { found: failed, unknown };
  }

  /** The failed tasks of the sessions by session id, or undefined without the listing. */
  async #listedFailedTasks(
    sessions: VeeamSession[],
    run: RunContext,
  ): Promise<Map<string, VeeamTaskSession[]> | undefined> {
    const wanted = new Set(sessions.map(s => s.id));
    const window = {
      // A task starts with its session or after it; one millisecond early
      // in case the server reads "created after" as strictly after.
      from: Math.min(...sessions.map(s => parseVeeamTime(s.creationTime)!)) - 1,
      to:
        Math.max(
          ...sessions.map(s => parseVeeamTime(s.endTime) ?? this.#now()),
        ) + 1,
    };
    return run.optional.run(
      LISTED_FAILED_TASKS,
      async () => {
        const tasks = new Map<string, VeeamTaskSession[]>();
        for await (const page of this.#client.allTaskSessions(
          window,
          { result: 'Failed' },
          run.signal,
        )) {
          for (const task of page) {
            const sessionId = task?.sessionId;
            if (
              typeof sessionId !== 'string' ||
              !wanted.has(sessionId) ||
              !run.skipped.check('task session', task, taskProblem, t =>
                String(t.id),
              )
            ) {
              continue;
            }
            tasks.set(sessionId, [...(tasks.get(sessionId) ?? []), task]);
          }
        }
        return tasks;
      },
      { fallback: `${BACKUP_RUN_TASKS.call} per session` },
    );
  }

  /**
   * The readable task sessions of each session, by session id; a session
   * whose tasks the server refused is absent. The first session is asked
   * alone: a refused endpoint then costs one request, not one per session.
   */
  async #tasksOf(
    call: OptionalCall,
    sessions: VeeamSession[],
    run: RunContext,
  ): Promise<Map<string, VeeamTaskSession[]>> {
    const tasks = new Map<string, VeeamTaskSession[]>();
    const read = async (session: VeeamSession) => {
      const answer = await run.optional.run(call, () =>
        this.#client.taskSessions(session.id, run.signal),
      );
      if (answer) {
        tasks.set(
          session.id,
          answer.filter(task =>
            run.skipped.check('task session', task, taskProblem, t =>
              String(t.id),
            ),
          ),
        );
      }
    };
    const [first, ...rest] = sessions;
    if (first) {
      await read(first);
    }
    if (!run.optional.isRefused(call)) {
      await Promise.all(rest.map(read));
    }
    return tasks;
  }
}

function sessionName(session: VeeamSession): string {
  return typeof session.id === 'string' && session.id !== ''
    ? session.id
    : `without id (name ${JSON.stringify(
        session.name,
      )}, created ${JSON.stringify(session.creationTime)})`;
}

/** The id a session or job is stored under, when it has a usable one. */
function idOf(record: { id?: unknown }): string | undefined {
  return typeof record.id === 'string' && record.id !== ''
    ? record.id
    : undefined;
}

function jobName(state: VeeamJobState): string {
  return typeof state.id === 'string' && state.id !== ''
    ? state.id
    : `without id (name ${JSON.stringify(state.name)})`;
}

function knownJob(
  state: VeeamJobState,
  definition: VeeamJob | undefined,
  kind: KnownJob['kind'],
): KnownJob {
  const objects = jobObjects(definition);
  const description = state.description ?? definition?.description;
  return {
    id: state.id,
    name: state.name,
    kind,
    objects,
    keys: jobKeys(state.name, description, objects),
  };
}
