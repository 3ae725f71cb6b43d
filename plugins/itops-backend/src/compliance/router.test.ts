import type { Entity } from '@backstage/catalog-model';
import {
  mockServices,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { changeTable, freezeWindowTable } from '../database/recordTables';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startComplianceBackend } from './__testUtils__/complianceBackend';

jest.setTimeout(60_000);

const REF = 'component:default/payments';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const DAY = 86_400_000;
const now = Date.now();
const at = (ms: number) => new Date(now + ms).toISOString();

const catalog: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: {
        'itops.io/servicenow-service': 'payments',
        'itops.io/tier': '1',
        'itops.io/personal-data': 'false',
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments-team',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments-team' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'prototype', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'experimental',
      owner: 'payments-team',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: ALICE }],
  },
];

describe('compliance router', () => {
  const databases = createTestDatabases();

  async function start(databaseId: TestDatabaseId, deny: string[] = []) {
    const knex = await databases.init(databaseId);
    const fixtures = await ItopsFixtures.create(knex);
    await fixtures.entity(REF, [
      { type: 'servicenow-service', value: 'payments' },
    ]);
    for (let i = 0; i < 5; i++) {
      await fixtures.record(changeTable, {
        number: `CHG${i}`,
        title: 'Deploy',
        type: 'normal',
        state: 'closed',
        plannedStart: at(-(i + 2) * DAY),
        plannedEnd: at(-(i + 2) * DAY + 3_600_000),
        actualStart: at(-(i + 2) * DAY),
        actualEnd: at(-(i + 2) * DAY + 1_800_000),
        approval: 'approved',
        approvedAt: at(-(i + 3) * DAY),
        outcome: 'successful',
        url: `https://sn.example/chg${i}`,
        keys: [{ type: 'servicenow-service', value: 'payments' }],
      });
    }
    await fixtures.record(freezeWindowTable, {
      name: 'Month end',
      start: at(-2 * DAY - 60_000),
      end: at(-2 * DAY + 60_000),
    });
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(({ permission }) => ({
          result: deny.includes(permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        })) as any,
    });
    const auditor = mockServices.auditor.mock();
    const events: Array<{ eventId: string; outcome: string }> = [];
    auditor.createEvent.mockImplementation(async ({ eventId }) => ({
      success: async () => {
        events.push({ eventId, outcome: 'success' });
      },
      fail: async () => {
        events.push({ eventId, outcome: 'fail' });
      },
    }));
    const { as } = await startComplianceBackend({
      knex,
      catalog,
      features: [permissions.factory, auditor.factory],
    });
    return { alice: as(ALICE), bob: as(BOB), events };
  }

  it.each(databases.eachSupportedId())(
    'evaluates, serves views and exports, and runs waivers past a second person, %p',
    async databaseId => {
      const { alice, bob, events } = await start(databaseId);

      expect(
        (await alice.get('/compliance/entities/component/default/payments'))
          .status,
      ).toBe(404);
      const run = await alice.post('/compliance/evaluate');
      expect(run.status).toBe(201);
      expect(run.body.snapshot).toMatchObject({ scope: 'all', entityCount: 1 });

      const card = await alice.get(
        '/compliance/entities/component/default/payments',
      );
      expect(card.status).toBe(200);
      const chg04 = card.body.results.find((r: any) => r.checkId === 'CHG-04');
      expect(chg04).toMatchObject({
        status: 'fail',
        title: 'Freeze windows respected',
      });
      expect(
        card.body.results.find((r: any) => r.checkId === 'INV-01').status,
      ).toBe('pass');
      expect(
        card.body.frameworks[0].controls.find((c: any) => c.id === 'A.8.32')
          .status,
      ).toBe('fail');
      // The experimental component is outside the evaluated lifecycles.
      const prototype = await alice.get(
        '/compliance/entities/component/default/prototype',
      );
      expect(prototype.status).toBe(404);
      expect(prototype.body.error.message).toContain(
        'not evaluated for compliance',
      );

      const overview = await alice.get(
        '/compliance/overview?framework=iso27001-2022',
      );
      expect(overview.status).toBe(200);
      expect(overview.body.frameworks).toHaveLength(1);
      expect(overview.body.frameworks[0].controls).toHaveLength(93);
      expect(overview.body.worstServices[0].entityRef).toBe(REF);
      expect(overview.body.trend).toHaveLength(1);

      const control = await alice.get(
        `/compliance/frameworks/iso27001-2022/controls/${encodeURIComponent(
          'A.8.32',
        )}`,
      );
      expect(control.status).toBe(200);
      expect(control.body.checks.map((c: any) => c.id)).toEqual(
        expect.arrayContaining(['CHG-01', 'CHG-04']),
      );
      expect(control.body.entities[0]).toMatchObject({
        entityRef: REF,
        status: 'fail',
      });

      const snapshotId = run.body.snapshot.id;
      const csv = await alice.get(
        `/compliance/snapshots/${snapshotId}/export?format=csv`,
      );
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toMatch(/^snapshot_id,taken_at,entity_ref/);
      expect(lines).toHaveLength(1 + run.body.snapshot.resultCount);
      expect(csv.text).toContain('change:CHG0 <https://sn.example/chg0>');
      const json = await alice.get(
        `/compliance/snapshots/${snapshotId}/export`,
      );
      expect(json.body.results).toHaveLength(run.body.snapshot.resultCount);
      const report = await alice.get('/compliance/report?framework=gdpr');
      expect(report.status).toBe(200);
      expect(report.text).toContain('© European Union');
      expect(report.text).toContain(snapshotId);

      const requested = await alice.post('/compliance/waivers', {
        checkId: 'CHG-04',
        entityRef: REF,
        justification: 'Month-end fix agreed with finance',
        expiresAt: at(30 * DAY),
      });
      expect(requested.status).toBe(201);
      const self = await alice.post(
        `/compliance/waivers/${requested.body.id}/approve`,
      );
      expect(self.status).toBe(403);
      const approved = await bob.post(
        `/compliance/waivers/${requested.body.id}/approve`,
        {
          comment: 'Accepted for this quarter',
        },
      );
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'approved',
        decidedBy: BOB,
      });
      const exempt = await alice.get(
        '/compliance/entities/component/default/payments',
      );
      expect(
        exempt.body.results.find((r: any) => r.checkId === 'CHG-04'),
      ).toMatchObject({
        status: 'exempt',
        underlyingStatus: 'fail',
      });
      expect(exempt.body.waivers[0]).toMatchObject({
        id: requested.body.id,
        status: 'approved',
      });

      const expiring = await alice.get('/compliance/waivers/expiring');
      expect(expiring.body).toMatchObject({
        days: 30,
        items: [{ id: requested.body.id }],
      });
      expect(
        (await alice.get('/compliance/waivers/expiring?days=29')).body.items,
      ).toEqual([]);
      const badDays = await alice.get('/compliance/waivers/expiring?days=x');
      expect(badDays.status).toBe(400);
      expect(badDays.body.error.message).toContain("'days'");

      const trail = await alice.get(
        `/compliance/audit?objectId=${requested.body.id}`,
      );
      expect(trail.body.items.map((e: any) => e.action)).toEqual([
        'waiver.approve',
        'waiver.request',
      ]);
      expect(events).toEqual(
        expect.arrayContaining([
          { eventId: 'compliance-waiver', outcome: 'success' },
          { eventId: 'compliance-waiver', outcome: 'fail' },
          { eventId: 'compliance-evaluate', outcome: 'success' },
          { eventId: 'compliance-export', outcome: 'success' },
        ]),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects bad input with a 4xx naming the problem, %p',
    async databaseId => {
      const { alice } = await start(databaseId);
      await alice.post('/compliance/evaluate');
      const badAt = await alice.get('/compliance/overview?at=yesterday');
      expect(badAt.status).toBe(400);
      expect(badAt.body.error.message).toContain("'at'");
      const framework = await alice.get('/compliance/overview?framework=pci');
      expect(framework.status).toBe(404);
      expect(framework.body.error.message).toContain(
        "Unknown compliance framework 'pci'",
      );
      const format = await alice.get(
        '/compliance/snapshots/x/export?format=xlsx',
      );
      expect(format.status).toBe(400);
      const noJustification = await alice.post('/compliance/waivers', {
        checkId: 'CHG-04',
        entityRef: REF,
        expiresAt: at(DAY),
      });
      expect(noJustification.status).toBe(400);
      expect(noJustification.body.error.message).toContain("'justification'");
      // A legal duty cannot be waived, nor can missing evidence.
      const legal = await alice.post('/compliance/waivers', {
        checkId: 'NTF-01',
        entityRef: REF,
        justification: 'We would rather not notify',
        expiresAt: at(DAY),
      });
      expect(legal.status).toBe(400);
      expect(legal.body.error.message).toContain(
        'NTF-01 evidences a legal duty (GDPR art. 33(1)) and cannot be waived',
      );
      const noData = await alice.post('/compliance/waivers', {
        checkId: 'BKP-02',
        entityRef: REF,
        justification: 'No backup source yet, accepted',
        expiresAt: at(DAY),
      });
      expect(noData.status).toBe(400);
      expect(noData.body.error.message).toContain(
        "BKP-02 on component:default/payments is 'no_data'",
      );
      const unknownCheck = await alice.post('/compliance/waivers', {
        checkId: 'XYZ-1',
        entityRef: REF,
        justification: 'A long enough reason',
        expiresAt: at(DAY),
      });
      expect(unknownCheck.status).toBe(400);
      expect(unknownCheck.body.error.message).toContain("'XYZ-1'");
      const tooLong = await alice.post('/compliance/waivers', {
        checkId: 'CHG-04',
        entityRef: REF,
        justification: 'A long enough reason',
        expiresAt: at(400 * DAY),
      });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.message).toContain('at most 365 days');
    },
  );

  it.each(databases.eachSupportedId())(
    'tells a requester nothing of waivers they may not revoke, %p',
    async databaseId => {
      // Nobody approves here: only requesters may revoke, their own.
      const { alice, bob } = await start(databaseId, [
        'itops.compliance.waiver.approve',
      ]);
      expect((await alice.post('/compliance/evaluate')).status).toBe(201);
      const requested = await alice.post('/compliance/waivers', {
        checkId: 'CHG-04',
        entityRef: REF,
        justification: 'Month-end fix agreed with finance',
        expiresAt: at(30 * DAY),
      });
      expect(requested.status).toBe(201);

      const reason = { reason: 'No longer needed' };
      const others = await bob.post(
        `/compliance/waivers/${requested.body.id}/revoke`,
        reason,
      );
      const missing = await bob.post(
        '/compliance/waivers/no-such-id/revoke',
        reason,
      );
      expect([others.status, missing.status]).toEqual([404, 404]);
      expect(others.body.error.message).toBe(
        `No compliance waiver ${requested.body.id}`,
      );
      expect(missing.body.error.message).toBe(
        'No compliance waiver no-such-id',
      );
      expect(
        (
          await alice.post(
            `/compliance/waivers/${requested.body.id}/revoke`,
            reason,
          )
        ).status,
      ).toBe(200);
    },
  );

  it.each(databases.eachSupportedId())(
    'denies compliance data and actions without their permissions, %p',
    async databaseId => {
      const { alice } = await start(databaseId, [
        'itops.compliance.read',
        'itops.compliance.evaluate',
        'itops.compliance.waiver.create',
      ]);
      for (const path of [
        '/compliance/overview',
        '/compliance/entities/component/default/payments',
        '/compliance/frameworks',
        '/compliance/waivers',
        '/compliance/audit',
        '/compliance/report?framework=gdpr',
      ]) {
        const response = await alice.get(path);
        expect([path, response.status]).toEqual([path, 403]);
      }
      expect((await alice.post('/compliance/evaluate')).status).toBe(403);
      const waiver = await alice.post('/compliance/waivers', {
        checkId: 'CHG-04',
        entityRef: REF,
        justification: 'A long enough reason',
        expiresAt: at(DAY),
      });
      expect(waiver.status).toBe(403);
      expect(waiver.body.error.message).toContain(
        'itops.compliance.waiver.create',
      );
    },
  );
});
