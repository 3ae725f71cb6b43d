import { ORG_BACKUP_JOBS, type OrgBackupJob } from '../world/org';
import { Random } from '../world/random';
import { DAY, HOUR } from './dates';
import type {
  BackupObjectRecord,
  BackupRecord,
  JobRecord,
  RestorePointRecord,
  SessionRecord,
  SessionResult,
  VeeamWorld,
} from './model';
import { drawDurationMs, drawOutcome, outcomeWith } from './outcomes';
import { runTimesBetween } from './schedule';
import { LayeredSessionStore, arraySessionBase } from './sessionStore';

const HISTORY_DAYS = 60;
/** A stale job's last run is this far back, although it is scheduled daily. */
const STALE_DAYS = 6;
/** A failing job's last runs that all failed. */
const FAILING_RUNS = 3;

export const REPOSITORIES = [
  { name: 'Default Backup Repository' },
  { name: 'Hardened Linux Repository' },
] as const;

interface RestoreTestPlan {
  name: string;
  sessionType: 'SureBackup' | 'InstantRecovery';
  jobs: string[];
  daysAgo: number;
  result: SessionResult;
  message?: string;
}

/**
 * Verification runs that restore tests are derived from: recent ones, a
 * failed one, one far older than a quarterly test window, and jobs never
 * tested at all (Data Warehouse, Object Storage).
 */
const RESTORE_TESTS: RestoreTestPlan[] = [
  {
    name: 'SureBackup - Payments',
    sessionType: 'SureBackup',
    jobs: ['Payments DB - Hourly', 'Payments Apps - Daily'],
    daysAgo: 3,
    result: 'Success',
  },
  {
    name: 'SureBackup - Payments',
    sessionType: 'SureBackup',
    jobs: ['Payments DB - Hourly', 'Payments Apps - Daily'],
    daysAgo: 33,
    result: 'Success',
  },
  {
    name: 'SureBackup - Storefront',
    sessionType: 'SureBackup',
    jobs: ['Storefront Apps - Daily'],
    daysAgo: 12,
    result: 'Warning',
    message: 'Application test script returned a warning for shop-web-vm-02.',
  },
  {
    name: 'SureBackup - Orders',
    sessionType: 'SureBackup',
    jobs: ['Orders DB - Daily'],
    daysAgo: 5,
    result: 'Failed',
    message: 'VM pg-orders-01 did not respond to the heartbeat test.',
  },
  {
    name: 'SureBackup - Kafka',
    sessionType: 'SureBackup',
    jobs: ['Kafka - Daily'],
    daysAgo: 150,
    result: 'Success',
  },
  {
    name: 'idp-vm-01',
    sessionType: 'InstantRecovery',
    jobs: ['Identity - Daily'],
    daysAgo: 20,
    result: 'Success',
  },
];

export function uuidFor(
  seed: number,
  ...parts: Array<string | number>
): string {
  return Random.derive(seed, ...parts).uuid();
}

/**
 * The protected objects of the given jobs, in job order, and their ids by
 * name; ids and vCenter folders differ between the demo and scale worlds.
 */
export function protectedObjectsOf(
  jobs: ReadonlyArray<{ objects: readonly string[] }>,
  naming: {
    id: (name: string) => string;
    objectId: (position: number) => string;
    folder: string;
  },
): { backupObjects: BackupObjectRecord[]; objectIds: Map<string, string> } {
  const backupObjects: BackupObjectRecord[] = [];
  const objectIds = new Map<string, string>();
  for (const job of jobs) {
    for (const name of job.objects) {
      const id = naming.id(name);
      objectIds.set(name, id);
      backupObjects.push({
        id,
        name,
        objectId: naming.objectId(backupObjects.length),
        path: `vcenter01.acme.example/${naming.folder}/${name}`,
      });
    }
  }
  return { backupObjects, objectIds };
}

