import { parseVeeamTime } from './dates';
import {
  descriptionTags,
  jobKeys,
  sessionResult,
  toJobRecord,
  toRestoreTestRecords,
  type KnownJob,
} from './records';
import { revisionProfile } from './revision';
import type { VeeamSession } from './VeeamClient';

describe('parseVeeamTime', () => {
  it.each([
    ['2025-02-12T04:24:16.2+03:00', '2025-02-12T01:24:16.200Z'],
    ['2025-11-05T18:01:26.520805+01:00', '2025-11-05T17:01:26.520Z'],
    ['2025-11-06T00:30:20+01:00', '2025-11-05T23:30:20.000Z'],
    ['2025-11-06T00:30:20-0530', '2025-11-06T06:00:20.000Z'],
    ['2025-11-06T00:30:20Z', '2025-11-06T00:30:20.000Z'],
  ])('reads %s with any fraction length and offset', (text, iso) => {
    expect(new Date(parseVeeamTime(text)!).toISOString()).toBe(iso);
  });

  it.each([null, undefined, '', 'yesterday', '2025-13-45T99:00:00Z'])(
    'gives undefined for %p',
    value => {
      expect(parseVeeamTime(value)).toBeUndefined();
    },
  );
});

describe('revisionProfile', () => {
  it('puts restore points where each revision has them', () => {
    expect(revisionProfile('1.0-rev2').restorePointsPath).toBe(
      '/api/v1/objectRestorePoints',
    );
    expect(revisionProfile('1.1-rev2').restorePointsPath).toBe(
      '/api/v1/objectRestorePoints',
    );
    expect(revisionProfile('1.2-rev0').restorePointsPath).toBe(
      '/api/v1/restorePoints',
    );
    expect(revisionProfile('1.3-rev2').restorePointsPath).toBe(
      '/api/v1/restorePoints',
    );
  });

  it('knows a vSphere backup job by its 1.2 and its 1.3 name, ignoring case', () => {
    const profile = revisionProfile('1.3-rev0');
    expect(profile.jobKind('Backup')).toBe('backup');
    expect(profile.jobKind('VSphereBackup')).toBe('backup');
    expect(profile.jobKind('vspherebackup')).toBe('backup');
    expect(profile.jobKind('VSphereReplica')).toBe('replica');
    expect(profile.jobKind('BackupCopy')).toBe('backup-copy');
    expect(profile.jobKind('SomethingNew')).toBe('other');
  });

  it('refuses what is no revision', () => {
    expect(() => revisionProfile('v1.2')).toThrow(/expected e.g. 1.2-rev1/);
  });
});

