import {
  mockCredentials,
  mockServices,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import { changeTable } from '../database/recordTables';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ComplianceEngine } from './ComplianceEngine';
import { readComplianceSettings } from './config';
import { DAY_MS, type EvaluatedEntity, HOUR_MS } from './model';
import { createComplianceRouter } from './router';
import { SnapshotStore } from './SnapshotStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(60_000);

const NOW = Date.parse('2026-06-15T12:00:00Z');
const REF = 'component:default/payments';
const iso = (ms: number) => new Date(ms).toISOString();

const payments: EvaluatedEntity = {
  entityRef: REF,
  kind: 'component',
  ownerRef: 'group:default/payments-team',
  ownerState: 'group',
  lifecycle: 'production',
  tier: 2,
  annotations: { 'itops.io/servicenow-service': 'Payments' },
};

/** The organisation's config when the first snapshot was taken. */
const THEN = {
  itops: {
    compliance: {
      thresholds: { 'CHG-01': { pass: 0.99, warn: 0.97 } },
      frameworks: [
        {
          id: 'soc2',
          name: 'SOC 2 (own words)',
          controls: [{ id: 'CC8.1', label: 'Change management' }],
          mappings: { 'CHG-01': ['CC8.1'] },
        },
      ],
    },
  },
};

describe('compliance snapshots an auditor can rely on', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const fixtures = await ItopsFixtures.create(knex);
    const keys = [{ type: 'servicenow-service' as const, value: 'Payments' }];
    await fixtures.entity(REF, keys);
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
    const snapshots = new SnapshotStore(knex);
    const waivers = new WaiverStore(knex, { maxWaiverDays: 365 });
    let now = NOW;
    const engineWith = (config: object) =>
      new ComplianceEngine({
        knex,
        settings: readComplianceSettings(new ConfigReader(config)),
        facts: { all: async () => [payments], one: async () => payments },
        snapshots,
        waivers,
        now: () => now,
      });
    const routerWith = async (config: object) => {
      const settings = readComplianceSettings(new ConfigReader(config));
      const app = express().use(
        await createComplianceRouter({
          engine: engineWith(config),
          snapshots,
          waivers,
          settings,
          httpAuth: mockServices.httpAuth({
            defaultCredentials: mockCredentials.user(),
          }),
          permissions: mockServices.permissions({
            result: AuthorizeResult.ALLOW,
          }),
          auditor: (() => {
            const auditor = mockServices.auditor.mock();
            auditor.createEvent.mockImplementation(async () => ({
              success: async () => {},
              fail: async () => {},
            }));
            return auditor;
          })(),
          now: () => now,
        }),
      );
      return (path: string) => request(app).get(path);
    };
    return {
      knex,
      snapshots,
      engineWith,
      routerWith,
      setNow: (ms: number) => {
        now = ms;
      },
    };
  }

  it.each(databases.eachSupportedId())(
    'exports and prints an old snapshot with the thresholds, versions and mappings in force then, %p',
    async databaseId => {
      const { engineWith, routerWith, setNow } = await setUp(databaseId);
      const { snapshot: old } = await engineWith(THEN).evaluateAll('manual');
      // Today the organisation has other thresholds and no SOC 2 import.
      setNow(NOW + DAY_MS);
      await engineWith({}).evaluateAll('manual');
      const get = await routerWith({});

      const json = await get(`/compliance/snapshots/${old.id}/export`);
      expect(json.status).toBe(200);
      const chg01 = json.body.checks.find((c: any) => c.id === 'CHG-01');
      expect(chg01.thresholds).toMatchObject({ pass: 0.99, warn: 0.97 });
      expect(chg01.mappings).toContainEqual({
        framework: 'soc2',
        control: 'CC8.1',
      });
      expect(json.body.integrity).toEqual({
        contentHashMatches: true,
        chainHashMatches: true,
        attestationsHashMatches: true,
      });
      const csv = await get(
        `/compliance/snapshots/${old.id}/export?format=csv`,
      );
      const row = csv.text.split('\r\n').find(l => l.includes(',CHG-01,'))!;
      expect(row).toContain('soc2:CC8.1');

      // Today's snapshot exports today's thresholds.
      const [latest] = (await get('/compliance/snapshots')).body.items;
      const today = await get(`/compliance/snapshots/${latest.id}/export`);
      expect(
        today.body.checks.find((c: any) => c.id === 'CHG-01').thresholds.pass,
      ).toBe(0.98);

      // The print view of the old date reads the old catalogue too: its
      // A.8.32 row lists the checks mapped then.
      const report = await get(
        `/compliance/report?framework=iso27001-2022&at=${encodeURIComponent(
          iso(NOW + 60_000),
        )}`,
      );
      expect(report.status).toBe(200);
      expect(report.text).toContain(old.id);
      expect(report.text).toContain(
        'Thresholds, check versions and control mappings are those recorded with the snapshot',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'gives the overview, the print view and the export the same figures for one snapshot, %p',
    async databaseId => {
      const { engineWith, routerWith } = await setUp(databaseId);
      const { snapshot } = await engineWith({}).evaluateAll('manual');
      const get = await routerWith({});
      const at = encodeURIComponent(snapshot.takenAt);
      const overview = (await get(`/compliance/overview?at=${at}`)).body;
      const exported = (
        await get(`/compliance/snapshots/${snapshot.id}/export`)
      ).body;
      for (const framework of overview.frameworks) {
        const summary = exported.summaries.find(
          (s: any) => s.id === framework.id,
        );
        expect(summary.score).toBe(framework.score);
        expect(summary.counts).toEqual(framework.counts);
        expect(summary.controls.map((c: any) => [c.id, c.status])).toEqual(
          framework.controls.map((c: any) => [c.id, c.status]),
        );
        const report = await get(
          `/compliance/report?framework=${framework.id}&at=${at}`,
        );
        const pct = `${Math.round(framework.score * 100)} %`;
        expect(report.text).toContain(`<strong>Score ${pct}</strong>`);
        for (const control of framework.controls.filter(
          (c: any) => c.status !== 'manual',
        )) {
          expect(report.text).toMatch(
            new RegExp(
              `<tr class="s-${control.status}">\\s*<td>${control.id.replace(
                /[.()]/g,
                (m: string) => `\\${m}`,
              )}</td>`,
            ),
          );
        }
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses TRUNCATE of the tables that keep evidence, %p',
    async databaseId => {
      const { knex, engineWith } = await setUp(databaseId);
      await engineWith({}).evaluateAll('manual');
      await knex('itops_compliance_audit').insert({
        at: NOW,
        actor: 'user:default/a',
        action: 'evaluation.run',
        object_type: 'snapshot',
        object_id: 'x',
      });
      const tables = [
        'itops_compliance_snapshots',
        'itops_compliance_results',
        'itops_compliance_removals',
        'itops_compliance_disposals',
        'itops_compliance_audit',
      ];
      // SQLite has no TRUNCATE: a DELETE of everything is its equivalent.
      const wipe =
        knex.client.dialect === 'postgresql'
          ? (table: string) => knex.raw(`truncate ${table} cascade`)
          : (table: string) => knex(table).delete();
      const count = async () =>
        Promise.all(
          tables.map(async t => Number((await knex(t).count({ n: '*' }))[0].n)),
        );
      const before = await count();
      const outcomes = await Promise.all(
        tables.map(table =>
          wipe(table).then(
            () => `${table} wiped`,
            (e: Error) => e.message,
          ),
        ),
      );
      // Row triggers of SQLite have nothing to refuse on an empty table;
      // PostgreSQL's statement triggers refuse the TRUNCATE regardless.
      const postgres = knex.client.dialect === 'postgresql';
      const refused = (table: string) =>
        expect.stringContaining(`${table} is append-only`);
      const expected = tables.map((table, i) =>
        postgres || before[i] > 0 ? refused(table) : `${table} wiped`,
      );
      expect(outcomes).toEqual(expected);
      expect(await count()).toEqual(before);
      expect(before.filter(n => n > 0)).toHaveLength(3);
    },
  );

  async function dropGuards(knex: Knex, table: string) {
    for (const name of [
      `${table}_no_update`,
      `${table}_disposal_only`,
      `${table}_append_only`,
      // the retention guard (migrations/lib/appendOnlyGuard.js)
      `${table}_guard`,
      `${table}_guard_update`,
      `${table}_guard_delete`,
    ]) {
      await knex.raw(
        knex.client.dialect === 'postgresql'
          ? `drop trigger if exists ${name} on ${table}`
          : `drop trigger if exists ${name}`,
      );
    }
  }

  it.each(databases.eachSupportedId())(
    'verifies the hash chain, and fails verification when a row is tampered with, %p',
    async databaseId => {
      const { knex, engineWith, routerWith, setNow } = await setUp(databaseId);
      const engine = engineWith({});
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        setNow(NOW + i * HOUR_MS);
        ids.push((await engine.evaluateAll('manual')).snapshot.id);
      }
      const get = await routerWith({});
      const intact = await get('/compliance/snapshots/verify');
      expect(intact.status).toBe(200);
      expect(intact.body).toEqual({
        ok: true,
        checked: 3,
        unchained: 0,
        broken: [],
      });
      const listed = (await get('/compliance/snapshots')).body.items;
      // Newest first: each links to the one before it.
      expect(listed[0].prevHash).toBe(listed[1].chainHash);
      expect(listed[1].prevHash).toBe(listed[2].chainHash);

      // Someone with database access rewrites a result of the middle run.
      await dropGuards(knex, 'itops_compliance_results');
      await knex('itops_compliance_results')
        .where({ snapshot_id: ids[1], check_id: 'CHG-01' })
        .update({ status: 'pass', reason: 'All changes approved.' });
      const tampered = (await get('/compliance/snapshots/verify')).body;
      expect(tampered.ok).toBe(false);
      expect(tampered.broken).toEqual([
        {
          snapshotId: ids[1],
          problem: expect.stringContaining('not the recorded content hash'),
        },
      ]);
      const exported = await get(`/compliance/snapshots/${ids[1]}/export`);
      expect(exported.body.integrity.contentHashMatches).toBe(false);

      // Removing a snapshot outside the retention ledger breaks the link.
      await dropGuards(knex, 'itops_compliance_snapshots');
      await knex('itops_compliance_results')
        .where('snapshot_id', ids[0])
        .delete();
      await knex('itops_compliance_snapshots').where('id', ids[0]).delete();
      await knex('itops_compliance_snapshots')
        .where('id', ids[2])
        .update({ content_hash: 'f'.repeat(64) });
      const broken = (await get('/compliance/snapshots/verify')).body;
      expect(broken.broken.map((b: any) => b.snapshotId)).toEqual(
        expect.arrayContaining([ids[1], ids[2]]),
      );
      expect(
        broken.broken.find(
          (b: any) =>
            b.snapshotId === ids[1] && /previous hash/.test(b.problem),
        ),
      ).toBeDefined();
      expect(
        broken.broken.find(
          (b: any) => b.snapshotId === ids[2] && /chain hash/.test(b.problem),
        ),
      ).toBeDefined();
    },
  );
});
