/**
 * Everything that differs between REST API revisions lives here, so the
 * routes and renderers ask one profile instead of comparing version strings.
 *
 * The simulated server is VBR 13.1 (build 13.1.0.411), which still answers
 * every revision back to 1.0-rev1 because the API is declared
 * backward-compatible; the client pins one with `x-api-version`.
 */

export const SUPPORTED_REVISIONS = [
  '1.0-rev1',
  '1.0-rev2',
  '1.1-rev0',
  '1.1-rev1',
  '1.1-rev2',
  '1.2-rev0',
  '1.2-rev1',
  '1.3-rev0',
  '1.3-rev1',
  '1.3-rev2',
] as const;

export type Revision = (typeof SUPPORTED_REVISIONS)[number];

export const SERVER_BUILD = '13.1.0.411';

export interface RevisionProfile {
  revision: Revision;
  /** Collection path of object restore points: renamed in 1.2 (VBR 12.3). */
  restorePointsPath: '/api/v1/objectRestorePoints' | '/api/v1/restorePoints';
  /** `type` of a vSphere backup job: `Backup` until 1.2, `VSphereBackup` from 1.3. */
  vsphereBackupJobType: 'Backup' | 'VSphereBackup';
  /**
   * 1.3 adds optional fields (job state `nextRunPolicy`, `highPriority`,
   * `progressPercent`, `sessionProgress`; session `initiatedBy`); older
   * clients never see them.
   */
  extendedFields: boolean;
}

export function isSupportedRevision(value: string): value is Revision {
  return (SUPPORTED_REVISIONS as readonly string[]).includes(value);
}

export function revisionProfile(revision: Revision): RevisionProfile {
  const [major, minor] = revision.split(/[.-]/).map(Number);
  const atLeast = (wantMajor: number, wantMinor: number) =>
    major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return {
    revision,
    restorePointsPath: atLeast(1, 2)
      ? '/api/v1/restorePoints'
      : '/api/v1/objectRestorePoints',
    vsphereBackupJobType: atLeast(1, 3) ? 'VSphereBackup' : 'Backup',
    extendedFields: atLeast(1, 3),
  };
}

/** The text VBR sends when `x-api-version` is missing or unknown. */
export function unsupportedRevisionMessage(): string {
  return `Unsupported RESTAPI version. The following versions are supported: ${SUPPORTED_REVISIONS.map(
    r => `v${r}`,
  ).join(', ')}.`;
}
