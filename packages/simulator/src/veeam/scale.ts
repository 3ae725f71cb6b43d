import type { ScaleOptions } from '../types';
import { Random } from '../world/random';
import { DAY } from './dates';
import {
  protectedObjectsOf,
  REPOSITORIES,
  restorePointFor,
  uuidFor,
} from './demo';
import type {
  JobHealth,
  JobRecord,
  RestorePointRecord,
  SessionRecord,
  VeeamWorld,
} from './model';
import { drawDurationMs, drawOutcome } from './outcomes';
import { LayeredSessionStore, type SessionBase } from './sessionStore';

const HISTORY_DAYS = 60;
const RETAINED_POINTS = 7;

/**
 * Benchmark world: thousands of jobs and millions of sessions. Jobs are
 * small enough to keep; session `i` is derived from (seed, i) on demand,
 * belongs to job `i % jobs` and is created at a time that grows with `i`,
 * so a creation-time window maps to an index range.
 */
export function createScaleWorld(
  seed: number,
  now: number,
  scale: ScaleOptions,
): VeeamWorld {
  const jobCount = Math.max(1, scale.backupJobs);
  const sessionCount = Math.max(0, scale.backupSessions);
  const repositoryId = uuidFor(seed, 'repository', REPOSITORIES[0].name);
  const jobIdPrefix = idPrefix(seed, 'scaleJobs');
  const jobs: JobRecord[] = Array.from({ length: jobCount }, (_, index) => {
    const label = String(index + 1).padStart(5, '0');
    return {
      id: `${jobIdPrefix}${hex12(index)}`,
      name: scaleJobName(index),
      description: `Benchmark job ${label}`,
      isDisabled: index % 97 === 96,
      isHighPriority: false,
      objects: Array.from(
        { length: 1 + (index % 3) },
        (_v, k) => `scale-vm-${label}-${k + 1}`,
      ),
      everyHours: 24,
      startMinute: (index * 7) % (24 * 60),
      health: scaleHealth(index),
      repositoryId,
      repositoryName: REPOSITORIES[0].name,
      retainedPoints: RETAINED_POINTS,
      backupId: uuidFor(seed, 'scaleBackup', index),
    };
  });
  const jobIndex = new Map(jobs.map((job, index) => [job.id, index]));

  const sessionIdPrefix = idPrefix(seed, 'scaleSessions');
  const start = now - HISTORY_DAYS * DAY;
  // Floor of a float product stays monotonic; step >= 1 ms keeps it strict.
  const step = Math.max(
    1,
    (HISTORY_DAYS * DAY - 3_600_000) / Math.max(1, sessionCount),
  );

  // Derived per index with integer mixing: string-hashed streams would make
  // a full scan over millions of sessions several times slower.
  const sessionSeed = Random.derive(seed, 'scaleSession').int(0, 0xffffffff);
  const at = (index: number): SessionRecord => {
    const job = jobs[index % jobCount];
    const random = new Random(
      (sessionSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0,
    );
    const creationTime = start + Math.floor(index * step);
    const outcome = drawOutcome(random, job.health);
    return {
      id: `${sessionIdPrefix}${hex12(index)}`,
      jobId: job.id,
      name: job.name,
      sessionType: 'BackupJob',
      creationTime,
      endTime:
        creationTime +
        drawDurationMs(random, job.objects.length, job.everyHours),
      state: 'Stopped',
      progressPercent: 100,
      result: outcome.result,
      message: outcome.message,
      resourceId: job.backupId,
      resourceReference: `/api/v1/backups/${job.backupId}`,
      usn: index + 1,
      initiatedBy: 'scheduler',
    };
  };

  const base: SessionBase = {
    size: sessionCount,
    at,
    indexOfId(id) {
      if (id.length !== 36 || !id.startsWith(sessionIdPrefix)) {
        return undefined;
      }
      const index = parseInt(id.slice(24), 16);
      return index < sessionCount ? index : undefined;
    },
    indexesOfJob(jobId, from, to) {
      const j = jobIndex.get(jobId);
      const indexes: number[] = [];
      if (j !== undefined) {
        const first = from + ((j - (from % jobCount) + jobCount) % jobCount);
        for (
          let index = first;
          index < Math.min(to, sessionCount);
          index += jobCount
        ) {
          indexes.push(index);
        }
      }
      return indexes;
    },
    lastBackupIndexBefore(jobId, before) {
      const j = jobIndex.get(jobId);
      if (j === undefined || before - 1 < j) {
        return undefined;
      }
      return before - 1 - ((before - 1 - j) % jobCount);
    },
    maxUsn: sessionCount,
  };

  const { backupObjects, objectIds } = protectedObjectsOf(jobs, {
    id: name => uuidFor(seed, 'scaleObject', name),
    objectId: position => `vm-${10_000 + position}`,
    folder: 'Scale',
  });

  // Only the retained tail of each job has restore points: about
  // RETAINED_POINTS × jobs sessions, cheap to materialise once.
  const restorePoints: RestorePointRecord[] = [];
  for (
    let i = Math.max(0, sessionCount - RETAINED_POINTS * jobCount);
    i < sessionCount;
    i++
  ) {
    const session = at(i);
    if (session.result !== 'Failed') {
      const job = jobs[i % jobCount];
      for (const name of job.objects) {
        restorePoints.push(
          restorePointFor(
            seed,
            job,
            session,
            name,
            objectIds.get(name)!,
            false,
          ),
        );
      }
    }
  }

  return {
    vbrId: uuidFor(seed, 'vbr'),
    serverName: 'vbr01.acme.example',
    jobs,
    sessions: new LayeredSessionStore(base),
    backups: jobs.map(job => ({
      id: job.backupId,
      jobId: job.id,
      name: job.name,
      creationTime: start,
      repositoryId,
    })),
    backupObjects,
    restorePoints,
  };
}

/** The name of the scale world's job at `index` (what `itops.io/veeam-job` names). */
export function scaleJobName(index: number): string {
  return `Scale Job ${String(index + 1).padStart(5, '0')}`;
}

function scaleHealth(index: number): JobHealth {
  if (index % 50 === 7) {
    return 'failing';
  }
  return index % 10 === 3 ? 'warning' : 'healthy';
}

/** The first 24 characters of a UUID: ids end in 12 hex digits of the index. */
function idPrefix(seed: number, kind: string): string {
  return uuidFor(seed, kind).slice(0, 24);
}

function hex12(index: number): string {
  return index.toString(16).padStart(12, '0');
}
