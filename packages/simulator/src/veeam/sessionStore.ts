import type { SessionRecord, SessionStore } from './model';

/**
 * The sessions that exist when the simulator starts: an array in demo mode,
 * records derived from their index in scale mode. Indexes follow creation
 * time.
 */
export interface SessionBase {
  readonly size: number;
  at(index: number): SessionRecord;
  indexOfId(id: string): number | undefined;
  /**
   * Indexes in [from, to) of the job's sessions, when the base can list them
   * without a scan (scale mode's job-by-index layout).
   */
  indexesOfJob?(jobId: string, from: number, to: number): number[];
  /** Largest index < `before` holding a backup session of the job. */
  lastBackupIndexBefore(jobId: string, before: number): number | undefined;
  /** Highest usn among the base records. */
  readonly maxUsn: number;
}

/** Base records plus the sessions live mode and faults add later. */
export class LayeredSessionStore implements SessionStore {
  readonly #base: SessionBase;
  readonly #appended: SessionRecord[] = [];
  readonly #appendedIndex = new Map<string, number>();
  readonly #appendedBackupsByJob = new Map<string, SessionRecord[]>();
  readonly #deleted = new Set<string>();
  #usn: number;

  constructor(base: SessionBase) {
    this.#base = base;
    this.#usn = base.maxUsn;
  }

  get size(): number {
    return this.#base.size + this.#appended.length;
  }

  at(index: number): SessionRecord {
    return index < this.#base.size
      ? this.#base.at(index)
      : this.#appended[index - this.#base.size];
  }

  indexOfId(id: string): number | undefined {
    if (this.#deleted.has(id)) {
      return undefined;
    }
    const appended = this.#appendedIndex.get(id);
    return appended !== undefined
      ? this.#base.size + appended
      : this.#base.indexOfId(id);
  }

  lowerBound(epochMs: number): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.at(middle).creationTime < epochMs) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  /**
   * Ascending indexes in [from, to) that may hold sessions of the job: a
   * superset the caller still filters, or undefined when only a scan of the
   * whole range can tell.
   */
  candidatesOfJob(
    jobId: string,
    from: number,
    to: number,
  ): number[] | undefined {
    if (!this.#base.indexesOfJob) {
      return undefined;
    }
    const candidates = this.#base.indexesOfJob(
      jobId,
      from,
      Math.min(to, this.#base.size),
    );
    for (let index = Math.max(from, this.#base.size); index < to; index++) {
      candidates.push(index);
    }
    return candidates;
  }

  lastBackupSession(jobId: string): SessionRecord | undefined {
    return this.#findLast(jobId, () => true);
  }

  lastFinishedBackupSession(jobId: string): SessionRecord | undefined {
    return this.#findLast(jobId, session => session.state === 'Stopped');
  }

  append(record: Omit<SessionRecord, 'usn'>): SessionRecord {
    const last = this.size > 0 ? this.at(this.size - 1) : undefined;
    const stored: SessionRecord = {
      ...record,
      creationTime: last
        ? Math.max(record.creationTime, last.creationTime + 1)
        : record.creationTime,
      usn: ++this.#usn,
    };
    this.#appendedIndex.set(stored.id, this.#appended.length);
    this.#appended.push(stored);
    if (stored.sessionType === 'BackupJob') {
      const list = this.#appendedBackupsByJob.get(stored.jobId) ?? [];
      list.push(stored);
      this.#appendedBackupsByJob.set(stored.jobId, list);
    }
    return stored;
  }

  touch(record: SessionRecord): void {
    record.usn = ++this.#usn;
  }

  delete(id: string): boolean {
    if (this.indexOfId(id) === undefined) {
      return false;
    }
    this.#deleted.add(id);
    return true;
  }

  isDeleted(id: string): boolean {
    return this.#deleted.has(id);
  }

  get deletedCount(): number {
    return this.#deleted.size;
  }

  #findLast(
    jobId: string,
    accept: (session: SessionRecord) => boolean,
  ): SessionRecord | undefined {
    const appended = this.#appendedBackupsByJob.get(jobId) ?? [];
    for (let i = appended.length - 1; i >= 0; i--) {
      if (!this.#deleted.has(appended[i].id) && accept(appended[i])) {
        return appended[i];
      }
    }
    for (
      let index = this.#base.lastBackupIndexBefore(jobId, this.#base.size);
      index !== undefined;
      index = this.#base.lastBackupIndexBefore(jobId, index)
    ) {
      const session = this.#base.at(index);
      if (!this.#deleted.has(session.id) && accept(session)) {
        return session;
      }
    }
    return undefined;
  }
}

/** A base over records already in memory (the demo world). */
export function arraySessionBase(records: SessionRecord[]): SessionBase {
  const byId = new Map(records.map((record, index) => [record.id, index]));
  const backupIndexesByJob = new Map<string, number[]>();
  records.forEach((record, index) => {
    if (record.sessionType === 'BackupJob') {
      const list = backupIndexesByJob.get(record.jobId) ?? [];
      list.push(index);
      backupIndexesByJob.set(record.jobId, list);
    }
  });
  return {
    size: records.length,
    at: index => records[index],
    indexOfId: id => byId.get(id),
    lastBackupIndexBefore(jobId, before) {
      const list = backupIndexesByJob.get(jobId) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] < before) {
          return list[i];
        }
      }
      return undefined;
    },
    maxUsn: records.reduce((max, record) => Math.max(max, record.usn), 0),
  };
}
