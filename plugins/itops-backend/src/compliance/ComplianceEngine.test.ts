import { COMPLIANCE_CHECKS } from '@backstage-itops/plugin-itops-common';
import { ConfigReader } from '@backstage/config';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import {
  backupJobTable,
  backupRunTable,
  changeTable,
  freezeWindowTable,
  incidentTable,
  onCallTable,
} from '../database/recordTables';
import { ComplianceEngine, type EntityFactsSource } from './ComplianceEngine';
import { readComplianceSettings } from './config';
import { DAY_MS, type EvaluatedEntity, HOUR_MS } from './model';
import { SnapshotStore } from './SnapshotStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(60_000);

const NOW = Date.parse('2026-06-15T12:00:00Z');
const PAYMENTS = 'component:default/payments';
const LEDGER = 'component:default/ledger';
const iso = (ms: number) => new Date(ms).toISOString();

function facts(list: EvaluatedEntity[]): EntityFactsSource {
  return {
    all: async () => list,
    one: async ref => list.find(f => f.entityRef === ref),
  };
}

const payments: EvaluatedEntity = {
  entityRef: PAYMENTS,
  kind: 'component',
  ownerRef: 'group:default/payments-team',
  ownerState: 'group',
  systemRef: 'system:default/checkout',
  lifecycle: 'production',
  tier: 1,
  annotations: {
    'itops.io/servicenow-service': 'Payments',
    'itops.io/veeam-job': 'Payments DB',
    'itops.io/personal-data': 'true',
    'itops.io/rto': 'PT4H',
  },
};

const ledger: EvaluatedEntity = {
  entityRef: LEDGER,
  kind: 'component',
  ownerState: 'none',
  lifecycle: 'production',
  annotations: {},
};

