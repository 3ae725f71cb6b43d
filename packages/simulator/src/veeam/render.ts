import {
  formatDuration,
  formatVeeamDate,
  formatVeeamDateOrNull,
} from './dates';
import { Random } from '../world/random';
import type { JobState } from './jobStates';
import type {
  BackupObjectRecord,
  BackupRecord,
  JobRecord,
  RestorePointRecord,
  SessionRecord,
  SessionResult,
  TaskRecord,
} from './model';
import type { RevisionProfile } from './revision';
import { nextRunPolicyText } from './schedule';

/** Host-independent platform id VBR reports for vSphere objects. */
const NO_PLATFORM_ID = '00000000-0000-0000-0000-000000000000';
const VCENTER = 'vcenter01.acme.example';

export interface RenderContext {
  profile: RevisionProfile;
  now: number;
}

/** Progress of a running session as of `now`; 100 once stopped. */
export function sessionProgress(session: SessionRecord, now: number): number {
  if (!session.pending) {
    return session.progressPercent;
  }
  const { endTime } = session.pending;
  const ratio =
    (now - session.creationTime) / Math.max(1, endTime - session.creationTime);
  return Math.min(99, Math.max(0, Math.floor(ratio * 100)));
}

export function renderJob(
  job: JobRecord,
  objects: Map<string, BackupObjectRecord>,
  { profile }: RenderContext,
) {
  const hourly = job.everyHours < 24;
  const weekly = job.everyHours > 24;
  const hh = String(Math.floor(job.startMinute / 60)).padStart(2, '0');
  const mm = String(job.startMinute % 60).padStart(2, '0');
  return {
    type: profile.vsphereBackupJobType,
    id: job.id,
    name: job.name,
    description: job.description,
    isDisabled: job.isDisabled,
    isHighPriority: job.isHighPriority,
    virtualMachines: {
      includes: job.objects.map(name => ({
        type: 'VirtualMachine',
        hostName: VCENTER,
        name,
        objectId: objects.get(name)?.objectId ?? '',
        platform: 'VMware',
      })),
      excludes: { vms: [], disks: [], templates: { isEnabled: false } },
    },
    storage: {
      backupRepositoryId: job.repositoryId,
      backupProxies: { autoSelection: true, proxyIds: [] },
      retentionPolicy: { type: 'RestorePoints', quantity: job.retainedPoints },
      gfsPolicy: { isEnabled: false },
    },
    guestProcessing: {
      appAwareProcessing: { isEnabled: false },
      guestFSIndexing: { isEnabled: false },
    },
    schedule: {
      runAutomatically: !job.isDisabled,
      daily: {
        isEnabled: !hourly,
        localTime: `${hh}:${mm}`,
        dailyKind: weekly ? 'SelectedDays' : 'Everyday',
        days: weekly ? ['saturday'] : [],
      },
      periodically: {
        isEnabled: hourly,
        periodicallyKind: 'Hours',
        frequency: job.everyHours,
        startTimeWithinAnHour: job.startMinute % 60,
      },
      retry: { isEnabled: true, retryCount: 3, awaitMinutes: 10 },
      backupWindow: { isEnabled: false },
    },
  };
}

export function renderJobState(
  state: JobState,
  { profile, now }: RenderContext,
) {
  const { job, lastSession } = state;
  const base = {
    type: profile.vsphereBackupJobType,
    status: state.status,
    lastResult: state.lastResult,
    workload: 'vm',
    id: job.id,
    name: job.name,
    description: job.description,
    lastRun: formatVeeamDateOrNull(state.lastRun),
    nextRun: formatVeeamDateOrNull(state.nextRun),
    repositoryId: job.repositoryId,
    repositoryName: job.repositoryName,
    objectsCount: job.objects.length,
    sessionId: lastSession?.id ?? null,
  };
  if (!profile.extendedFields) {
    return base;
  }
  const progress = lastSession ? sessionProgress(lastSession, now) : 0;
  return {
    ...base,
    nextRunPolicy:
      state.nextRun === null
        ? 'Not scheduled'
        : nextRunPolicyText(state.nextRun),
    highPriority: job.isHighPriority,
    progressPercent: progress,
    isStorageSnapshot: false,
    sessionProgress: lastSession
      ? renderProgress(lastSession, progress, now)
      : undefined,
  };
}

function renderProgress(session: SessionRecord, progress: number, now: number) {
  const end = session.endTime ?? now;
  // Sizes are a plausible function of elapsed time, not a measurement.
  const processed = Math.round(
    ((end - session.creationTime) / 1000) * 60 * 1024 * 1024,
  );
  return {
    bottleneck: 'Source',
    duration: formatDuration(end - session.creationTime),
    processingRate: '60 MB/s',
    processedSize: processed,
    readSize: Math.round(processed * 0.4),
    transferredSize: Math.round(processed * 0.2),
    progressPercent: progress,
  };
}

