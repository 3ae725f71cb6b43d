import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { ComplianceEngine } from './ComplianceEngine';
import { DEFAULT_RETENTION, readComplianceSettings } from './config';
import { DAY_MS, HOUR_MS, type EvaluatedEntity } from './model';
import { applyRetention, planRetention } from './retention';
import { SnapshotStore, type SnapshotRef } from './SnapshotStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(120_000);

const NOW = Date.parse('2026-06-15T12:00:00Z');

describe('planRetention', () => {
  const policy = { enabled: true, keepAllDays: 10, keepDailyDays: 60 };
  let seq = 0;
  const snap = (
    daysAgo: number,
    extra: Partial<SnapshotRef> = {},
  ): SnapshotRef => ({
    id: `s${++seq}`,
    seq,
    takenAt: NOW - daysAgo * DAY_MS,
    scope: 'all',
    ...extra,
  });

  it('keeps everything recent, then the last of each day, then of each month', () => {
    const recentEntity = snap(2, { scope: 'component:default/a' });
    const recent = snap(5);
    const oldEntity = snap(20, { scope: 'component:default/a' });
    const dayFirst = snap(30.3);
    const dayLast = snap(30.1);
    const monthOld = snap(100.2);
    const monthLast = snap(100.1);
    const list = [
      monthOld,
      monthLast,
      dayFirst,
      dayLast,
      oldEntity,
      recent,
      recentEntity,
    ].sort((a, b) => a.takenAt - b.takenAt);
    const plan = planRetention(list, policy, NOW);
    expect(plan.keep.map(s => s.id).sort()).toEqual(
      [recent, recentEntity, dayLast, monthLast].map(s => s.id).sort(),
    );
    expect(plan.dispose.map(d => d.snapshot.id).sort()).toEqual(
      [monthOld, dayFirst, oldEntity].map(s => s.id).sort(),
    );
    expect(
      planRetention(list, { ...policy, keepMonthlyDays: 90 }, NOW).keep,
    ).not.toContainEqual(monthLast);
  });

  it('keeps the bases of kept incremental snapshots and disposes of dependents first', () => {
    const base = snap(40.5);
    const dependent = snap(40.4, { baseId: base.id });
    const lastOfDay = snap(40.3, { baseId: base.id });
    const oldBase = snap(41.5);
    const oldDependent = snap(41.4, { baseId: oldBase.id });
    const plan = planRetention(
      [oldBase, oldDependent, base, dependent, lastOfDay],
      policy,
      NOW,
    );
    // oldDependent is the last of its day: kept, and with it oldBase.
    expect(plan.keep.map(s => s.id).sort()).toEqual(
      [oldBase, oldDependent, base, lastOfDay].map(s => s.id).sort(),
    );
    expect(plan.dispose.map(d => d.snapshot.id)).toEqual([dependent.id]);

    const newest = snap(50);
    const onlyOld = planRetention([newest], policy, NOW);
    expect(onlyOld.keep).toEqual([newest]);
  });

  it('orders disposals so that incremental snapshots go before their bases', () => {
    // One UTC day: a full run, an incremental one, and the day's last run.
    const base = snap(30.45);
    const dependent = snap(30.4, { baseId: base.id });
    const keeper = snap(30.1);
    const plan = planRetention([base, dependent, keeper], policy, NOW);
    expect(plan.dispose.map(d => d.snapshot.id)).toEqual([
      dependent.id,
      base.id,
    ]);
  });
});

