/**
 * The simulator's own records, independent of any API revision; render.ts
 * turns them into the JSON a given revision sends. Times are epoch ms.
 */

export type SessionResult = 'None' | 'Success' | 'Warning' | 'Failed';
export type SessionState = 'Stopped' | 'Starting' | 'Working' | 'Stopping';
export type JobHealth = 'healthy' | 'warning' | 'failing' | 'stale';

export interface JobRecord {
  id: string;
  name: string;
  description: string;
  isDisabled: boolean;
  isHighPriority: boolean;
  objects: string[];
  everyHours: number;
  /** Minutes after midnight (daily/weekly) or after the hour (hourly) when runs start. */
  startMinute: number;
  health: JobHealth;
  repositoryId: string;
  repositoryName: string;
  /** Restore points kept per object. */
  retainedPoints: number;
  backupId: string;
}

export interface SessionRecord {
  id: string;
  jobId: string;
  name: string;
  /** ESessionType, e.g. BackupJob, SureBackup, InstantRecovery, ConfigurationBackup. */
  sessionType: string;
  creationTime: number;
  endTime: number | null;
  state: SessionState;
  progressPercent: number;
  result: SessionResult;
  message: string;
  resourceId: string | null;
  resourceReference: string | null;
  usn: number;
  initiatedBy: string;
  /** Per-object outcomes (taskSessions); objects of the job when absent. */
  tasks?: TaskRecord[];
  /** Outcome a running session will reach when live mode finishes it; not rendered. */
  pending?: { endTime: number; result: SessionResult; message: string };
}

export interface TaskRecord {
  id: string;
  /** Object (VM) name. */
  name: string;
  result: SessionResult;
  message: string;
}

export interface BackupRecord {
  id: string;
  jobId: string;
  name: string;
  creationTime: number;
  repositoryId: string;
}

export interface BackupObjectRecord {
  id: string;
  name: string;
  /** vSphere moref, e.g. `vm-1042`. */
  objectId: string;
  path: string;
}

export interface RestorePointRecord {
  id: string;
  /** Object name. */
  name: string;
  backupObjectId: string;
  backupId: string;
  sessionId: string;
  creationTime: number;
  type: 'Full' | 'Increment';
}

/**
 * Sessions in ascending creation time: position = index. Scale mode derives
 * base records from the index, so queries over creation time use index
 * arithmetic and binary search instead of materialising everything.
 */
export interface SessionStore {
  readonly size: number;
  at(index: number): SessionRecord;
  indexOfId(id: string): number | undefined;
  /** Smallest index whose creation time is >= `epochMs` (size if none). */
  lowerBound(epochMs: number): number;
  /**
   * Ascending indexes in [from, to) that may hold the job's sessions, or
   * undefined when the store cannot narrow the range without scanning.
   */
  candidatesOfJob(
    jobId: string,
    from: number,
    to: number,
  ): number[] | undefined;
  /** Last backup session of a job, running or finished. */
  lastBackupSession(jobId: string): SessionRecord | undefined;
  /** Last finished backup session of a job. */
  lastFinishedBackupSession(jobId: string): SessionRecord | undefined;
  /** Adds a session created now-or-later; creation times stay monotonic. */
  append(record: Omit<SessionRecord, 'usn'>): SessionRecord;
  /** Marks a record as changed (new usn). */
  touch(record: SessionRecord): void;
  /**
   * Removes a session, as VBR's session history retention or a deleted job
   * does: listings skip it and look-ups by id miss it. False if unknown.
   */
  delete(id: string): boolean;
  isDeleted(id: string): boolean;
  /** How many sessions were deleted; listings only filter when some were. */
  readonly deletedCount: number;
}

export interface VeeamWorld {
  vbrId: string;
  serverName: string;
  jobs: JobRecord[];
  sessions: SessionStore;
  backups: BackupRecord[];
  backupObjects: BackupObjectRecord[];
  restorePoints: RestorePointRecord[];
}
