import { Random } from '../world/random';
import type { JobRecord, SessionRecord, VeeamWorld } from './model';
import { drawDurationMs, drawOutcome, outcomeWith } from './outcomes';
import { restorePointFor, uuidFor } from './demo';
import { runTimesBetween } from './schedule';

/**
 * Live mode: the world moves on as the clock does. Runs start when their
 * schedule comes due and finish when their planned duration has passed,
 * leaving restore points behind.
 */
export class LiveWorld {
  readonly #world: VeeamWorld;
  readonly #seed: number;
  #started = 0;

  constructor(world: VeeamWorld, seed: number) {
    this.#world = world;
    this.#seed = seed;
  }

  tick(now: number): void {
    for (const job of this.#world.jobs) {
      const last = this.#world.sessions.lastBackupSession(job.id);
      if (last?.pending) {
        if (last.pending.endTime <= now) {
          this.#finish(job, last);
        }
        continue;
      }
      // Disabled jobs do not run; a stale job's schedule silently stopped firing.
      if (job.isDisabled || job.health === 'stale') {
        continue;
      }
      const since = last
        ? last.creationTime + 1
        : now - job.everyHours * 3_600_000;
      if (runTimesBetween(job, since, now + 1).length > 0) {
        this.startRun(job, now, 'scheduler');
      }
    }
  }

  /** Starts a run now, as the scheduler or `POST /jobs/{id}/start` does. */
  startRun(job: JobRecord, now: number, initiatedBy: string): SessionRecord {
    const random = Random.derive(this.#seed, 'live', job.id, this.#started++);
    const duration = drawDurationMs(random, job.objects.length, job.everyHours);
    const outcome =
      job.health === 'failing'
        ? outcomeWith(random, 'Failed')
        : drawOutcome(random, job.health);
    return this.#world.sessions.append({
      id: random.uuid(),
      jobId: job.id,
      name: job.name,
      sessionType: 'BackupJob',
      creationTime: now,
      endTime: null,
      state: 'Working',
      progressPercent: 0,
      result: 'None',
      message: '',
      resourceId: job.backupId,
      resourceReference: `/api/v1/backups/${job.backupId}`,
      initiatedBy,
      pending: { endTime: now + duration, ...outcome },
    });
  }

  /**
   * Fault: a finished session newer than every other, so it sorts first
   * under the default (newest-first) order and shifts offset-based pages.
   * VBR's own configuration backup is used so no job's health changes.
   */
  insertShiftingSession(now: number): SessionRecord {
    const random = Random.derive(this.#seed, 'shifting', this.#started++);
    return this.#world.sessions.append({
      id: random.uuid(),
      jobId: uuidFor(this.#seed, 'configurationBackupJob'),
      name: 'Backup Configuration Job',
      sessionType: 'ConfigurationBackup',
      creationTime: now,
      endTime: now + 1,
      state: 'Stopped',
      progressPercent: 100,
      result: 'Success',
      message: '',
      resourceId: null,
      resourceReference: null,
      initiatedBy: 'scheduler',
    });
  }

  #finish(job: JobRecord, session: SessionRecord): void {
    const pending = session.pending!;
    session.state = 'Stopped';
    session.endTime = pending.endTime;
    session.result = pending.result;
    session.message = pending.message;
    session.progressPercent = 100;
    session.pending = undefined;
    this.#world.sessions.touch(session);
    if (session.result === 'Failed') {
      return;
    }
    for (const name of job.objects) {
      const object = this.#world.backupObjects.find(o => o.name === name);
      this.#world.restorePoints.push(
        restorePointFor(
          this.#seed,
          job,
          session,
          name,
          object?.id ?? '',
          false,
        ),
      );
    }
  }
}
