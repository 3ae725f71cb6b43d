import type { MappingKey } from '@backstage-itops/plugin-itops-common';
import {
  backupJobTable,
  backupRunTable,
  changeTable,
  incidentTable,
} from '../database/recordTables';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { KpiCalculator } from './KpiCalculator';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const window = { from: T0, to: T0 + 10 * DAY };
const REF = 'component:default/payments';
const payments: MappingKey = { type: 'servicenow-service', value: 'payments' };
const paymentsCi: MappingKey = { type: 'servicenow-ci', value: 'ci-1' };
const other: MappingKey = { type: 'servicenow-service', value: 'other' };
const paymentsJob: MappingKey = { type: 'veeam-job', value: 'payments-db' };

describe('KpiCalculator', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const fixtures = await ItopsFixtures.create(
      await databases.init(databaseId),
    );
    await fixtures.entity(REF, [payments, paymentsCi, paymentsJob]);
    await fixtures.entity('component:default/other', [other]);
    return fixtures;
  }

  it.each(databases.eachSupportedId())(
    'computes incident KPIs on %p',
    async databaseId => {
      const fixtures = await setUp(databaseId);
      const incident = (
        priority: 1 | 2 | 3,
        openedAt: number,
        more: Partial<Record<'acked' | 'resolved' | 'detected', number>>,
        keys = [payments],
      ) =>
        fixtures.record(incidentTable, {
          number: `INC${openedAt}`,
          title: 'Down',
          state: more.resolved === undefined ? 'in_progress' : 'resolved',
          priority,
          openedAt: at(openedAt),
          acknowledgedAt:
            more.acked === undefined ? undefined : at(openedAt + more.acked),
          resolvedAt:
            more.resolved === undefined
              ? undefined
              : at(openedAt + more.resolved),
          detectedAt:
            more.detected === undefined
              ? undefined
              : at(openedAt - more.detected),
          keys,
        });
      // Two matching keys: must still count once.
      await incident(
        1,
        1 * DAY,
        { acked: HOUR / 6, resolved: 2 * HOUR, detected: HOUR / 2 },
        [payments, paymentsCi],
      );
      await incident(2, 3 * DAY, { acked: HOUR / 3, resolved: 4 * HOUR });
      await incident(2, 5 * DAY, {});
      // Opened before the window, resolved in it: counts for MTTR only.
      await incident(3, -2 * DAY, { resolved: 60 * HOUR });
      // Outside the window, and another entity's.
      await incident(1, 20 * DAY, { resolved: HOUR });
      await incident(1, 2 * DAY, { resolved: HOUR }, [other]);

      const kpis = await KpiCalculator.create({
        knex: fixtures.knex,
      }).incidents(REF, window);

      expect(kpis).toEqual({
        // (2 h + 4 h + 60 h) / 3
        mttr: { valueMs: 22 * HOUR, count: 3 },
        // (10 min + 20 min) / 2
        mtta: { valueMs: 15 * 60 * 1000, count: 2 },
        mttd: { valueMs: 30 * 60 * 1000, count: 1 },
        // 10 days / 3 incidents opened
        mtbf: { valueMs: 288_000_000, count: 3 },
        openedCount: 3,
        openedByPriority: { '1': 1, '2': 2, '3': 0, '4': 0, '5': 0 },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'computes change KPIs on %p',
    async databaseId => {
      const fixtures = await setUp(databaseId);
      const change = (
        type: 'standard' | 'normal' | 'emergency',
        state: 'closed' | 'cancelled' | 'scheduled',
        end: { actual?: number; planned?: number },
        outcome?: 'successful' | 'successful_with_issues' | 'unsuccessful',
        keys = [payments],
      ) =>
        fixtures.record(changeTable, {
          number: 'CHG',
          title: 'Upgrade',
          type,
          state,
          outcome,
          actualEnd: end.actual === undefined ? undefined : at(end.actual),
          plannedEnd: end.planned === undefined ? undefined : at(end.planned),
          keys,
        });
      await change('normal', 'closed', { actual: 1 * DAY }, 'successful');
      await change(
        'emergency',
        'closed',
        { actual: 2 * DAY, planned: 30 * DAY },
        'successful_with_issues',
      );
      // No actual end: the planned end places it in the window.
      await change('normal', 'closed', { planned: 3 * DAY }, 'unsuccessful');
      // Closed without an outcome: not in the success rate's denominator.
      await change('standard', 'closed', { actual: 4 * DAY });
      // Cancelled: in no KPI.
      await change('emergency', 'cancelled', { planned: 5 * DAY });
      await change('emergency', 'scheduled', { planned: 6 * DAY });
      // Ended as planned in the window, but actually after it.
      await change(
        'normal',
        'closed',
        { actual: 20 * DAY, planned: 5 * DAY },
        'unsuccessful',
      );
      await change('normal', 'closed', { actual: DAY }, 'unsuccessful', [
        other,
      ]);

      const kpis = await KpiCalculator.create({ knex: fixtures.knex }).changes(
        REF,
        window,
      );

      expect(kpis).toEqual({
        successRate: { value: 2 / 3, numerator: 2, denominator: 3 },
        emergencyShare: { value: 2 / 5, numerator: 2, denominator: 5 },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'computes backup KPIs on %p',
    async databaseId => {
      const fixtures = await setUp(databaseId);
      await fixtures.record(backupJobTable, {
        externalId: 'job-1',
        recordType: 'backup-job',
        name: 'payments-db',
        objects: ['db-1'],
        keys: [paymentsJob],
      });
      await fixtures.record(backupJobTable, {
        externalId: 'job-2',
        recordType: 'backup-job',
        name: 'other-db',
        objects: [],
        keys: [other],
      });
      const run = (
        result: 'success' | 'warning' | 'failed' | 'running',
        startedAt: number,
        more: {
          kind?: 'backup' | 'restore-test';
          job?: string;
          keys?: MappingKey[];
        } = {},
      ) =>
        fixtures.record(backupRunTable, {
          recordType: 'backup-run',
          jobExternalId: more.job ?? 'job-1',
          jobName: 'payments-db',
          kind: more.kind ?? 'backup',
          result,
          startedAt: at(startedAt),
          endedAt: at(startedAt + HOUR),
          keys: more.keys ?? [],
        });
      await run('success', 1 * DAY);
      await run('warning', 2 * DAY);
      await run('failed', 3 * DAY);
      await run('running', 4 * DAY);
      await run('success', 5 * DAY, { kind: 'restore-test' });
      await run('success', -5 * DAY);
      await run('failed', 1 * DAY, { job: 'job-2' });
      // Mapped by its own key rather than through a job.
      await fixtures.record(backupRunTable, {
        recordType: 'backup-run',
        jobName: 'orphan',
        kind: 'backup',
        result: 'failed',
        startedAt: at(6 * DAY),
        keys: [paymentsJob],
      });

      // A source whose runs name their job only: matched by name.
      await fixtures.record(backupRunTable, {
        recordType: 'backup-run',
        jobName: 'payments-db',
        kind: 'backup',
        result: 'success',
        startedAt: at(7 * DAY),
        endedAt: at(7 * DAY + HOUR),
      });
      // Another job's name without an id: not this entity's.
      await fixtures.record(backupRunTable, {
        recordType: 'backup-run',
        jobName: 'other-db',
        kind: 'backup',
        result: 'failed',
        startedAt: at(7 * DAY),
      });

      const kpis = await KpiCalculator.create({ knex: fixtures.knex }).backups(
        REF,
        window,
        window.to,
      );

      expect(kpis).toEqual({
        // (2 successes + ½ warning) / (2 successes + warning + 2 failed)
        successRate: { value: 0.5, numerator: 2.5, denominator: 5 },
        lastSuccessAt: at(7 * DAY + HOUR),
        lastSuccessAgeMs: 3 * DAY - HOUR,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'reports empty KPIs without data on %p',
    async databaseId => {
      const fixtures = await setUp(databaseId);
      const calculator = KpiCalculator.create({ knex: fixtures.knex });

      expect((await calculator.incidents(REF, window)).mtbf).toEqual({
        valueMs: null,
        count: 0,
      });
      expect(await calculator.changes(REF, window)).toEqual({
        successRate: { value: null, numerator: 0, denominator: 0 },
        emergencyShare: { value: null, numerator: 0, denominator: 0 },
      });
      expect(await calculator.backups(REF, window, window.to)).toEqual({
        successRate: { value: null, numerator: 0, denominator: 0 },
      });
    },
  );
});
