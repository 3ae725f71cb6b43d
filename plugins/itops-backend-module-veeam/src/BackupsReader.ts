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
    const { signal } = request;
    const now = this.#now();
    const { jobs, records } = await this.#readJobs(signal);
    yield { records };

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

    for await (const sessions of this.#client.sessions({ from }, signal)) {
      const runs = await this.#toRuns(sessions, jobs, jobsByObject, signal);
      for (const session of sessions) {
        const created = parseVeeamTime(session.creationTime);
        if (created === undefined) {
          continue;
        }
        newest = Math.max(newest ?? created, created);
        if (
          sessionResult(session) === 'running' &&
          now - created < HUNG_SESSION_MS
        ) {
          oldestRunning = Math.min(oldestRunning ?? created, created);
        }
      }
      const watermark = oldestRunning ?? newest;
      yield {
        records: runs,
        watermark:
          watermark === undefined
            ? undefined
            : new Date(watermark).toISOString(),
      };
    }
  }

  /** Jobs from `/jobs` (objects) and `/jobs/states` (state), replicas left out. */
  async #readJobs(signal: AbortSignal) {
    const definitions = new Map<string, VeeamJob>();
    for await (const page of this.#client.jobs(signal)) {
      for (const job of page) {
        definitions.set(job.id, job);
      }
    }
    const jobs = new Map<string, KnownJob>();
    const records: BackupJobRecord[] = [];
    for await (const page of this.#client.jobStates(signal)) {
      for (const state of page) {
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
    signal: AbortSignal,
  ): Promise<BackupRunRecord[]> {
    const backups = sessions.filter(
      s => jobs.has(s.jobId) && !this.#isRestoreTest(s),
    );
    const tests = sessions.filter(s => this.#isRestoreTest(s));
    const [restorePoints, failedObjects, testTasks] = await Promise.all([
      this.#restorePointTimes(backups, signal),
      this.#failedObjects(backups, signal),
      Promise.all(tests.map(s => this.#client.taskSessions(s.id, signal))),
    ]);

    const runs: BackupRunRecord[] = [];
    for (const session of backups) {
      this.#mapSafely(session, () =>
        runs.push(
          toBackupRunRecord(session, jobs.get(session.jobId)!, {
            failedObjects: failedObjects.get(session.id),
            restorePointAt: restorePoints.get(session.id),
          }),
        ),
      );
    }
    tests.forEach((session, index) =>
      this.#mapSafely(session, () =>
        runs.push(
          ...toRestoreTestRecords(session, testTasks[index], jobsByObject),
        ),
      ),
    );
    return runs;
  }

  #isRestoreTest(session: VeeamSession): boolean {
    return this.#restoreTestTypes.has(session.sessionType.toLowerCase());
  }

  /** A session VBR describes in a way we cannot read is skipped, not the whole sync. */
  #mapSafely(session: VeeamSession, map: () => void): void {
    try {
      map();
    } catch (error) {
      this.#logger?.warn(
        `Skipping Veeam session ${session.id} of ${this.#client.http.name}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  }

  /**
   * Creation time of the restore point each session made: restore points
   * are taken while their session runs, so the points created between the
   * first session's start and the last one's end cover the page.
   */
  async #restorePointTimes(
    sessions: VeeamSession[],
    signal: AbortSignal,
  ): Promise<Map<string, number>> {
    const times = new Map<string, number>();
    const producing = sessions.filter(s => sessionResult(s) !== 'failed');
    if (producing.length === 0) {
      return times;
    }
    const wanted = new Set(producing.map(s => s.id));
    const starts = producing.map(
      s => parseVeeamTime(s.creationTime) ?? Infinity,
    );
    const ends = producing.map(s => parseVeeamTime(s.endTime) ?? this.#now());
    const window = {
      from: Math.min(...starts),
      // Exclusive bound: one millisecond past the last end.
      to: Math.max(...ends) + 1,
    };
    for await (const points of this.#client.restorePoints(window, signal)) {
      for (const point of points) {
        const created = parseVeeamTime(point.creationTime);
        if (
          !point.sessionId ||
          !wanted.has(point.sessionId) ||
          created === undefined
        ) {
          continue;
        }
        // A session's restore point is its oldest one: the snapshot moment.
        times.set(
          point.sessionId,
          Math.min(times.get(point.sessionId) ?? created, created),
        );
      }
    }
    return times;
  }

  /** Objects that failed, for the finished sessions that did not fully succeed. */
  async #failedObjects(
    sessions: VeeamSession[],
    signal: AbortSignal,
  ): Promise<Map<string, string[]>> {
    const troubled = sessions.filter(s => {
      const result = sessionResult(s);
      return result === 'failed' || result === 'warning';
    });
    const failed = new Map<string, string[]>();
    await Promise.all(
      troubled.map(async session => {
        const tasks = await this.#client.taskSessions(session.id, signal);
        const names = tasks
          .filter(t => t.result?.result?.toLowerCase() === 'failed')
          .map(t => t.name);
        if (names.length > 0) {
          failed.set(session.id, names);
        }
      }),
    );
    return failed;
  }
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