describe('ComplianceEngine', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const fixtures = await ItopsFixtures.create(knex);
    await fixtures.entity(PAYMENTS, [
      { type: 'servicenow-service', value: 'Payments' },
      { type: 'veeam-job', value: 'Payments DB' },
    ]);
    await fixtures.entity(LEDGER, []);
    let now = NOW;
    const settings = readComplianceSettings(new ConfigReader({}));
    const snapshots = new SnapshotStore(knex);
    const waivers = new WaiverStore(knex, { maxWaiverDays: 365 });
    const engine = new ComplianceEngine({
      knex,
      settings,
      facts: facts([payments, ledger]),
      snapshots,
      waivers,
      now: () => now,
    });
    return {
      knex,
      fixtures,
      engine,
      snapshots,
      waivers,
      setNow: (ms: number) => {
        now = ms;
      },
    };
  }

  async function seedRecords(fixtures: ItopsFixtures) {
    const keys = [{ type: 'servicenow-service' as const, value: 'Payments' }];
    // Incidents: one P1 acknowledged late, one open breach 50 h after awareness.
    for (let i = 0; i < 6; i++) {
      const opened = NOW - (i + 1) * DAY_MS;
      await fixtures.record(incidentTable, {
        number: `INC00${i}`,
        title: 'Slow checkout',
        state: 'resolved',
        priority: 1,
        openedAt: iso(opened),
        acknowledgedAt: iso(opened + (i === 0 ? 20 : 5) * 60_000),
        resolvedAt: iso(opened + HOUR_MS),
        assignmentGroup: 'Payments',
        url: `https://sn.example/inc${i}`,
        keys,
      });
    }
    await fixtures.record(incidentTable, {
      number: 'INC-BREACH',
      title: 'Customer data exposed',
      state: 'in_progress',
      priority: 2,
      openedAt: iso(NOW - 51 * HOUR_MS),
      acknowledgedAt: iso(NOW - 51 * HOUR_MS + 60_000),
      assignmentGroup: 'Security',
      security: true,
      personalDataBreach: true,
      breachAwareAt: iso(NOW - 50 * HOUR_MS),
      keys,
    });
    // Changes: five approved in time, one started during a global freeze.
    for (let i = 0; i < 6; i++) {
      const start = NOW - (i + 2) * DAY_MS;
      await fixtures.record(changeTable, {
        number: `CHG00${i}`,
        title: 'Deploy',
        type: 'normal',
        state: 'closed',
        plannedStart: iso(start),
        plannedEnd: iso(start + 2 * HOUR_MS),
        actualStart: iso(start),
        actualEnd: iso(start + HOUR_MS),
        approval: 'approved',
        approvedAt: iso(start - DAY_MS),
        outcome: 'successful',
        keys,
      });
    }
    await fixtures.record(freezeWindowTable, {
      name: 'Summer sale',
      start: iso(NOW - 3 * DAY_MS - HOUR_MS),
      end: iso(NOW - 3 * DAY_MS + HOUR_MS),
    });
    // Backups: hourly successes, a restore test 30 days ago taking 2 h.
    await fixtures.record(backupJobTable, {
      externalId: 'job-pay-db',
      recordType: 'backup-job',
      name: 'Payments DB',
      objects: ['pay-db-01'],
      enabled: true,
      keys: [{ type: 'veeam-job', value: 'Payments DB' }],
    });
    for (let i = 0; i < 6; i++) {
      // Runs link to their job by its id, or by name when they carry none.
      await fixtures.record(backupRunTable, {
        recordType: 'backup-run',
        jobName: 'Payments DB',
        jobExternalId: i % 2 === 0 ? 'job-pay-db' : undefined,
        kind: 'backup',
        result: 'success',
        startedAt: iso(NOW - (i + 1) * HOUR_MS),
        endedAt: iso(NOW - (i + 1) * HOUR_MS + 600_000),
      });
    }
    await fixtures.record(backupRunTable, {
      recordType: 'backup-run',
      jobName: 'Payments DB',
      kind: 'restore-test',
      result: 'success',
      startedAt: iso(NOW - 30 * DAY_MS),
      endedAt: iso(NOW - 30 * DAY_MS + 2 * HOUR_MS),
    });
    // On-call: level 1 covers everything, level 2 by someone else.
    for (const [level, person] of [
      [1, 'Ada'],
      [2, 'Bo'],
    ] as const) {
      await fixtures.record(onCallTable, {
        scheduleName: 'Payments',
        groupName: 'Payments',
        personName: person,
        start: iso(NOW - 40 * DAY_MS),
        end: iso(NOW + 20 * DAY_MS),
        escalationLevel: level,
        keys,
      });
    }
  }

  it.each(databases.eachSupportedId())(
    'judges each backup job of an entity on its own: a stale job is not hidden by a fresh one, %p',
    async databaseId => {
      const { fixtures, engine, snapshots } = await setUp(databaseId);
      await seedRecords(fixtures);
      // A second job of the same service, whose newest success is 10 days old.
      await fixtures.record(backupJobTable, {
        externalId: 'job-pay-files',
        recordType: 'backup-job',
        name: 'Payments files',
        objects: ['pay-files-01'],
        enabled: true,
        keys: [{ type: 'veeam-job', value: 'Payments DB' }],
      });
      for (let i = 0; i < 6; i++) {
        await fixtures.record(backupRunTable, {
          recordType: 'backup-run',
          jobName: 'Payments files',
          jobExternalId: 'job-pay-files',
          kind: 'backup',
          result: i === 0 ? 'success' : 'failed',
          startedAt: iso(NOW - (10 - i) * DAY_MS),
          endedAt: iso(NOW - (10 - i) * DAY_MS + 600_000),
        });
      }
      await engine.evaluateAll('manual');
      const results = new Map(
        (await snapshots.entityResults(PAYMENTS)).map(r => [r.checkId, r]),
      );
      expect(results.get('BKP-02')).toMatchObject({
        status: 'fail',
        numerator: 1,
        denominator: 2,
      });
      expect(results.get('BKP-02')?.evidence.map(e => e.id)).toEqual([
        'Payments files',
        'Payments DB',
      ]);
      // 1 of 6 runs of the second job: the worst job decides the rate.
      expect(results.get('BKP-03')).toMatchObject({ status: 'fail' });
      expect(results.get('BKP-03')?.value).toBeCloseTo(1 / 6);
    },
  );

  it.each(databases.eachSupportedId())(
    'evaluates every check from the store into a snapshot, %p',
    async databaseId => {
      const { fixtures, engine, snapshots } = await setUp(databaseId);
      await seedRecords(fixtures);

      const { snapshot } = await engine.evaluateAll('manual');
      expect(snapshot).toMatchObject({
        scope: 'all',
        entityCount: 2,
        trigger: 'manual',
      });
      expect(snapshot.resultCount).toBe(2 * COMPLIANCE_CHECKS.length);

      const results = new Map(
        (await snapshots.entityResults(PAYMENTS)).map(r => [r.checkId, r]),
      );
      const status = (id: string) => results.get(id)?.status;
      expect(status('INV-01')).toBe('pass');
      expect(status('INV-02')).toBe('pass');
      expect(status('INV-03')).toBe('warn');
      expect(status('PRIV-02')).toBe('fail');
      expect(status('BKP-01')).toBe('pass');
      expect(status('BKP-02')).toBe('pass');
      expect(results.get('BKP-03')).toMatchObject({
        status: 'pass',
        numerator: 6,
        denominator: 6,
      });
      expect(status('BKP-04')).toBe('pass');
      expect(status('BKP-05')).toBe('pass');
      expect(results.get('CHG-01')).toMatchObject({
        status: 'pass',
        numerator: 6,
        denominator: 6,
      });
      expect(status('CHG-04')).toBe('fail');
      expect(results.get('CHG-04')?.evidence[0]).toMatchObject({
        id: 'CHG001',
        note: "started during freeze 'Summer sale'",
      });
      expect(status('CHG-07')).toBe('pass');
      // The breach's P2 incident was acknowledged in time too.
      expect(results.get('INC-02')).toMatchObject({
        status: 'fail',
        numerator: 6,
        denominator: 7,
      });
      expect(results.get('INC-02')?.evidence[0]).toMatchObject({
        type: 'incident',
        id: 'INC000',
        url: 'https://sn.example/inc0',
      });
      expect(status('NTF-01')).toBe('warn');
      expect(results.get('NTF-01')?.evidence[0].deadline).toBe(
        iso(NOW + 22 * HOUR_MS),
      );
      expect(status('OC-01')).toBe('pass');
      expect(status('OC-02')).toBe('pass');

      const ledgerResults = new Map(
        (await snapshots.entityResults(LEDGER)).map(r => [r.checkId, r.status]),
      );
      expect(ledgerResults.get('INV-01')).toBe('fail');
      expect(ledgerResults.get('INV-02')).toBe('fail');
      expect(ledgerResults.get('BKP-02')).toBe('not_applicable');
      expect(ledgerResults.get('CHG-01')).toBe('no_data');
      // A global freeze applies to every entity, but the ledger made no change.
      expect(ledgerResults.get('CHG-04')).toBe('pass');
      expect(ledgerResults.get('OC-01')).toBe('no_data');
      expect(ledgerResults.get('NTF-01')).toBe('not_applicable');
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps snapshots immutable and shows the state at a past date, %p',
    async databaseId => {
      const { knex, fixtures, engine, snapshots, setNow } = await setUp(
        databaseId,
      );
      await seedRecords(fixtures);
      const first = (await engine.evaluateAll()).snapshot;

      await expect(
        knex('itops_compliance_results')
          .where('snapshot_id', first.id)
          .update({ status: 'pass' }),
      ).rejects.toThrow(/append-only/);
      await expect(
        knex('itops_compliance_snapshots').where('id', first.id).delete(),
      ).rejects.toThrow(/append-only/);

      // The breach is notified late the next day: the new run fails NTF-01,
      // the first snapshot still says warn.
      await knex('itops_incidents')
        .where('number', 'INC-BREACH')
        .update({ authority_notified_at: NOW + 23 * HOUR_MS });
      setNow(NOW + DAY_MS);
      const second = (await engine.evaluateAll()).snapshot;

      const ntf = async (at?: number) =>
        (await snapshots.entityResults(PAYMENTS, at)).find(
          r => r.checkId === 'NTF-01',
        );
      expect((await ntf())?.status).toBe('fail');
      expect((await ntf(NOW + HOUR_MS))?.status).toBe('warn');
      expect(await ntf(NOW - HOUR_MS)).toBeUndefined();

      const { snapshot: current } = await snapshots.currentResults();
      expect(current?.id).toBe(second.id);
      expect((await snapshots.currentResults(NOW + 1)).snapshot?.id).toBe(
        first.id,
      );
      expect(first.contentHash).not.toBe(second.contentHash);

      const trend = await snapshots.trend({ since: NOW - DAY_MS });
      expect(trend.map(p => p.snapshotId)).toEqual([first.id, second.id]);
      expect(Object.values(trend[0].counts).reduce((a, b) => a + b, 0)).toBe(
        2 * COMPLIANCE_CHECKS.length,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'applies approved waivers as exempt until they expire, with an audit trail, %p',
    async databaseId => {
      const { fixtures, engine, snapshots, waivers, setNow } = await setUp(
        databaseId,
      );
      await seedRecords(fixtures);

      const waiver = await waivers.request(
        {
          checkId: 'CHG-04',
          entityRef: PAYMENTS,
          justification: 'Hotfix agreed with the sale owner',
          expiresAt: NOW + 10 * DAY_MS,
        },
        'user:default/alice',
        NOW,
      );
      await expect(
        waivers.decide(
          waiver.id,
          'approved',
          'user:default/alice',
          undefined,
          NOW,
        ),
      ).rejects.toThrow(/another person must decide/);
      // Pending waivers change nothing.
      await engine.evaluateAll();
      expect(
        (await snapshots.entityResults(PAYMENTS)).find(
          r => r.checkId === 'CHG-04',
        )?.status,
      ).toBe('fail');

      const approved = await waivers.decide(
        waiver.id,
        'approved',
        'user:default/bob',
        'ok',
        NOW,
      );
      expect(approved).toMatchObject({
        status: 'approved',
        decidedBy: 'user:default/bob',
      });
      await expect(
        waivers.decide(
          waiver.id,
          'approved',
          'user:default/carol',
          undefined,
          NOW,
        ),
      ).rejects.toThrow(/approved, not pending/);

      await engine.evaluateEntity(PAYMENTS);
      const exempt = (await snapshots.entityResults(PAYMENTS)).find(
        r => r.checkId === 'CHG-04',
      );
      expect(exempt).toMatchObject({
        status: 'exempt',
        underlyingStatus: 'fail',
        waiverId: waiver.id,
      });
      // The organisation view takes the entity's newer run.
      const current = await snapshots.currentResults();
      expect(
        current.results.find(
          r => r.entityRef === PAYMENTS && r.checkId === 'CHG-04',
        )?.status,
      ).toBe('exempt');

      setNow(NOW + 10 * DAY_MS);
      expect((await waivers.get(waiver.id, NOW + 10 * DAY_MS)).status).toBe(
        'expired',
      );
      expect((await waivers.active(NOW + 10 * DAY_MS)).size).toBe(0);
      await engine.evaluateEntity(PAYMENTS);
      expect(
        (await snapshots.entityResults(PAYMENTS)).find(
          r => r.checkId === 'CHG-04',
        )?.status,
      ).not.toBe('exempt');

      const trail = await waivers.auditTrail({
        objectId: waiver.id,
        limit: 10,
        offset: 0,
      });
      expect(trail.map(e => [e.action, e.actor])).toEqual([
        ['waiver.approve', 'user:default/bob'],
        ['waiver.request', 'user:default/alice'],
      ]);
      expect(trail[0].before).toMatchObject({ status: 'pending' });
      expect(trail[0].after).toMatchObject({ status: 'approved' });
    },
  );

  it.each(databases.eachSupportedId())(
    'never exempts a legal duty, missing evidence or broken data, even under an approved waiver, %p',
    async databaseId => {
      const { fixtures, engine, snapshots, waivers } = await setUp(databaseId);
      await seedRecords(fixtures);
      // Waivers stored directly, as an older version (or a hand insert)
      // could have: the engine must still refuse to apply them.
      for (const [ref, checkId] of [
        [PAYMENTS, 'NTF-01'],
        [LEDGER, 'CHG-01'],
      ]) {
        const waiver = await waivers.request(
          {
            checkId,
            entityRef: ref,
            justification: 'Accepted by the risk board for now',
            expiresAt: NOW + 30 * DAY_MS,
          },
          'user:default/alice',
          NOW,
        );
        await waivers.decide(
          waiver.id,
          'approved',
          'user:default/bob',
          undefined,
          NOW,
        );
      }
      await engine.evaluateAll('manual');
      const status = async (ref: string, checkId: string) =>
        (await snapshots.entityResults(ref)).find(r => r.checkId === checkId)
          ?.status;
      expect(await status(PAYMENTS, 'NTF-01')).toBe('warn');
      expect(await status(LEDGER, 'CHG-01')).toBe('no_data');
    },
  );

  it.each(databases.eachSupportedId())(
    "judges on-call from the owning team's rota when the service has none, %p",
    async databaseId => {
      const { knex, fixtures, snapshots } = await setUp(databaseId);
      await fixtures.entity('group:default/Ledger-Team', [
        { type: 'jsm-team', value: 'Ledger' },
      ]);
      await fixtures.record(onCallTable, {
        scheduleName: 'Ledger',
        groupName: 'Ledger',
        personName: 'Cy',
        start: iso(NOW - 40 * DAY_MS),
        end: iso(NOW + 20 * DAY_MS),
        escalationLevel: 1,
        keys: [{ type: 'jsm-team', value: 'Ledger' }],
      });
      const engine = new ComplianceEngine({
        knex,
        settings: readComplianceSettings(new ConfigReader({})),
        facts: facts([
          {
            ...ledger,
            ownerRef: 'group:default/ledger-team',
            ownerState: 'group',
          },
        ]),
        snapshots,
        waivers: new WaiverStore(knex, { maxWaiverDays: 365 }),
        now: () => NOW,
      });
      await engine.evaluateAll();
      const results = new Map(
        (await snapshots.entityResults(LEDGER)).map(r => [r.checkId, r]),
      );
      expect(results.get('OC-01')).toMatchObject({
        status: 'pass',
        reason: expect.stringContaining(
          'rota of the owning team group:default/ledger-team',
        ),
      });
      expect(results.get('OC-02')?.status).toBe('fail');
    },
  );

  it.each(databases.eachSupportedId())(
    'validates waiver requests, %p',
    async databaseId => {
      const { waivers } = await setUp(databaseId);
      const base = {
        checkId: 'BKP-04',
        entityRef: PAYMENTS,
        justification: 'Restore lab is being rebuilt',
        expiresAt: NOW + 30 * DAY_MS,
      };
      await expect(
        waivers.request(
          { ...base, justification: 'because' },
          'user:default/a',
          NOW,
        ),
      ).rejects.toThrow(/at least 10 characters/);
      await expect(
        waivers.request({ ...base, expiresAt: NOW }, 'user:default/a', NOW),
      ).rejects.toThrow(/must be in the future/);
      await expect(
        waivers.request(
          { ...base, expiresAt: NOW + 366 * DAY_MS },
          'user:default/a',
          NOW,
        ),
      ).rejects.toThrow(/at most 365 days/);
      const first = await waivers.request(base, 'user:default/a', NOW);
      await expect(
        waivers.request(base, 'user:default/b', NOW),
      ).rejects.toThrow(/already pending or in force/);
      await expect(
        waivers.revoke(first.id, 'user:default/a', '', NOW),
      ).rejects.toThrow(/needs a 'reason'/);
      expect(
        await waivers.revoke(
          first.id,
          'user:default/a',
          'No longer needed',
          NOW,
        ),
      ).toMatchObject({ status: 'revoked' });
    },
  );
});