export function createDemoWorld(seed: number, now: number): VeeamWorld {
  const repositoryIds = REPOSITORIES.map(r =>
    uuidFor(seed, 'repository', r.name),
  );
  const jobs = ORG_BACKUP_JOBS.map((orgJob, index) => {
    const repository = orgJob.everyHours < 24 ? 1 : 0;
    return toJobRecord(
      seed,
      orgJob,
      index,
      repositoryIds[repository],
      REPOSITORIES[repository].name,
    );
  });

  const sessions: SessionRecord[] = [];
  const restorePoints: RestorePointRecord[] = [];
  const { backupObjects, objectIds } = protectedObjectsOf(jobs, {
    id: name => uuidFor(seed, 'backupObject', name),
    objectId: position => `vm-${1000 + position * 7}`,
    folder: 'Production',
  });

  const backups: BackupRecord[] = [];
  for (const job of jobs) {
    const jobSessions = backupSessions(seed, job, now);
    sessions.push(...jobSessions);
    restorePoints.push(
      ...retainedRestorePoints(seed, job, jobSessions, objectIds),
    );
    backups.push({
      id: job.backupId,
      jobId: job.id,
      name: job.name,
      creationTime: jobSessions[0]?.creationTime ?? now,
      repositoryId: job.repositoryId,
    });
  }
  sessions.push(...restoreTestSessions(seed, jobs, now));
  sessions.push(...configurationBackupSessions(seed, now));

  sessions.sort((a, b) => a.creationTime - b.creationTime);
  sessions.forEach((session, index) => {
    session.usn = index + 1;
  });

  return {
    vbrId: uuidFor(seed, 'vbr'),
    serverName: 'vbr01.acme.example',
    jobs,
    sessions: new LayeredSessionStore(arraySessionBase(sessions)),
    backups,
    backupObjects,
    restorePoints: restorePoints.sort(
      (a, b) => a.creationTime - b.creationTime,
    ),
  };
}

function toJobRecord(
  seed: number,
  orgJob: OrgBackupJob,
  index: number,
  repositoryId: string,
  repositoryName: string,
): JobRecord {
  // Hourly at :15 keeping 3 days; daily from 22:00 in 10-minute steps
  // keeping 2 weeks; weekly on Saturday 20:00 keeping 8 weeks.
  const cadence = {
    hourly: { startMinute: 15, retainedPoints: 72 },
    daily: { startMinute: 22 * 60 + index * 10, retainedPoints: 14 },
    weekly: { startMinute: 20 * 60, retainedPoints: 8 },
  }[cadenceOf(orgJob.everyHours)];
  return {
    id: uuidFor(seed, 'job', orgJob.name),
    name: orgJob.name,
    description: orgJob.description,
    isDisabled: false,
    isHighPriority: orgJob.everyHours < 24,
    objects: [...orgJob.objects],
    everyHours: orgJob.everyHours,
    startMinute: cadence.startMinute,
    health: orgJob.health,
    repositoryId,
    repositoryName,
    retainedPoints: cadence.retainedPoints,
    backupId: uuidFor(seed, 'backup', orgJob.name),
  };
}

function cadenceOf(everyHours: number): 'hourly' | 'daily' | 'weekly' {
  if (everyHours < 24) {
    return 'hourly';
  }
  return everyHours > 24 ? 'weekly' : 'daily';
}

function backupSessions(
  seed: number,
  job: JobRecord,
  now: number,
): SessionRecord[] {
  const random = Random.derive(seed, 'sessions', job.name);
  const until =
    job.health === 'stale' ? now - STALE_DAYS * DAY - 5 * HOUR : now;
  const runs = runTimesBetween(job, now - HISTORY_DAYS * DAY, until);
  const sessions: SessionRecord[] = [];
  runs.forEach((scheduled, k) => {
    const start = scheduled + random.int(2_000, 40_000);
    const duration = drawDurationMs(random, job.objects.length, job.everyHours);
    let outcome = drawOutcome(random, job.health);
    const fromEnd = runs.length - k;
    // The demo must show each job's declared health in its latest results.
    if (job.health === 'failing' && fromEnd <= FAILING_RUNS) {
      outcome = outcomeWith(random, 'Failed');
    } else if (job.health === 'warning' && fromEnd <= 2) {
      outcome = outcomeWith(random, 'Warning');
    } else if (
      (job.health === 'healthy' || job.health === 'stale') &&
      fromEnd <= 2
    ) {
      outcome = outcomeWith(random, 'Success');
    }
    const id = random.uuid();
    if (start > now) {
      return;
    }
    const running = start + duration > now;
    sessions.push({
      id,
      jobId: job.id,
      name: job.name,
      sessionType: 'BackupJob',
      creationTime: start,
      endTime: running ? null : start + duration,
      state: running ? 'Working' : 'Stopped',
      progressPercent: running
        ? Math.floor(((now - start) / duration) * 100)
        : 100,
      result: running ? 'None' : outcome.result,
      message: running ? '' : outcome.message,
      resourceId: job.backupId,
      resourceReference: `/api/v1/backups/${job.backupId}`,
      usn: 0,
      initiatedBy: 'scheduler',
      pending: running ? { endTime: start + duration, ...outcome } : undefined,
    });
  });
  return sessions;
}

