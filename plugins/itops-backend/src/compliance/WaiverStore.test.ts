import { NotAllowedError } from '@backstage/errors';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { DAY_MS } from './model';
import { EXPIRY_ACTOR, WaiverStore } from './WaiverStore';

jest.setTimeout(60_000);

const NOW = Date.parse('2026-06-15T12:00:00Z');
const REF = 'component:default/payments';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CAROL = 'user:default/carol';

describe('WaiverStore', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await ItopsFixtures.create(knex);
    const store = new WaiverStore(knex, { maxWaiverDays: 365 });
    const request = (checkId: string, days: number, by = ALICE) =>
      store.request(
        {
          checkId,
          entityRef: REF,
          justification: 'Accepted by the risk board until the migration',
          expiresAt: NOW + days * DAY_MS,
        },
        by,
        NOW,
      );
    return { knex, store, request };
  }

  it.each(databases.eachSupportedId())(
    'appends decisions as events: a revocation keeps the approver, %p',
    async databaseId => {
      const { store, request, knex } = await setUp(databaseId);
      const waiver = await request('CHG-04', 90);
      await store.decide(waiver.id, 'approved', BOB, 'compensated', NOW + 1);
      const revoked = await store.revoke(waiver.id, CAROL, 'moved', NOW + 2);
      expect(revoked).toMatchObject({
        status: 'revoked',
        decidedBy: BOB,
        decisionComment: 'compensated',
        revokedBy: CAROL,
        revocationReason: 'moved',
      });
      expect(revoked.events.map(e => [e.event, e.actor])).toEqual([
        ['approve', BOB],
        ['revoke', CAROL],
      ]);
      // The same when read back, and the request row never changed.
      expect(await store.get(waiver.id, NOW + 3)).toEqual(revoked);
      const row = await knex('itops_compliance_waivers')
        .where('id', waiver.id)
        .first();
      expect(row.decided_by).toBeNull();
      const trail = await store.auditTrail({
        objectId: waiver.id,
        limit: 10,
        offset: 0,
      });
      expect(trail.map(t => t.action)).toEqual([
        'waiver.revoke',
        'waiver.approve',
        'waiver.request',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses an approval by the requester whatever the case of the ref, %p',
    async databaseId => {
      const { store, request } = await setUp(databaseId);
      const waiver = await request('CHG-04', 90, 'user:default/Alice');
      await expect(
        store.decide(waiver.id, 'approved', 'User:Default/ALICE', '', NOW),
      ).rejects.toThrow(NotAllowedError);
      expect((await store.get(waiver.id, NOW)).status).toBe('pending');
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the register append-only in the database, %p',
    async databaseId => {
      const { knex, store, request } = await setUp(databaseId);
      const waiver = await request('CHG-04', 90);
      await store.decide(waiver.id, 'approved', BOB, undefined, NOW);
      for (const [table, change] of [
        ['itops_compliance_waivers', { justification: 'rewritten later' }],
        ['itops_compliance_waiver_events', { actor: 'user:default/mallory' }],
      ] as const) {
        await expect(knex(table).update(change)).rejects.toThrow(/append-only/);
        await expect(knex(table).delete()).rejects.toThrow(/append-only/);
      }
      // TRUNCATE bypasses row triggers; PostgreSQL has statement triggers
      // for it, SQLite has no TRUNCATE at all.
      const truncates =
        knex.client.dialect === 'postgresql'
          ? ['itops_compliance_waivers', 'itops_compliance_waiver_events'].map(
              table =>
                knex.raw(`truncate ${table}`).then(
                  () => 'truncated',
                  (e: Error) => e.message,
                ),
            )
          : [];
      for (const outcome of await Promise.all(truncates)) {
        expect(outcome).toMatch(/append-only/);
      }
      expect((await store.get(waiver.id, NOW)).status).toBe('approved');
    },
  );

  it.each(databases.eachSupportedId())(
    'expires on its date: the result is no longer covered and an expire event is appended once, %p',
    async databaseId => {
      const { store, request } = await setUp(databaseId);
      const waiver = await request('CHG-04', 10);
      await store.decide(waiver.id, 'approved', BOB, undefined, NOW);
      const pending = await request('BKP-02', 10);
      const after = NOW + 10 * DAY_MS;
      expect((await store.active(after - 1)).size).toBe(1);
      expect((await store.active(after)).size).toBe(0);
      expect((await store.get(waiver.id, after)).status).toBe('expired');

      const expired = await store.recordExpiries(after);
      expect(expired.map(w => w.id)).toEqual([waiver.id]);
      expect(expired[0].events.map(e => [e.event, e.actor])).toEqual([
        ['approve', BOB],
        ['expire', EXPIRY_ACTOR],
      ]);
      expect(await store.recordExpiries(after + 1)).toEqual([]);
      // A request nobody approved simply lapses.
      expect((await store.get(pending.id, after)).status).toBe('expired');
      expect((await store.get(pending.id, after)).events).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists approved waivers expiring within a number of days, soonest first, %p',
    async databaseId => {
      const { store, request } = await setUp(databaseId);
      const soon = await request('CHG-04', 10);
      const later = await request('CHG-01', 20);
      const far = await request('CHG-03', 40);
      await request('BKP-02', 5); // pending: not in force, not listed
      for (const w of [soon, later, far]) {
        await store.decide(w.id, 'approved', BOB, undefined, NOW);
      }
      const expiring = await store.expiring(NOW, 30);
      expect(expiring.map(w => w.id)).toEqual([soon.id, later.id]);
    },
  );

  it.each(databases.eachSupportedId())(
    'caps the length of a waiver, %p',
    async databaseId => {
      const { request } = await setUp(databaseId);
      await expect(request('CHG-04', 366)).rejects.toThrow(
        /at most 365 days \('expiresAt'\)/,
      );
    },
  );
});
