import type {
  BackupJobRecord,
  BackupResult,
  BackupRunRecord,
  MappingKey,
} from '@backstage-itops/plugin-itops-common';
import { veeamTimeToIso } from './dates';
import type { JobKind } from './revision';
import type {
  VeeamJob,
  VeeamJobState,
  VeeamSession,
  VeeamTaskSession,
} from './VeeamClient';

/** A backup job as ITOps knows it: `/jobs` (objects) merged with `/jobs/states` (health). */
export interface KnownJob {
  id: string;
  name: string;
  kind: JobKind;
  objects: string[];
  keys: MappingKey[];
}

/** Tags written into job descriptions as `[itops:<tag>]`; several per description allowed. */
const TAG = /\[itops:([^\]]+)\]/gi;

export function descriptionTags(description: string | undefined): string[] {
  return [...(description ?? '').matchAll(TAG)]
    .map(match => match[1].trim())
    .filter(tag => tag.length > 0);
}

/** The keys catalog entities reach a job by: its name, its description tags, its objects. */
export function jobKeys(
  name: string,
  description: string | undefined,
  objects: string[],
): MappingKey[] {
  return [
    { type: 'veeam-job', value: name },
    ...descriptionTags(description).map(value => ({
      type: 'veeam-tag' as const,
      value,
    })),
    ...objects.map(value => ({ type: 'veeam-object' as const, value })),
  ];
}

/** Objects a job protects, from `virtualMachines.includes`. */
export function jobObjects(job: VeeamJob | undefined): string[] {
  return (job?.virtualMachines?.includes ?? [])
    .map(include => include.name?.trim() ?? '')
    .filter(name => name.length > 0);
}

/**
 * An ESessionResult as a {@link BackupResult}. A session that is not
 * stopped is running whatever its result says; one stopped without a
 * result (cancelled) left no restore point and counts as failed.
 */
export function sessionResult(session: {
  state?: string;
  result?: { result?: string };
}): BackupResult {
  if (session.state && session.state.toLowerCase() !== 'stopped') {
    return 'running';
  }
  return finishedResult(session.result?.result) ?? 'failed';
}

/** `Success`/`Warning`/`Failed` (any case); undefined for `None` and unknown values. */
export function finishedResult(
  value: string | undefined,
): BackupResult | undefined {
  switch (value?.toLowerCase()) {
    case 'success':
      return 'success';
    case 'warning':
      return 'warning';
    case 'failed':
      return 'failed';
    default:
      return undefined;
  }
}

export function toJobRecord(
  state: VeeamJobState,
  job: KnownJob,
): BackupJobRecord {
  const status = state.status?.toLowerCase();
  return {
    recordType: 'backup-job',
    externalId: state.id,
    name: state.name,
    description: state.description || undefined,
    objects: job.objects,
    lastResult:
      status === 'running' ? 'running' : finishedResult(state.lastResult),
    lastRunAt: veeamTimeToIso(state.lastRun),
    nextRunAt: veeamTimeToIso(state.nextRun),
    enabled: status !== 'disabled',
    keys: job.keys,
  };
}

export function toBackupRunRecord(
  session: VeeamSession,
  job: KnownJob,
  details: { failedObjects?: string[]; restorePointAt?: number },
): BackupRunRecord {
  return {
    recordType: 'backup-run',
    externalId: session.id,
    jobExternalId: job.id,
    jobName: job.name,
    kind: 'backup',
    result: sessionResult(session),
    startedAt: requiredIso(session.creationTime, session.id),
    endedAt: veeamTimeToIso(session.endTime),
    ...(details.failedObjects?.length
      ? { failedObjects: details.failedObjects }
      : {}),
    ...(details.restorePointAt !== undefined
      ? { restorePointAt: new Date(details.restorePointAt).toISOString() }
      : {}),
    // Runs reach entities through their job (same source, job id).
    keys: [],
  };
}

/**
 * A restore test (SureBackup, instant recovery) as one run per backup job
 * whose objects it tested, so that each job's last restore test is a run
 * of that job. Tested objects of no known job give one run keyed by those
 * objects.
 */
export function toRestoreTestRecords(
  session: VeeamSession,
  tasks: VeeamTaskSession[],
  jobsByObject: ReadonlyMap<string, KnownJob[]>,
): BackupRunRecord[] {
  const startedAt = requiredIso(session.creationTime, session.id);
  const endedAt = veeamTimeToIso(session.endTime);
  const result = sessionResult(session);
  const byJob = new Map<
    string,
    { job?: KnownJob; tasks: VeeamTaskSession[] }
  >();
  for (const task of tasks) {
    const jobs = jobsByObject.get(task.name.toLowerCase()) ?? [undefined];
    for (const job of jobs) {
      const id = job?.id ?? '';
      const entry = byJob.get(id) ?? { job, tasks: [] };
      entry.tasks.push(task);
      byJob.set(id, entry);
    }
  }
  if (byJob.size === 0) {
    byJob.set('', { tasks: [] });
  }
  const severalJobs = byJob.size > 1;
  return [...byJob.values()].map(({ job, tasks: jobTasks }) => {
    const failedObjects = jobTasks
      .filter(task => finishedResult(task.result?.result) === 'failed')
      .map(task => task.name);
    return {
      recordType: 'backup-run',
      externalId: job ? `${session.id}/${job.id}` : session.id,
      jobExternalId: job?.id,
      jobName: job?.name ?? session.name,
      kind: 'restore-test',
      // When a run tested several jobs, each gets the outcome of its own
      // objects: a SureBackup run that failed on one application's VM did
      // not fail the other's test.
      result:
        severalJobs && result !== 'running'
          ? worstResult(jobTasks) ?? result
          : result,
      startedAt,
      endedAt,
      ...(failedObjects.length ? { failedObjects } : {}),
      keys: job
        ? []
        : jobTasks.map(task => ({
            type: 'veeam-object' as const,
            value: task.name,
          })),
    } satisfies BackupRunRecord;
  });
}

const SEVERITY: BackupResult[] = ['success', 'warning', 'failed'];

/** The worst finished result among tasks, or undefined when none has one. */
function worstResult(tasks: VeeamTaskSession[]): BackupResult | undefined {
  let worst: BackupResult | undefined;
  for (const task of tasks) {
    const result = finishedResult(task.result?.result);
    if (
      result &&
      (!worst || SEVERITY.indexOf(result) > SEVERITY.indexOf(worst))
    ) {
      worst = result;
    }
  }
  return worst;
}

function requiredIso(value: string, sessionId: string): string {
  const iso = veeamTimeToIso(value);
  if (!iso) {
    throw new TypeError(
      `Veeam session ${sessionId} has an unreadable creationTime '${value}'`,
    );
  }
  return iso;
}
