import { ConfigReader } from '@backstage/config';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { ComplianceEngine } from './ComplianceEngine';
import { readComplianceSettings } from './config';
import { DAY_MS, type EvaluatedEntity } from './model';
import { gov01 } from './rules/governanceRules';
import { SnapshotStore } from './SnapshotStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(60_000);

const START = Date.parse('2026-06-15T12:00:00Z');
const REF = 'component:default/payments';
const payments: EvaluatedEntity = {
  entityRef: REF,
  kind: 'component',
  ownerRef: 'group:default/payments-team',
  ownerState: 'group',
  tier: 1,
  annotations: {},
};
const THRESHOLDS = { ...gov01.check.thresholds, windowDays: 90 };

describe('GOV-01 controls tested regularly', () => {
  const judge = (times: number[], now = START) =>
    gov01.judge(payments, { fullSnapshotsAt: times }, THRESHOLDS, now);

  it('judges the longest gap between full runs and up to now', () => {
    const daily = Array.from({ length: 30 }, (_, i) => START - i * DAY_MS - 1);
    expect(judge(daily)).toMatchObject({ status: 'pass', value: 1 });
    expect(judge([START - 10 * DAY_MS, START - 20 * DAY_MS]).status).toBe(
      'warn',
    );
    // Nothing for 15 days since the last run: the schedule stopped.
    expect(judge(daily, START + 15 * DAY_MS)).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('over the 7-day cadence'),
    });
  });

  it('counts only the part of a gap inside the window', () => {
    // A run 200 days ago, then one 3 days ago: 87 days of the window
    // without a run.
    expect(judge([START - 200 * DAY_MS, START - 3 * DAY_MS]).status).toBe(
      'fail',
    );
  });

  it('is no data without an earlier full run, never a pass', () => {
    expect(judge([])).toMatchObject({ status: 'no_data' });
  });
});

describe('GOV-01 over stored snapshots', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'reads the full runs, not single-entity ones, needing no source, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await ItopsFixtures.create(knex);
      const snapshots = new SnapshotStore(knex);
      let now = START;
      const engine = new ComplianceEngine({
        knex,
        settings: readComplianceSettings(new ConfigReader({})),
        facts: { all: async () => [payments], one: async () => payments },
        snapshots,
        waivers: new WaiverStore(knex, { maxWaiverDays: 365 }),
        now: () => now,
      });
      const gov = async () =>
        (await snapshots.entityResults(REF)).find(r => r.checkId === 'GOV-01');

      await engine.evaluateAll('manual');
      // The first run has nothing before it; no source is needed to say so.
      expect(await gov()).toMatchObject({ status: 'no_data' });
      expect((await gov())?.reason).not.toMatch(/Source not configured/);

      now = START + 3 * DAY_MS;
      await engine.evaluateAll('manual');
      expect(await gov()).toMatchObject({ status: 'pass' });

      // Single-entity runs are not a test of all controls.
      now = START + 10 * DAY_MS;
      await engine.evaluateEntity(REF);
      now = START + 13 * DAY_MS;
      await engine.evaluateAll('manual');
      expect(await gov()).toMatchObject({ status: 'warn', value: 10 });
    },
  );
});
