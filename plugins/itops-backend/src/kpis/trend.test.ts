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
import { trendBuckets } from './trend';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
// 30 days and 7 ms: buckets of unequal whole-millisecond lengths.
const window = { from: T0, to: T0 + 30 * DAY + 7 };
const REF = 'component:default/payments';
const payments: MappingKey = { type: 'servicenow-service', value: 'payments' };
const paymentsJob: MappingKey = { type: 'veeam-job', value: 'payments-db' };
const ALL = { incidents: true, changes: true, backups: true };

/** A deterministic spread of times across and around the window. */
function* times(count: number, seed: number) {
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 48271) % 2147483647;
    yield -2 * DAY + (state % (34 * DAY));
  }
}

describe('KPI trend', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const fixtures = await ItopsFixtures.create(
      await databases.init(databaseId),
    );
    await fixtures.entity(REF, [payments, paymentsJob]);
    let n = 0;
    for (const opened of times(40, 7)) {
      n++;
      const resolved = n % 4 === 0 ? undefined : opened + (n % 9) * HOUR;
      await fixtures.record(incidentTable, {
        number: `INC${n}`,
        title: 'Down',
        state: resolved === undefined ? 'in_progress' : 'resolved',
        priority: ((n % 5) + 1) as 1 | 2 | 3 | 4 | 5,
        openedAt: at(opened),
        resolvedAt: resolved === undefined ? undefined : at(resolved),
        keys: [payments],
      });
    }
    for (const start of times(30, 11)) {
      n++;
      await fixtures.record(changeTable, {
        number: `CHG${n}`,
        title: 'Deploy',
        type: 'normal',
        state: n % 5 === 0 ? 'scheduled' : 'closed',
        plannedStart: at(start),
        plannedEnd: at(start + 2 * HOUR),
        ...(n % 5 === 0
          ? {}
          : { outcome: n % 3 === 0 ? 'unsuccessful' : 'successful' }),
        keys: [payments],
      });
    }
    await fixtures.record(backupJobTable, {
      externalId: 'job-1',
      recordType: 'backup-job',
      name: 'payments-db',
      objects: ['db-1'],
      keys: [paymentsJob],
    });
    const results = ['success', 'warning', 'failed', 'success'] as const;
    for (const start of times(30, 13)) {
      n++;
      await fixtures.record(backupRunTable, {
        recordType: 'backup-run',
        jobExternalId: 'job-1',
        jobName: 'payments-db',
        kind: 'backup',
        result: results[n % results.length],
        startedAt: at(start),
        endedAt: at(start + HOUR),
      });
    }
    return KpiCalculator.create({ knex: fixtures.knex });
  }

  it('cuts the window into consecutive buckets covering it exactly', () => {
    const buckets = trendBuckets(window, 12);
    expect(buckets).toHaveLength(12);
    expect(buckets[0].from).toBe(window.from);
    expect(buckets[11].to).toBe(window.to);
    for (let i = 1; i < buckets.length; i++) {
      expect(buckets[i].from).toBe(buckets[i - 1].to);
      expect(buckets[i].to).toBeGreaterThan(buckets[i].from);
    }
  });

  it.each(databases.eachSupportedId())(
    'gives every bucket the KPIs of its own window on %p',
    async databaseId => {
      const kpis = await setUp(databaseId);

      const trend = await kpis.trend(REF, window, 12, ALL);

      expect(trend).toHaveLength(12);
      for (const point of trend) {
        const bucket = { from: point.from, to: point.to };
        const [incidents, changes, backups] = await Promise.all([
          kpis.incidents(REF, bucket),
          kpis.changes(REF, bucket),
          kpis.backups(REF, bucket, window.to),
        ]);
        expect(point).toEqual({
          ...bucket,
          incidents: { mttr: incidents.mttr, mtbf: incidents.mtbf },
          changes: { successRate: changes.successRate },
          backups: { successRate: backups.successRate },
        });
      }
      // The fixture is not empty where it matters.
      const counted = trend.reduce(
        (sum, p) =>
          sum +
          p.incidents!.mttr.count +
          p.changes!.successRate.denominator +
          p.backups!.successRate.denominator,
        0,
      );
      expect(counted).toBeGreaterThan(60);
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves out the areas not asked for on %p',
    async databaseId => {
      const kpis = await setUp(databaseId);
      const trend = await kpis.trend(REF, window, 3, {
        incidents: false,
        changes: true,
        backups: false,
      });
      expect(trend.map(p => Object.keys(p).sort())).toEqual([
        ['changes', 'from', 'to'],
        ['changes', 'from', 'to'],
        ['changes', 'from', 'to'],
      ]);
    },
  );
});
