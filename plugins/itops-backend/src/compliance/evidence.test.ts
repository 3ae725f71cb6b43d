import type { TestDatabaseId } from '@backstage/backend-test-utils';
import { changeTable } from '../database/recordTables';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  paymentsService,
  startComplianceBackend,
} from './__testUtils__/complianceBackend';

jest.setTimeout(60_000);

const REF = 'component:default/payments';
const DAY = 86_400_000;
const now = Date.now();
const at = (ms: number) => new Date(now + ms).toISOString();
/** More than the 50 failing and 5 passing records results used to keep. */
const CHANGES = 70;
const UNAPPROVED = 3;

const catalog = [paymentsService()];

describe('evidence populations', () => {
  const databases = createTestDatabases();

  async function start(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const fixtures = await ItopsFixtures.create(knex);
    const keys = [{ type: 'servicenow-service' as const, value: 'payments' }];
    await fixtures.entity(REF, keys);
    for (let i = 0; i < CHANGES; i++) {
      const begin = -(i + 2) * DAY;
      await fixtures.record(changeTable, {
        number: `CHG${String(i).padStart(4, '0')}`,
        title: 'Deploy',
        type: 'normal',
        state: 'closed',
        plannedStart: at(begin),
        plannedEnd: at(begin + 3_600_000),
        actualStart: at(begin),
        actualEnd: at(begin + 1_800_000),
        approval: 'approved',
        // The first few were approved only after work started.
        approvedAt: at(i < UNAPPROVED ? begin + DAY / 2 : begin - DAY),
        outcome: 'successful',
        url: `https://sn.example/chg${i}`,
        keys,
      });
    }
    const { as } = await startComplianceBackend({ knex, catalog });
    return as();
  }

  it.each(databases.eachSupportedId())(
    'keeps and pages through the whole population, passing and failing, each linked to its record, %p',
    async databaseId => {
      const { get, post } = await start(databaseId);
      const run = await post('/compliance/evaluate');
      expect(run.status).toBe(201);

      // The CHG-01 window is 90 days: 70 changes, 3 approved late.
      const card = await get('/compliance/entities/component/default/payments');
      const chg01 = card.body.results.find((r: any) => r.checkId === 'CHG-01');
      expect(chg01).toMatchObject({
        numerator: CHANGES - UNAPPROVED,
        denominator: CHANGES,
        evidenceTotal: CHANGES,
      });
      // The view shows a preview; the population is behind the route.
      expect(chg01.evidence.length).toBeLessThan(CHANGES);

      const path =
        '/compliance/entities/component/default/payments/checks/CHG-01/evidence';
      const first = await get(`${path}?limit=50`);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        total: CHANGES,
        offset: 0,
        limit: 50,
      });
      expect(first.body.items).toHaveLength(50);
      const second = await get(`${path}?limit=50&offset=50`);
      expect(second.body.items).toHaveLength(CHANGES - 50);
      const all = [...first.body.items, ...second.body.items];
      // Every record once, failing ones first, each with its source link.
      expect(new Set(all.map((e: any) => e.id)).size).toBe(CHANGES);
      expect(
        all
          .slice(0, UNAPPROVED)
          .map((e: any) => e.id)
          .sort(),
      ).toEqual(['CHG0000', 'CHG0001', 'CHG0002']);
      expect(
        all.every((e: any) => e.url?.startsWith('https://sn.example/')),
      ).toBe(true);

      // The CSV export holds the whole population too.
      const csv = await get(
        `/compliance/snapshots/${run.body.snapshot.id}/export?format=csv`,
      );
      const row = csv.text
        .split('\r\n')
        .find(line => line.includes(',CHG-01,'))!;
      for (let i = 0; i < CHANGES; i++) {
        expect(row).toContain(
          `CHG${String(i).padStart(4, '0')} <https://sn.example/chg${i}>`,
        );
      }

      const unknown = await get(
        '/compliance/entities/component/default/payments/checks/XYZ-9/evidence',
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toContain("'XYZ-9'");
      const badLimit = await get(`${path}?limit=0`);
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.message).toContain("'limit'");
    },
  );
});