/** One restore point per object for the last successful runs the job retains. */
function retainedRestorePoints(
  seed: number,
  job: JobRecord,
  jobSessions: SessionRecord[],
  objectIds: Map<string, string>,
): RestorePointRecord[] {
  const usable = jobSessions
    .filter(s => s.state === 'Stopped' && s.result !== 'Failed')
    .slice(-job.retainedPoints);
  const fullEvery = Math.max(1, Math.round((7 * 24) / job.everyHours));
  return usable.flatMap((session, position) =>
    job.objects.map(name =>
      restorePointFor(
        seed,
        job,
        session,
        name,
        objectIds.get(name) ?? '',
        position % fullEvery === 0,
      ),
    ),
  );
}

export function restorePointFor(
  seed: number,
  job: JobRecord,
  session: SessionRecord,
  objectName: string,
  backupObjectId: string,
  full: boolean,
): RestorePointRecord {
  return {
    id: uuidFor(seed, 'restorePoint', session.id, objectName),
    name: objectName,
    backupObjectId,
    backupId: job.backupId,
    sessionId: session.id,
    // Snapshots are taken a little after the session starts.
    creationTime: session.creationTime + 30_000,
    type: full ? 'Full' : 'Increment',
  };
}

function restoreTestSessions(
  seed: number,
  jobs: JobRecord[],
  now: number,
): SessionRecord[] {
  return RESTORE_TESTS.map((plan, index) => {
    const random = Random.derive(seed, 'restoreTest', index);
    const tested = plan.jobs.map(name => jobs.find(j => j.name === name)!);
    const start = now - plan.daysAgo * DAY - random.int(1, 6) * HOUR;
    const objects = tested.flatMap(job => job.objects);
    const failedObject =
      plan.result === 'Success' ? undefined : objects[objects.length - 1];
    return {
      id: random.uuid(),
      jobId: uuidFor(seed, 'restoreTestJob', plan.name),
      name: plan.name,
      sessionType: plan.sessionType,
      creationTime: start,
      endTime: start + Math.round(random.logNormal(25, 0.3) * 60_000),
      state: 'Stopped',
      progressPercent: 100,
      result: plan.result,
      message: plan.message ?? '',
      resourceId: tested[0].backupId,
      resourceReference: `/api/v1/backups/${tested[0].backupId}`,
      usn: 0,
      initiatedBy:
        plan.sessionType === 'InstantRecovery' ? 'user' : 'scheduler',
      tasks: objects.map(name => ({
        id: uuidFor(seed, 'task', index, name),
        name,
        result: name === failedObject ? plan.result : 'Success',
        message: name === failedObject ? plan.message ?? '' : '',
      })),
    };
  });
}

/** The daily backup of VBR's own configuration, present on every server. */
function configurationBackupSessions(
  seed: number,
  now: number,
): SessionRecord[] {
  const random = Random.derive(seed, 'configurationBackup');
  const jobId = uuidFor(seed, 'configurationBackupJob');
  const firstDay = Math.floor((now - HISTORY_DAYS * DAY) / DAY) * DAY;
  const sessions: SessionRecord[] = [];
  for (let day = firstDay; day + 9 * HOUR + 5 * 60_000 < now; day += DAY) {
    const start = day + 9 * HOUR + random.int(0, 30_000);
    sessions.push({
      id: random.uuid(),
      jobId,
      name: 'Backup Configuration Job',
      sessionType: 'ConfigurationBackup',
      creationTime: start,
      endTime: start + random.int(40_000, 120_000),
      state: 'Stopped',
      progressPercent: 100,
      result: 'Success',
      message: '',
      resourceId: null,
      resourceReference: null,
      usn: 0,
      initiatedBy: 'scheduler',
    });
  }
  return sessions;
}
