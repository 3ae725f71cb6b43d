import { ConfigReader } from '@backstage/config';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import {
  backupJobTable,
  backupRunTable,
  incidentTable,
  onCallTable,
} from '../database/recordTables';
import { ComplianceEngine, type EntityFactsSource } from './ComplianceEngine';
import { readComplianceSettings } from './config';
import { toCsv } from './exports';
import { DAY_MS, type EvaluatedEntity, HOUR_MS } from './model';
import {
  SnapshotBaseGoneError,
  SnapshotStore,
  type StoredResult,
} from './SnapshotStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(120_000);

const NOW = Date.parse('2026-06-15T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const refOf = (name: string) => `component:default/${name}`;

function factOf(name: string, tier: number): EvaluatedEntity {
  return {
    entityRef: refOf(name),
    kind: 'component',
    ownerRef: 'group:default/team-a',
    ownerState: 'group',
    systemRef: 'system:default/shop',
    lifecycle: 'production',
    tier,
    annotations: {
      'itops.io/servicenow-service': name,
      'itops.io/veeam-job': `Job ${name}`,
      'itops.io/personal-data': 'true',
      'itops.io/rpo': 'PT24H',
      'itops.io/rto': 'PT4H',
    },
  };
}

/** A result as the views see it, without the snapshot it was read from. */
function content(results: readonly StoredResult[]) {
  return results.map(({ snapshotId: _s, takenAt: _t, ...rest }) => rest);
}

describe('incremental compliance snapshots', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const fixtures = await ItopsFixtures.create(knex);
    for (const name of [...NAMES, 'golf']) {
      await fixtures.entity(refOf(name), [
        { type: 'servicenow-service', value: name },
        { type: 'veeam-job', value: `Job ${name}` },
      ]);
    }
    let now = NOW;
    let facts = NAMES.map((name, i) => factOf(name, (i % 4) + 1));
    const source: EntityFactsSource = {
      all: async () => facts,
      one: async ref => facts.find(f => f.entityRef === ref),
    };
    const settings = readComplianceSettings(new ConfigReader({}));
    const snapshots = new SnapshotStore(knex);
    const waivers = new WaiverStore(knex, { maxWaiverDays: 365 });
    const engine = new ComplianceEngine({
      knex,
      settings,
      facts: source,
      snapshots,
      waivers,
      now: () => now,
    });
    // Each service: 6 incidents, a job with runs every 6 h, a restore
    // test, and a rota; bravo has a breach open since 30 h before NOW.
    for (const [i, name] of NAMES.entries()) {
      const keys = [{ type: 'servicenow-service' as const, value: name }];
      for (let n = 0; n < 6; n++) {
        const opened = NOW - (n + 1) * DAY_MS;
        await fixtures.record(incidentTable, {
          number: `INC-${name}-${n}`,
          title: 'Slow',
          state: 'resolved',
          priority: ((n % 4) + 1) as 1 | 2 | 3 | 4,
          openedAt: iso(opened),
          acknowledgedAt: iso(opened + 5 * 60_000),
          resolvedAt: iso(opened + HOUR_MS),
          assignmentGroup: 'Ops',
          keys,
        });
      }
      await fixtures.record(backupJobTable, {
        externalId: `job-${name}`,
        recordType: 'backup-job',
        name: `Job ${name}`,
        objects: [`${name}-vm`],
        enabled: true,
        keys: [{ type: 'veeam-job', value: `Job ${name}` }],
      });
      for (let n = 0; n < 8; n++) {
        const start = NOW - (n * 6 + 2 + i) * HOUR_MS;
        await fixtures.record(backupRunTable, {
          recordType: 'backup-run',
          jobName: `Job ${name}`,
          jobExternalId: `job-${name}`,
          kind: 'backup',
          result: 'success',
          startedAt: iso(start),
          endedAt: iso(start + 600_000),
        });
      }
      await fixtures.record(backupRunTable, {
        recordType: 'backup-run',
        jobName: `Job ${name}`,
        jobExternalId: `job-${name}`,
        kind: 'restore-test',
        result: 'success',
        startedAt: iso(NOW - (80 + i * 2) * DAY_MS),
        endedAt: iso(NOW - (80 + i * 2) * DAY_MS + HOUR_MS),
      });
      for (const level of [1, 2]) {
        await fixtures.record(onCallTable, {
          scheduleName: name,
          groupName: name,
          personName: `person-${level}`,
          start: iso(NOW - 40 * DAY_MS),
          // charlie's rota ends two days from NOW: coverage changes with time.
          end: iso(NOW + (name === 'charlie' ? 2 : 40) * DAY_MS),
          escalationLevel: level,
          keys,
        });
      }
    }
    await fixtures.record(incidentTable, {
      number: 'INC-BREACH',
      title: 'Data exposed',
      state: 'in_progress',
      priority: 2,
      openedAt: iso(NOW - 31 * HOUR_MS),
      acknowledgedAt: iso(NOW - 31 * HOUR_MS + 60_000),
      assignmentGroup: 'Security',
      security: true,
      personalDataBreach: true,
      breachAwareAt: iso(NOW - 30 * HOUR_MS),
      keys: [{ type: 'servicenow-service', value: 'bravo' }],
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
      setFacts: (list: EvaluatedEntity[]) => {
        facts = list;
      },
      facts: () => facts,
    };
  }

  /**
   * Everything the read API derives from a snapshot, with the snapshot's
   * own id taken out: its export, the current state, the trend point and
   * every entity's scorecard.
   */
  async function views(
    snapshots: SnapshotStore,
    snapshotId: string,
    refs: readonly string[],
  ) {
    const results = await snapshots.results(snapshotId);
    const current = await snapshots.currentResults();
    const trend = await snapshots.trend({ since: 0 });
    return {
      results: content(results),
      csv: toCsv(results, [])
        .split('\r\n')
        .map(line => line.split(',').slice(2).join(',')),
      lean: content(await snapshots.results(snapshotId, { lean: true })),
      filtered: content(
        await snapshots.results(snapshotId, { checkIds: ['BKP-02', 'OC-01'] }),
      ),
      current: content(current.results),
      trend: trend.find(p => p.snapshotId === snapshotId)?.counts,
      entities: await Promise.all(
        refs.map(async ref => content(await snapshots.entityResults(ref))),
      ),
    };
  }

  it.each(databases.eachSupportedId())(
    'stores only what changed, and reads back what a full run stores, %p',
    async databaseId => {
      const { fixtures, engine, snapshots, waivers, setNow, setFacts, facts } =
        await setUp(databaseId);
      const first = await engine.evaluateAll('scheduled');
      expect(first.baseSnapshotId).toBeUndefined();
      expect(first.storedResults).toBe(first.snapshot.resultCount);

      // A sync adds an incident to bravo and a failed run to delta's job;
      // charlie changes owner; echo leaves the selection; golf joins; a
      // waiver is approved for alpha.
      const later = NOW + 3 * HOUR_MS;
      await fixtures.record(incidentTable, {
        number: 'INC-NEW',
        title: 'Unassigned',
        state: 'new',
        priority: 2,
        openedAt: iso(later - HOUR_MS),
        keys: [{ type: 'servicenow-service', value: 'bravo' }],
      });
      await fixtures.record(backupRunTable, {
        recordType: 'backup-run',
        jobName: 'Job delta',
        jobExternalId: 'job-delta',
        kind: 'backup',
        result: 'failed',
        startedAt: iso(later - HOUR_MS),
        endedAt: iso(later - HOUR_MS + 60_000),
      });
      setFacts([
        ...facts()
          .filter(f => f.entityRef !== refOf('echo'))
          .map(f =>
            f.entityRef === refOf('charlie')
              ? { ...f, ownerRef: 'group:default/team-b' }
              : f,
          ),
        factOf('golf', 2),
      ]);
      // A waiver covers a judged finding, never missing evidence.
      const failing = (await snapshots.entityResults(refOf('alpha'))).find(
        r => r.status === 'fail' || r.status === 'warn',
      )!;
      const waiver = await waivers.request(
        {
          checkId: failing.checkId,
          entityRef: refOf('alpha'),
          justification: 'Accepted by the risk board until the migration',
          expiresAt: NOW + 30 * DAY_MS,
        },
        'user:default/requester',
        NOW,
      );
      await waivers.decide(
        waiver.id,
        'approved',
        'user:default/approver',
        undefined,
        NOW,
      );

      setNow(later);
      const incremental = await engine.evaluateAll('scheduled');
      expect(incremental.baseSnapshotId).toBe(first.snapshot.id);
      expect(incremental.storedResults).toBeGreaterThan(0);
      expect(incremental.storedResults).toBeLessThan(
        incremental.snapshot.resultCount / 2,
      );
      const refs = [...NAMES, 'golf'].map(refOf);
      const resolved = await views(snapshots, incremental.snapshot.id, refs);

      const full = await engine.evaluateAll('manual', 'full');
      expect(full.baseSnapshotId).toBeUndefined();
      expect(incremental.snapshot.contentHash).toBe(full.snapshot.contentHash);
      expect(incremental.snapshot.resultCount).toBe(full.snapshot.resultCount);
      expect(resolved).toEqual(await views(snapshots, full.snapshot.id, refs));
      // The changes are there: echo is gone, golf and the waiver are in.
      expect(resolved.results.some(r => r.entityRef === refOf('echo'))).toBe(
        false,
      );
      expect(resolved.results.some(r => r.entityRef === refOf('golf'))).toBe(
        true,
      );
      expect(
        resolved.results.find(
          r => r.entityRef === refOf('alpha') && r.checkId === failing.checkId,
        )?.status,
      ).toBe('exempt');
      // echo's last results stay readable, from the first snapshot.
      expect(
        (await snapshots.entityResults(refOf('echo'))).map(r => r.snapshotId),
      ).toContain(first.snapshot.id);
    },
  );

  it.each(databases.eachSupportedId())(
    'recomputes time-dependent results without any record change, %p',
    async databaseId => {
      const { engine, snapshots, setNow } = await setUp(databaseId);
      const first = await engine.evaluateAll('scheduled');
      const statusOf = async (
        snapshotId: string,
        name: string,
        check: string,
      ) =>
        (await snapshots.results(snapshotId, { entityRef: refOf(name) })).find(
          r => r.checkId === check,
        )?.status;
      expect(await statusOf(first.snapshot.id, 'alpha', 'BKP-02')).toBe('pass');
      expect(await statusOf(first.snapshot.id, 'bravo', 'NTF-01')).toBe('pass');

      // Two days on: backups are 2 × RPO old, the breach is past 72 h,
      // charlie's rota has run out, the restore tests have aged.
      const later = NOW + 2 * DAY_MS;
      setNow(later);
      const incremental = await engine.evaluateAll('scheduled');
      expect(incremental.baseSnapshotId).toBe(first.snapshot.id);
      const id = incremental.snapshot.id;
      expect(await statusOf(id, 'alpha', 'BKP-02')).not.toBe('pass');
      expect(await statusOf(id, 'bravo', 'NTF-01')).toBe('fail');
      expect(await statusOf(id, 'charlie', 'OC-01')).toBe('fail');
      const resolved = content(await snapshots.results(id));

      const full = await engine.evaluateAll('manual', 'full');
      expect(resolved).toEqual(
        content(await snapshots.results(full.snapshot.id)),
      );
      expect(incremental.snapshot.contentHash).toBe(full.snapshot.contentHash);

      // The next incremental run is stored against the newest full one.
      setNow(later + HOUR_MS);
      const next = await engine.evaluateAll('scheduled');
      expect(next.baseSnapshotId).toBe(full.snapshot.id);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores a full snapshot when the base is too old or the checks changed, %p',
    async databaseId => {
      const { knex, engine, snapshots, setNow } = await setUp(databaseId);
      const first = await engine.evaluateAll('scheduled');
      setNow(NOW + 7 * DAY_MS);
      const weekLater = await engine.evaluateAll('scheduled');
      expect(weekLater.baseSnapshotId).toBeUndefined();

      // Other thresholds: results of the old catalogue cannot be carried.
      const stricter = new ComplianceEngine({
        knex,
        settings: readComplianceSettings(
          new ConfigReader({
            itops: {
              compliance: { thresholds: { 'INC-01': { pass: 0.99 } } },
            },
          }),
        ),
        facts: {
          all: async () => NAMES.map(name => factOf(name, 1)),
          one: async () => undefined,
        },
        snapshots,
        waivers: new WaiverStore(knex, { maxWaiverDays: 365 }),
        now: () => NOW + 7 * DAY_MS + HOUR_MS,
      });
      expect((await stricter.evaluateAll()).baseSnapshotId).toBeUndefined();
      expect(first.snapshot.id).not.toBe(weekLater.snapshot.id);

      // A base disposed of meanwhile: the store refuses, the run is stored in full.
      await expect(
        snapshots.write({
          takenAt: NOW,
          trigger: 'scheduled',
          scope: 'all',
          catalogue: {},
          entityCount: 0,
          durationMs: 0,
          results: [],
          incremental: { baseId: 'gone', changed: [], removed: [] },
        }),
      ).rejects.toBeInstanceOf(SnapshotBaseGoneError);
      setNow(NOW + 7 * DAY_MS + 2 * HOUR_MS);
      const base = await engine.evaluateAll('manual');
      expect(base.baseSnapshotId).toBeUndefined();
      setNow(NOW + 7 * DAY_MS + 3 * HOUR_MS);
      const write = jest.spyOn(snapshots, 'write');
      write.mockRejectedValueOnce(new SnapshotBaseGoneError('gone'));
      const retried = await engine.evaluateAll('scheduled');
      expect(write).toHaveBeenCalledTimes(2);
      expect(write.mock.calls[0][0].incremental?.baseId).toBe(base.snapshot.id);
      expect(retried.baseSnapshotId).toBeUndefined();
      expect(retried.storedResults).toBe(retried.snapshot.resultCount);
      write.mockRestore();
    },
  );
});
