/**
 * Everything that differs between VBR REST API revisions, decided once from
 * the pinned `x-api-version` so that the client and the record mapping ask
 * a profile instead of comparing version strings.
 */

/** What a job is for, whatever the revision calls its type. */
export type JobKind = 'backup' | 'backup-copy' | 'replica' | 'other';

export interface RevisionProfile {
  apiVersion: string;
  /** Object restore points: `/objectRestorePoints` until 1.1, `/restorePoints` from 1.2 (VBR 12.3). */
  restorePointsPath: '/api/v1/objectRestorePoints' | '/api/v1/restorePoints';
  /** The kind of a job `type` (EJobType); unknown types are `other`. */
  jobKind(type: string): JobKind;
}

/**
 * EJobType values per kind. 1.3 renamed the vSphere backup job `Backup` to
 * `VSphereBackup` and added per-platform types; enums are open, so both
 * spellings are known whatever the pinned revision, matched ignoring case.
 */
const JOB_KINDS: Record<string, JobKind> = {
  backup: 'backup',
  vspherebackup: 'backup',
  hypervbackup: 'backup',
  clouddirectorbackup: 'backup',
  windowsagentbackup: 'backup',
  linuxagentbackup: 'backup',
  entraidtenantbackup: 'backup',
  entraidauditlogbackup: 'backup',
  filebackup: 'backup',
  objectstoragebackup: 'backup',
  backupcopy: 'backup-copy',
  legacybackupcopy: 'backup-copy',
  filebackupcopy: 'backup-copy',
  entraidtenantbackupcopy: 'backup-copy',
  vspherereplica: 'replica',
  hypervreplica: 'replica',
};

export function revisionProfile(apiVersion: string): RevisionProfile {
  const match = /^(\d+)\.(\d+)-rev\d+$/.exec(apiVersion);
  if (!match) {
    throw new TypeError(
      `Invalid Veeam API version '${apiVersion}', expected e.g. 1.2-rev1`,
    );
  }
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const atLeast12 = major > 1 || (major === 1 && minor >= 2);
  return {
    apiVersion,
    restorePointsPath: atLeast12
      ? '/api/v1/restorePoints'
      : '/api/v1/objectRestorePoints',
    jobKind: type => JOB_KINDS[type.toLowerCase()] ?? 'other',
  };
}
