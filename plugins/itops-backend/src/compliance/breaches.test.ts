import {
  mockServices,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { incidentTable } from '../database/recordTables';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  paymentsService,
  startComplianceBackend,
} from './__testUtils__/complianceBackend';

jest.setTimeout(60_000);

const REF = 'component:default/payments';
const DPO = 'user:default/dpo';
const HOUR = 3_600_000;
const now = Date.now();
const at = (ms: number) => new Date(now + ms).toISOString();

const catalog = [paymentsService({ 'itops.io/personal-data': 'true' })];

describe('GDPR breach decisions API', () => {
  const databases = createTestDatabases();

  async function start(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const fixtures = await ItopsFixtures.create(knex);
    const keys = [{ type: 'servicenow-service' as const, value: 'payments' }];
    await fixtures.entity(REF, keys);
    // Aware 100 h ago and never notified: NTF-01 fails until decided.
    await fixtures.record(incidentTable, {
      number: 'INC-BREACH',
      title: 'Mail sent to the wrong customer',
      state: 'resolved',
      priority: 3,
      openedAt: at(-101 * HOUR),
      security: true,
      personalDataBreach: true,
      breachAwareAt: at(-100 * HOUR),
      keys,
    });
    await fixtures.record(incidentTable, {
      number: 'INC-PLAIN',
      title: 'Slow page',
      state: 'resolved',
      priority: 3,
      openedAt: at(-5 * HOUR),
      keys,
    });
    const auditor = mockServices.auditor.mock();
    const events: string[] = [];
    auditor.createEvent.mockImplementation(async ({ eventId }) => ({
      success: async () => {
        events.push(`${eventId} success`);
      },
      fail: async () => {
        events.push(`${eventId} fail`);
      },
    }));
    const { as } = await startComplianceBackend({
      knex,
      catalog,
      features: [auditor.factory],
    });
    return { dpo: as(DPO), events };
  }

  const ntf01 = async (dpo: Awaited<ReturnType<typeof start>>['dpo']) => {
    await dpo.post('/compliance/evaluate');
    const card = await dpo.get(
      '/compliance/entities/component/default/payments',
    );
    return card.body.results.find((r: any) => r.checkId === 'NTF-01');
  };

  it.each(databases.eachSupportedId())(
    'records a not-notifiable decision, with its audit trail, and NTF-01 passes on it, %p',
    async databaseId => {
      const { dpo, events } = await start(databaseId);
      expect((await ntf01(dpo)).status).toBe('fail');

      const recorded = await dpo.post(
        '/compliance/breaches/INC-BREACH/decisions',
        {
          decision: 'not_notifiable',
          reason:
            'One recipient, mail recalled unread; no risk to the data subject',
          link: 'https://dpo.example/cases/17',
          decidedAt: at(-90 * HOUR),
        },
      );
      expect(recorded.status).toBe(201);
      expect(recorded.body).toMatchObject({
        breachRef: 'INC-BREACH',
        decision: 'not_notifiable',
        decidedBy: DPO,
        recordedBy: DPO,
        link: 'https://dpo.example/cases/17',
      });
      const listed = await dpo.get('/compliance/breaches/INC-BREACH/decisions');
      expect(listed.body.items).toHaveLength(1);
      const trail = await dpo.get('/compliance/audit?objectId=INC-BREACH');
      expect(trail.body.items[0]).toMatchObject({
        action: 'breach.decision',
        actor: DPO,
        objectType: 'breach',
      });
      expect(events).toContain('compliance-breach-decision success');

      const result = await ntf01(dpo);
      expect(result.status).toBe('pass');
      expect(result.evidence[0].note).toContain('decided not notifiable');
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects a decision missing a field, with an unknown value, or on no breach, naming it, %p',
    async databaseId => {
      const { dpo } = await start(databaseId);
      const post = (ref: string, body: object) =>
        dpo.post(`/compliance/breaches/${ref}/decisions`, body);
      const noReason = await post('INC-BREACH', { decision: 'not_notifiable' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toContain("'reason'");
      const noDecision = await post('INC-BREACH', { reason: 'Some reason' });
      expect(noDecision.status).toBe(400);
      expect(noDecision.body.error.message).toContain("'decision'");
      const unknown = await post('INC-BREACH', {
        decision: 'ignore',
        reason: 'Some reason',
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain("got 'ignore'");
      const noExemption = await post('INC-BREACH', {
        decision: 'communication_exempt',
        reason: 'Encrypted',
      });
      expect(noExemption.status).toBe(400);
      expect(noExemption.body.error.message).toContain("'exemption'");
      const future = await post('INC-BREACH', {
        decision: 'notifiable',
        reason: 'Risky',
        notifiedAt: at(HOUR),
      });
      expect(future.status).toBe(400);
      expect(future.body.error.message).toContain(
        "'notifiedAt' lies in the future",
      );
      const plain = await post('INC-PLAIN', {
        decision: 'not_notifiable',
        reason: 'Not a breach',
      });
      expect(plain.status).toBe(404);
      expect(plain.body.error.message).toContain("'INC-PLAIN'");
      // Nothing half-written.
      const listed = await dpo.get('/compliance/breaches/INC-BREACH/decisions');
      expect(listed.body.items).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists breaches with the legal deadline, decision state and history, %p',
    async databaseId => {
      const { dpo } = await start(databaseId);
      const before = await dpo.get('/compliance/breaches');
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ deadlineHours: 72, total: 1 });
      expect(before.body.items).toEqual([
        expect.objectContaining({
          breachRef: 'INC-BREACH',
          title: 'Mail sent to the wrong customer',
          awareAt: at(-100 * HOUR),
          deadline: at(-28 * HOUR),
          decisionState: 'undecided',
          overdue: true,
          entityRefs: [REF],
          decisions: [],
        }),
      ]);
      expect(
        (await dpo.get('/compliance/breaches?overdue=true')).body.total,
      ).toBe(1);

      await dpo.post('/compliance/breaches/INC-BREACH/decisions', {
        decision: 'notifiable',
        highRisk: true,
        reason: 'Bank details of one customer disclosed',
        decidedAt: at(-95 * HOUR),
      });
      await dpo.post('/compliance/breaches/INC-BREACH/decisions', {
        decision: 'notifiable',
        reason: 'Authority notified through its portal',
        notifiedAt: at(-80 * HOUR),
      });
      const after = await dpo.get('/compliance/breaches');
      expect(after.body.items[0]).toMatchObject({
        decisionState: 'notified',
        notifiedAt: at(-80 * HOUR),
        highRisk: true,
        overdue: false,
      });
      expect(after.body.items[0].decisions.map((d: any) => d.reason)).toEqual([
        'Bank details of one customer disclosed',
        'Authority notified through its portal',
      ]);
      expect(
        (await dpo.get('/compliance/breaches?overdue=true')).body.total,
      ).toBe(0);

      const bad = await dpo.get('/compliance/breaches?overdue=yes');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain("'overdue'");
      const badLimit = await dpo.get('/compliance/breaches?limit=0');
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.message).toContain("'limit'");
    },
  );
});
