import {
  SUPPORTED_REVISIONS,
  isSupportedRevision,
  revisionProfile,
} from './revision';

describe('Veeam revisions', () => {
  it('switches restore point path at 1.2 and job type names and extra fields at 1.3', () => {
    const table = SUPPORTED_REVISIONS.map(revision => {
      const profile = revisionProfile(revision);
      return [
        revision,
        profile.restorePointsPath,
        profile.vsphereBackupJobType,
        profile.extendedFields,
      ];
    });
    expect(table).toEqual([
      ['1.0-rev1', '/api/v1/objectRestorePoints', 'Backup', false],
      ['1.0-rev2', '/api/v1/objectRestorePoints', 'Backup', false],
      ['1.1-rev0', '/api/v1/objectRestorePoints', 'Backup', false],
      ['1.1-rev1', '/api/v1/objectRestorePoints', 'Backup', false],
      ['1.1-rev2', '/api/v1/objectRestorePoints', 'Backup', false],
      ['1.2-rev0', '/api/v1/restorePoints', 'Backup', false],
      ['1.2-rev1', '/api/v1/restorePoints', 'Backup', false],
      ['1.3-rev0', '/api/v1/restorePoints', 'VSphereBackup', true],
      ['1.3-rev1', '/api/v1/restorePoints', 'VSphereBackup', true],
      ['1.3-rev2', '/api/v1/restorePoints', 'VSphereBackup', true],
    ]);
  });

  it('accepts only exact revision strings', () => {
    expect(isSupportedRevision('1.3-rev0')).toBe(true);
    expect(isSupportedRevision('v1.3-rev0')).toBe(false);
    expect(isSupportedRevision('1.3')).toBe(false);
  });
});