export function renderSession(
  session: SessionRecord,
  { profile, now }: RenderContext,
) {
  const rendered = {
    sessionType: session.sessionType,
    state: session.state,
    platformName: 'VMware',
    id: session.id,
    name: session.name,
    jobId: session.jobId,
    creationTime: formatVeeamDate(session.creationTime),
    endTime: formatVeeamDateOrNull(session.endTime),
    progressPercent: sessionProgress(session, now),
    result: {
      result: session.result,
      message: session.message,
      isCanceled: false,
    },
    resourceId: session.resourceId,
    resourceReference: session.resourceReference,
    parentSessionId: null,
    usn: session.usn,
    platformId: NO_PLATFORM_ID,
  };
  return profile.extendedFields
    ? { ...rendered, initiatedBy: session.initiatedBy }
    : rendered;
}

/** Per-object tasks of a session; a backup session's are its job's objects. */
export function tasksOf(
  session: SessionRecord,
  job: JobRecord | undefined,
): TaskRecord[] {
  return (
    session.tasks ??
    (job?.objects ?? []).map(name => ({
      id: Random.derive(0, 'task', session.id, name).uuid(),
      name,
      result: session.result,
      message: session.message,
    }))
  );
}

export function renderTaskSessions(
  session: SessionRecord,
  tasks: TaskRecord[],
  context: RenderContext,
) {
  return tasks.map(task => ({
    type: session.sessionType === 'BackupJob' ? 'Backup' : session.sessionType,
    id: task.id,
    sessionId: session.id,
    sessionType: session.sessionType,
    name: task.name,
    state: session.state,
    creationTime: formatVeeamDate(session.creationTime),
    endTime: formatVeeamDateOrNull(session.endTime),
    progressPercent: sessionProgress(session, context.now),
    result: { result: task.result, message: task.message, isCanceled: false },
    usn: session.usn,
  }));
}

const LOG_STATUS: Record<SessionResult, string> = {
  None: 'None',
  Success: 'Succeeded',
  Warning: 'Warning',
  Failed: 'Failed',
};

/** `GET /sessions/{id}/logs`: start line, one line per object, end line. */
export function renderSessionLog(session: SessionRecord, tasks: TaskRecord[]) {
  const start = formatVeeamDate(session.creationTime);
  const lines = [
    {
      status: 'Succeeded',
      time: start,
      title: `Job started at ${start}`,
      description: '',
    },
    ...tasks.map(task => ({
      status: session.state === 'Stopped' ? LOG_STATUS[task.result] : 'None',
      time: start,
      title: `Processing ${task.name}`,
      description: task.message,
    })),
  ];
  if (session.endTime !== null) {
    const end = formatVeeamDate(session.endTime);
    const outcome = {
      None: 'finished',
      Success: 'finished successfully',
      Warning: 'finished with warning',
      Failed: 'failed',
    }[session.result];
    lines.push({
      status: LOG_STATUS[session.result],
      time: end,
      title: `Job ${outcome} at ${end}`,
      description: session.message,
    });
  }
  return {
    totalRecords: lines.length,
    records: lines.map((line, index) => ({
      id: index + 1,
      status: line.status,
      startTime: line.time,
      updateTime: line.time,
      title: line.title,
      description: line.description,
    })),
  };
}

export function renderBackup(backup: BackupRecord) {
  return {
    platformName: 'VMware',
    id: backup.id,
    jobId: backup.jobId,
    policyUniqueId: '',
    name: backup.name,
    platformId: NO_PLATFORM_ID,
    creationTime: formatVeeamDate(backup.creationTime),
    repositoryId: backup.repositoryId,
  };
}

export function renderBackupObject(
  object: BackupObjectRecord,
  restorePointsCount: number,
) {
  return {
    platformName: 'VMware',
    id: object.id,
    name: object.name,
    type: 'VM',
    platformId: NO_PLATFORM_ID,
    restorePointsCount,
    objectId: object.objectId,
    viType: 'VirtualMachine',
    path: object.path,
  };
}

export function renderRestorePoint(point: RestorePointRecord) {
  return {
    platformName: 'VMware',
    type: point.type,
    malwareStatus: 'Clean',
    id: point.id,
    name: point.name,
    platformId: NO_PLATFORM_ID,
    creationTime: formatVeeamDate(point.creationTime),
    backupId: point.backupId,
    sessionId: point.sessionId,
    allowedOperations: [
      'StartViVMInstantRecovery',
      'StartEntireVmRestore',
      'StartFlrRestore',
    ],
  };
}