describe('applyRetention', () => {
  const databases = createTestDatabases();

  const entity: EvaluatedEntity = {
    entityRef: 'component:default/a',
    kind: 'component',
    ownerState: 'none',
    lifecycle: 'production',
    annotations: {},
  };

  it.each(databases.eachSupportedId())(
    'deletes exactly the planned snapshots through the ledger, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await ItopsFixtures.create(knex);
      let now = NOW - 60 * DAY_MS;
      const snapshots = new SnapshotStore(knex);
      const waivers = new WaiverStore(knex, { maxWaiverDays: 365 });
      const engine = new ComplianceEngine({
        knex,
        settings: readComplianceSettings(new ConfigReader({})),
        facts: {
          all: async () => [entity],
          one: async () => entity,
        },
        snapshots,
        waivers,
        now: () => now,
      });
      // Two runs a day for 60 days, a single-entity run every tenth day:
      // full snapshots weekly, incremental ones in between.
      for (let day = 0; day < 60; day++) {
        now = NOW - (60 - day) * DAY_MS;
        await engine.evaluateAll('scheduled');
        now += 6 * HOUR_MS;
        await engine.evaluateAll('scheduled');
        if (day % 10 === 0) await engine.evaluateEntity(entity.entityRef);
      }
      await waivers.record('user:default/a', 'test', 'test', 'x', {}, NOW);
      const auditBefore = await knex('itops_compliance_audit').select('id');
      const policy = { enabled: true, keepAllDays: 7, keepDailyDays: 30 };
      const before = await snapshots.refs();
      const expected = planRetention(before, policy, NOW);
      expect(expected.dispose.length).toBeGreaterThan(0);

      const auditor = mockServices.auditor.mock();
      const outcomes: string[] = [];
      auditor.createEvent.mockImplementation(async () => ({
        success: async () => {
          outcomes.push('success');
        },
        fail: async () => {
          outcomes.push('fail');
        },
      }));
      const { disposed } = await applyRetention({
        snapshots,
        waivers,
        auditor,
        policy,
        now: NOW,
      });
      expect(disposed).toBe(expected.dispose.length);
      expect(outcomes).toEqual(['success']);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({ eventId: 'compliance-retention' }),
      );
      expect((await snapshots.refs()).map(s => s.id)).toEqual(
        expected.keep.map(s => s.id),
      );
      // Every disposal is in the ledger and the audit trail; no audit row went.
      const ledger = await knex('itops_compliance_disposals').select(
        'snapshot_id',
      );
      expect(ledger.map(r => r.snapshot_id).sort()).toEqual(
        expected.dispose.map(d => d.snapshot.id).sort(),
      );
      const audit = await knex('itops_compliance_audit').select('id', 'action');
      expect(audit.filter(a => a.action === 'snapshot.dispose')).toHaveLength(
        expected.dispose.length,
      );
      expect(audit.map(a => a.id)).toEqual(
        expect.arrayContaining(auditBefore.map(a => a.id)),
      );
      const orphans = await knex('itops_compliance_results as r')
        .leftJoin('itops_compliance_snapshots as s', 's.id', 'r.snapshot_id')
        .whereNull('s.id')
        .count({ n: '*' });
      expect(Number(orphans[0].n)).toBe(0);
      // Every kept incremental snapshot still resolves through its base.
      const incrementals = (await snapshots.refs()).filter(s => s.baseId);
      expect(incrementals.length).toBeGreaterThan(0);
      for (const kept of incrementals) {
        expect(await snapshots.ref(kept.baseId!)).toBeDefined();
        expect(await snapshots.results(kept.id)).not.toHaveLength(0);
      }

      // A base is not disposed of before its dependents.
      const [dependent] = incrementals;
      await expect(
        snapshots.dispose(dependent.baseId!, {
          actor: 'test',
          policy,
          reason: 'test',
          now: NOW,
          audit: async () => undefined,
        }),
      ).rejects.toThrow(/base of/);
      expect(await snapshots.ref(dependent.baseId!)).toBeDefined();

      // A kept snapshot cannot be deleted directly, nor audit rows.
      const [kept] = expected.keep;
      await expect(
        knex('itops_compliance_results').where('snapshot_id', kept.id).delete(),
      ).rejects.toThrow(/append-only/);
      await expect(
        knex('itops_compliance_snapshots').where('id', kept.id).delete(),
      ).rejects.toThrow(/append-only/);
      await expect(knex('itops_compliance_audit').delete()).rejects.toThrow(
        /append-only/,
      );

      // Planning again finds nothing more to do.
      expect(
        (
          await applyRetention({
            snapshots,
            waivers,
            auditor,
            policy,
            now: NOW,
          })
        ).disposed,
      ).toBe(0);
    },
  );

  it('has defaults an audit can live with', () => {
    expect(DEFAULT_RETENTION).toEqual({
      enabled: true,
      keepAllDays: 35,
      keepDailyDays: 400,
    });
    expect(
      readComplianceSettings(new ConfigReader({})).retention.keepMonthlyDays,
    ).toBeUndefined();
    expect(() =>
      readComplianceSettings(
        new ConfigReader({
          itops: { compliance: { retention: { keepDailyDays: 10 } } },
        }),
      ),
    ).toThrow(/keepAllDays ≤ keepDailyDays/);
  });
});
