import type {
  BackupJobRecord,
  BackupRunRecord,
  ChangeRecord,
  FreezeWindowRecord,
  IncidentRecord,
  ItopsCapability,
  ItopsRecordsByCapability,
  OnCallShiftRecord,
} from '@backstage-itops/plugin-itops-common';
import type {
  ItopsRecordReader,
  ItopsSource,
  SyncBatch,
  SyncRequest,
} from '@backstage-itops/plugin-itops-node';

export { migrateItopsDatabase as migrate } from '../../testUtils/migrate';

/** What a fake reader yields per request: batches, or an error to throw there. */
export type FakeStep<T> = SyncBatch<T> | Error;

/** A reader whose answers the test sets, and which remembers what it was asked. */
export class FakeReader<T> implements ItopsRecordReader<T> {
  readonly requests: SyncRequest[] = [];
  #steps: FakeStep<T>[] = [];

  /** The steps every following read yields. */
  respond(...steps: FakeStep<T>[]): this {
    this.#steps = steps;
    return this;
  }

  async *read(request: SyncRequest): AsyncIterable<SyncBatch<T>> {
    this.requests.push(request);
    for (const step of this.#steps) {
      if (step instanceof Error) {
        throw step;
      }
      yield step;
    }
  }
}

export type FakeReaders = {
  [C in ItopsCapability]?: FakeReader<ItopsRecordsByCapability[C]>;
};

export function fakeSource(
  readers: FakeReaders,
  instance = 'production',
): ItopsSource & { readers: FakeReaders } {
  return {
    type: 'servicenow',
    instance,
    baseUrl: 'https://example.service-now.com',
    readers,
  };
}

export function incident(
  id: string,
  overrides: Partial<IncidentRecord> = {},
): IncidentRecord {
  return {
    externalId: id,
    url: `https://example.service-now.com/incident/${id}`,
    sourceUpdatedAt: '2026-11-01T10:00:00.000Z',
    number: `INC-${id}`,
    title: `Incident ${id}`,
    state: 'in_progress',
    priority: 2,
    openedAt: '2026-11-01T09:00:00.000Z',
    keys: [{ type: 'servicenow-service', value: ' Payments ' }],
    ...overrides,
  };
}

export function change(
  id: string,
  overrides: Partial<ChangeRecord> = {},
): ChangeRecord {
  return {
    externalId: id,
    number: `CHG-${id}`,
    title: `Change ${id}`,
    type: 'normal',
    state: 'scheduled',
    plannedStart: '2026-11-02T20:00:00.000Z',
    plannedEnd: '2026-11-02T22:00:00.000Z',
    keys: [{ type: 'servicenow-ci', value: `ci-${id}` }],
    ...overrides,
  };
}

export function backupJob(id: string): BackupJobRecord {
  return {
    recordType: 'backup-job',
    externalId: id,
    name: `Job ${id}`,
    objects: ['db-1', 'db-2'],
    lastResult: 'success',
    keys: [
      { type: 'veeam-job', value: `Job ${id}` },
      { type: 'veeam-object', value: 'DB-1' },
      { type: 'veeam-object', value: 'db-1' },
    ],
  };
}

export function backupRun(id: string, jobId: string): BackupRunRecord {
  return {
    recordType: 'backup-run',
    externalId: id,
    jobExternalId: jobId,
    jobName: `Job ${jobId}`,
    kind: 'backup',
    result: 'success',
    startedAt: '2026-11-01T01:00:00.000Z',
    endedAt: '2026-11-01T01:30:00.000Z',
    keys: [{ type: 'veeam-job', value: `Job ${jobId}` }],
  };
}

export function onCallShift(id: string): OnCallShiftRecord {
  return {
    externalId: id,
    scheduleName: 'Payments primary',
    groupName: 'Payments',
    personName: `Person ${id}`,
    start: '2026-11-01T00:00:00.000Z',
    end: '2026-11-08T00:00:00.000Z',
    escalationLevel: 1,
    keys: [{ type: 'servicenow-group', value: 'Payments' }],
  };
}

export function freezeWindow(id: string): FreezeWindowRecord {
  return {
    externalId: id,
    name: `Freeze ${id}`,
    start: '2026-12-20T00:00:00.000Z',
    end: '2027-01-02T00:00:00.000Z',
    keys: [],
  };
}
