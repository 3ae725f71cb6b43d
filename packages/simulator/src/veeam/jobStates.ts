import type {
  JobRecord,
  SessionRecord,
  SessionResult,
  VeeamWorld,
} from './model';
import { nextRunAfter } from './schedule';

export type JobStatus = 'running' | 'inactive' | 'disabled';

/** What `/jobs/states` reports for a job, derived from its sessions. */
export interface JobState {
  job: JobRecord;
  status: JobStatus;
  lastRun: number | null;
  lastResult: SessionResult;
  nextRun: number | null;
  lastSession?: SessionRecord;
}

export function jobState(
  world: VeeamWorld,
  job: JobRecord,
  now: number,
): JobState {
  const last = world.sessions.lastBackupSession(job.id);
  const running = last !== undefined && last.state !== 'Stopped';
  // While a run is in progress VBR still shows the previous run's result.
  const finished = running
    ? world.sessions.lastFinishedBackupSession(job.id)
    : last;
  let status: JobStatus = 'inactive';
  if (job.isDisabled) {
    status = 'disabled';
  } else if (running) {
    status = 'running';
  }
  return {
    job,
    status,
    lastRun: last?.creationTime ?? null,
    lastResult: finished?.result ?? 'None',
    nextRun: job.isDisabled ? null : nextRunAfter(job, now),
    lastSession: last,
  };
}