describe('record mapping', () => {
  it('finds [itops:<tag>] tags in descriptions', () => {
    expect(
      descriptionTags('Web shop [itops:storefront] and [ITOPS: search ]'),
    ).toEqual(['storefront', 'search']);
    expect(descriptionTags(undefined)).toEqual([]);
    expect(descriptionTags('[itops:]')).toEqual([]);
  });

  it('keys a job by name, tags and objects', () => {
    expect(
      jobKeys('Kafka - Daily', 'Brokers [itops:kafka]', ['kafka-01']),
    ).toEqual([
      { type: 'veeam-job', value: 'Kafka - Daily' },
      { type: 'veeam-tag', value: 'kafka' },
      { type: 'veeam-object', value: 'kafka-01' },
    ]);
  });

  it.each([
    [{ state: 'Working', result: { result: 'None' } }, 'running'],
    [{ state: 'Stopped', result: { result: 'Success' } }, 'success'],
    [{ state: 'Stopped', result: { result: 'warning' } }, 'warning'],
    [{ state: 'Stopped', result: { result: 'Failed' } }, 'failed'],
    // Stopped without a result: cancelled, no restore point.
    [
      { state: 'Stopped', result: { result: 'None', isCanceled: true } },
      'failed',
    ],
    [{ state: 'Postprocessing', result: { result: 'Success' } }, 'running'],
  ])('reads session %j as %s', (session, result) => {
    expect(sessionResult(session)).toBe(result);
  });

  it('maps a job state, with open-string enums', () => {
    const job: KnownJob = {
      id: 'j1',
      name: 'Orders DB - Daily',
      kind: 'backup',
      objects: ['pg-orders-01'],
      keys: [{ type: 'veeam-job', value: 'Orders DB - Daily' }],
    };
    expect(
      toJobRecord(
        {
          id: 'j1',
          name: 'Orders DB - Daily',
          type: 'VSphereBackup',
          description: '',
          status: 'inactive',
          lastResult: 'Warning',
          lastRun: '2026-11-24T22:20:05.1+01:00',
          nextRun: null,
        },
        job,
      ),
    ).toEqual({
      recordType: 'backup-job',
      externalId: 'j1',
      name: 'Orders DB - Daily',
      description: undefined,
      objects: ['pg-orders-01'],
      lastResult: 'warning',
      lastRunAt: '2026-11-24T21:20:05.100Z',
      nextRunAt: undefined,
      enabled: true,
      keys: job.keys,
    });
    expect(
      toJobRecord(
        {
          id: 'j1',
          name: 'x',
          type: 'Backup',
          status: 'disabled',
          lastResult: 'None',
        },
        job,
      ),
    ).toMatchObject({ enabled: false, lastResult: undefined });
    expect(
      toJobRecord(
        {
          id: 'j1',
          name: 'x',
          type: 'Backup',
          status: 'running',
          lastResult: 'Success',
        },
        job,
      ).lastResult,
    ).toBe('running');
  });

  describe('restore tests', () => {
    const apps: KnownJob = {
      id: 'apps',
      name: 'Apps',
      kind: 'backup',
      objects: ['app-1', 'app-2'],
      keys: [],
    };
    const db: KnownJob = {
      id: 'db',
      name: 'DB',
      kind: 'backup',
      objects: ['db-1'],
      keys: [],
    };
    const byObject = new Map([
      ['app-1', [apps]],
      ['app-2', [apps]],
      ['db-1', [db]],
    ]);
    const session = (result: string): VeeamSession => ({
      id: 's1',
      name: 'SureBackup - Payments',
      jobId: 'surebackup-job',
      sessionType: 'SureBackup',
      creationTime: '2026-11-20T03:00:00+01:00',
      endTime: '2026-11-20T03:25:00+01:00',
      state: 'Stopped',
      result: { result },
    });
    const task = (name: string, result: string) => ({
      id: `t-${name}`,
      name,
      result: { result },
    });

    it('gives each tested job its own run with the outcome of its objects', () => {
      const records = toRestoreTestRecords(
        session('Failed'),
        [
          task('app-1', 'Success'),
          task('app-2', 'Success'),
          task('db-1', 'Failed'),
        ],
        byObject,
      );
      expect(records).toEqual([
        expect.objectContaining({
          externalId: 's1/apps',
          jobExternalId: 'apps',
          jobName: 'Apps',
          kind: 'restore-test',
          result: 'success',
          startedAt: '2026-11-20T02:00:00.000Z',
          endedAt: '2026-11-20T02:25:00.000Z',
          keys: [],
        }),
        expect.objectContaining({
          externalId: 's1/db',
          result: 'failed',
          failedObjects: ['db-1'],
        }),
      ]);
      expect(records[0].failedObjects).toBeUndefined();
    });

    it('keeps the run’s own result when it tested one job', () => {
      const [record] = toRestoreTestRecords(
        session('Warning'),
        [task('app-1', 'Success'), task('app-2', 'Warning')],
        byObject,
      );
      expect(record).toMatchObject({
        externalId: 's1/apps',
        result: 'warning',
      });
    });

    it('keys a test of objects no job protects by those objects', () => {
      expect(
        toRestoreTestRecords(
          session('Success'),
          [task('lab-vm', 'Success')],
          byObject,
        ),
      ).toEqual([
        expect.objectContaining({
          externalId: 's1',
          jobExternalId: undefined,
          jobName: 'SureBackup - Payments',
          keys: [{ type: 'veeam-object', value: 'lab-vm' }],
        }),
      ]);
    });
  });
});
