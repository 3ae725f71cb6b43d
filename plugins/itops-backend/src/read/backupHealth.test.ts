import type {
  BackupRunRecord,
  MappingKey,
} from '@backstage-itops/plugin-itops-common';
import { backupJobTable, backupRunTable } from '../database/recordTables';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { rpoCompliance } from './backupHealth';
import { ItopsReadStore } from './ItopsReadStore';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const REF = 'component:default/ledger';
const OTHER = 'component:default/other';
const ledger: MappingKey = { type: 'veeam-object', value: 'ledger-vm' };
const other: MappingKey = { type: 'veeam-job', value: 'other job' };

describe('entity backup health', () => {
  const databases = createTestDatabases();

  async function setUp(
    databaseId: Parameters<typeof databases.init>[0],
    rpo: string | null,
  ) {
    const fixtures = await ItopsFixtures.create(
      await databases.init(databaseId),
    );
    await fixtures.entity(REF, [ledger]);
    await fixtures.entity(OTHER, [other]);
    await fixtures
      .knex('itops_entities')
      .where('entity_ref', REF)
      .update({ rpo });
    const store = ItopsReadStore.create({
      knex: fixtures.knex,
      clock: () => NOW,
    });

    const job = (
      externalId: string,
      name: string,
      keys: MappingKey[],
      extra: { nextRunAt?: string; enabled?: boolean } = {},
    ) =>
      fixtures.record(backupJobTable, {
        externalId,
        recordType: 'backup-job',
        name,
        objects: [],
        keys,
        ...extra,
      });
    const run = (
      jobExternalId: string,
      result: BackupRunRecord['result'],
      startedAgo: number,
      extra: Partial<BackupRunRecord> = {},
    ) =>
      fixtures.record(backupRunTable, {
        recordType: 'backup-run',
        jobExternalId,
        jobName: jobExternalId,
        kind: 'backup',
        result,
        startedAt: at(-startedAgo),
        endedAt: result === 'running' ? undefined : at(-startedAgo + HOUR / 2),
        ...(result === 'success' || result === 'warning'
          ? { restorePointAt: at(-startedAgo + 60_000) }
          : {}),
        ...extra,
      });
    return { fixtures, store, job, run };
  }

  it.each(databases.eachSupportedId())(
    'derives every figure over all of the entity’s jobs on %p',
    async databaseId => {
      const { store, job, run } = await setUp(databaseId, 'PT24H');
      await job('apps', 'Apps', [ledger], { nextRunAt: at(5 * HOUR) });
      await job('db', 'DB', [ledger], { nextRunAt: at(HOUR) });
      // Disabled: its next run is not one.
      await job('old', 'Old', [ledger], {
        nextRunAt: at(10 * 60_000),
        enabled: false,
      });
      await job('other job', 'Other job', [other], { nextRunAt: at(60_000) });

      await run('apps', 'failed', 2 * DAY, { failedObjects: ['ledger-vm'] });
      await run('apps', 'success', DAY);
      await run('db', 'success', 40 * DAY); // outside the 30 days
      await run('db', 'success', 3 * DAY);
      await run('db', 'warning', 2 * HOUR, { failedObjects: ['ledger-db'] });
      await run('db', 'running', HOUR / 2);
      await run('other job', 'failed', HOUR); // another entity's job
      await run('apps', 'failed', 10 * DAY, {
        kind: 'restore-test',
        jobName: 'Apps',
        failedObjects: ['ledger-vm'],
      });
      await run('db', 'success', 4 * DAY, {
        kind: 'restore-test',
        jobName: 'DB',
      });

      const health = await store.backupHealth(REF);

      expect(health).toEqual({
        // The DB job's latest finished run warned.
        status: 'warning',
        jobCount: 3,
        lastRestorePointAt: at(-2 * HOUR + 60_000),
        lastRestorePointAgeMs: 2 * HOUR - 60_000,
        lastResult: 'warning',
        lastRunAt: at(-2 * HOUR),
        // failed, success, success, warning: (0 + 1 + 1 + 0.5) / 4
        successRate30d: { value: 2.5 / 4, numerator: 2.5, denominator: 4 },
        nextRunAt: at(HOUR),
        // Only the latest finished run of each job counts.
        failedObjects: ['ledger-db'],
        lastRestoreTest: {
          at: at(-4 * DAY + HOUR / 2),
          ageMs: 4 * DAY - HOUR / 2,
          result: 'success',
          jobName: 'DB',
          failedObjects: [],
        },
        rpo: { declared: 'PT24H', objectiveMs: DAY, met: true },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'gives an entity without backups the same health without the run queries, on %p',
    async databaseId => {
      for (const rpo of ['PT24H', null]) {
        const { store } = await setUp(databaseId, rpo);
        const derived = await store.backupHealth(REF);
        expect(derived.status).toBe('none');
        expect(await store.backupHealthWithoutRuns(REF)).toEqual(derived);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'calls an entity failing when a job’s latest run failed, whatever the RPO, on %p',
    async databaseId => {
      const { store, job, run } = await setUp(databaseId, 'PT24H');
      await job('db', 'DB', [ledger]);
      await run('db', 'success', 3 * HOUR);
      await run('db', 'failed', HOUR, { failedObjects: ['ledger-db'] });

      const health = await store.backupHealth(REF);

      expect(health).toMatchObject({
        status: 'failing',
        lastResult: 'failed',
        failedObjects: ['ledger-db'],
        lastRestorePointAt: at(-3 * HOUR + 60_000),
        rpo: { met: true },
      });
      expect(health.nextRunAt).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'calls an entity stale when its newest restore point is older than its RPO on %p',
    async databaseId => {
      const { store, job, run } = await setUp(databaseId, 'PT24H');
      await job('db', 'DB', [ledger]);
      await run('db', 'success', 30 * HOUR);

      expect(await store.backupHealth(REF)).toMatchObject({
        status: 'stale',
        lastResult: 'success',
        lastRestorePointAgeMs: 30 * HOUR - 60_000,
        rpo: { declared: 'PT24H', objectiveMs: DAY, met: false },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'warns when the latest restore test failed, and reports an unreadable RPO, on %p',
    async databaseId => {
      const { store, job, run } = await setUp(databaseId, 'daily');
      await job('db', 'DB', [ledger]);
      await run('db', 'success', HOUR);
      await run('db', 'failed', DAY, {
        kind: 'restore-test',
        jobName: 'DB',
        failedObjects: ['ledger-db'],
      });

      expect(await store.backupHealth(REF)).toMatchObject({
        status: 'warning',
        lastResult: 'success',
        lastRestoreTest: { result: 'failed', failedObjects: ['ledger-db'] },
        rpo: {
          declared: 'daily',
          objectiveMs: null,
          met: null,
          problem:
            "itops.io/rpo 'daily' is not an ISO 8601 duration such as PT4H, P1D or P1W",
        },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'has nothing to say of an entity without backups on %p',
    async databaseId => {
      const { store } = await setUp(databaseId, null);
      expect(await store.backupHealth(REF)).toEqual({
        status: 'none',
        jobCount: 0,
        successRate30d: { value: null, numerator: 0, denominator: 0 },
        failedObjects: [],
      });
    },
  );

  it('judges the RPO against the newest restore point', () => {
    expect(rpoCompliance('PT1H', NOW - HOUR, NOW)).toEqual({
      declared: 'PT1H',
      objectiveMs: HOUR,
      met: true,
    });
    expect(rpoCompliance('PT1H', NOW - HOUR - 1, NOW).met).toBe(false);
    expect(rpoCompliance('P1D', undefined, NOW)).toEqual({
      declared: 'P1D',
      objectiveMs: DAY,
      met: false,
    });
    expect(rpoCompliance('PT0S', NOW, NOW).objectiveMs).toBeNull();
    expect(rpoCompliance('P1W', NOW - 7 * DAY, NOW)).toEqual({
      declared: 'P1W',
      objectiveMs: 7 * DAY,
      met: true,
    });
    expect(rpoCompliance('daily', NOW, NOW)).toEqual({
      declared: 'daily',
      objectiveMs: null,
      met: null,
      problem:
        "itops.io/rpo 'daily' is not an ISO 8601 duration such as PT4H, P1D or P1W",
    });
  });
});
