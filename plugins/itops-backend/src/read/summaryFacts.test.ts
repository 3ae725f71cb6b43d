import type { MappingKey } from '@backstage-itops/plugin-itops-common';
import { changeTable, incidentTable } from '../database/recordTables';
import { KpiCalculator } from '../kpis/KpiCalculator';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ItopsReadStore } from './ItopsReadStore';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const kpiWindow = { from: NOW - 30 * DAY, to: NOW };
const REF = 'component:default/payments';
const payments: MappingKey = { type: 'servicenow-service', value: 'payments' };
const other: MappingKey = { type: 'servicenow-service', value: 'other' };

describe('summaryFacts', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const fixtures = await ItopsFixtures.create(
      await databases.init(databaseId),
    );
    await fixtures.entity(REF, [payments]);
    await fixtures
      .knex('itops_entities')
      .where('entity_ref', REF)
      .update({ rpo: 'PT4H' });
    await fixtures.entity('component:default/other', [other]);
    await fixtures.entity('component:default/empty', []);
    const incident = (
      number: string,
      priority: 1 | 2 | 3 | 4,
      openedAt: number,
      resolvedAfter?: number,
      keys = [payments],
    ) =>
      fixtures.record(incidentTable, {
        number,
        title: 'Down',
        state: resolvedAfter === undefined ? 'in_progress' : 'resolved',
        priority,
        openedAt: at(openedAt),
        resolvedAt:
          resolvedAfter === undefined
            ? undefined
            : at(openedAt + resolvedAfter),
        keys,
      });
    await incident('INC1', 1, -HOUR);
    await incident('INC2', 2, -2 * DAY);
    await incident('INC3', 2, -3 * DAY);
    await incident('INC4', 4, -4 * DAY);
    await incident('INC5', 3, -5 * DAY, 2 * HOUR);
    await incident('INC6', 3, -6 * DAY, 4 * HOUR);
    // Resolved before the KPI window; and another entity's.
    await incident('INC7', 1, -60 * DAY, HOUR);
    await incident('INC8', 1, -HOUR, undefined, [other]);

    const change = (
      number: string,
      plannedStart: number,
      more: {
        state?: 'scheduled' | 'closed' | 'cancelled';
        outcome?: 'successful' | 'unsuccessful';
        type?: 'normal' | 'emergency';
      } = {},
    ) =>
      fixtures.record(changeTable, {
        number,
        title: 'Deploy',
        type: more.type ?? 'normal',
        state: more.state ?? 'scheduled',
        plannedStart: at(plannedStart),
        plannedEnd: at(plannedStart + HOUR),
        ...(more.outcome ? { outcome: more.outcome } : {}),
        keys: [payments],
      });
    await change('CHG1', -5 * DAY, { state: 'closed', outcome: 'successful' });
    await change('CHG2', -4 * DAY, { state: 'closed', outcome: 'successful' });
    await change('CHG3', -3 * DAY, {
      state: 'closed',
      outcome: 'unsuccessful',
      type: 'emergency',
    });
    await change('CHG4', 3 * DAY);
    await change('CHG5', 2 * DAY);
    await change('CHG6', DAY, { state: 'cancelled' });

    const store = ItopsReadStore.create({
      knex: fixtures.knex,
      clock: () => NOW,
    });
    return { fixtures, store };
  }

  it.each(databases.eachSupportedId())(
    'answers the summary counts and headlines in one query on %p',
    async databaseId => {
      const { fixtures, store } = await setUp(databaseId);
      const queries: string[] = [];
      fixtures.knex.on('query', ({ sql }: { sql: string }) =>
        queries.push(sql),
      );

      const facts = await store.summaryFacts(REF, {
        kpiWindow,
        incidents: true,
        changes: true,
        backups: true,
      });

      expect(queries).toHaveLength(1);
      expect([...facts.kinds].sort()).toEqual(['change', 'incident']);
      expect(facts.rpo).toBe('PT4H');
      expect(facts.openByPriority).toEqual({
        '1': 1,
        '2': 2,
        '3': 0,
        '4': 1,
        '5': 0,
      });
      // (2 h + 4 h) / 2; INC7 was resolved before the window.
      expect(facts.mttr).toEqual({ valueMs: 3 * HOUR, count: 2 });
      // Two of the three closed changes succeeded.
      expect(facts.changeSuccessRate).toEqual({
        value: 2 / 3,
        numerator: 2,
        denominator: 3,
      });
      // CHG6 is earlier but cancelled.
      const next = await store.changeById(facts.nextChangeId!);
      expect(next?.number).toBe('CHG5');

      // The same answers as the queries the KPI and entity routes use.
      const kpis = KpiCalculator.create({ knex: fixtures.knex });
      expect(facts.openByPriority).toEqual(
        await store.countOpenIncidentsByPriority(REF),
      );
      expect(facts.mttr).toEqual(await kpis.mttr(REF, kpiWindow));
      expect(facts.changeSuccessRate).toEqual(
        (await kpis.changes(REF, kpiWindow)).successRate,
      );
      expect(next).toEqual(await store.nextEntityChange(REF));
      expect(facts.kinds).toEqual(await store.recordKindsOf(REF));
    },
  );

  it.each(databases.eachSupportedId())(
    'reads nothing of the areas not asked for, and empty entities on %p',
    async databaseId => {
      const { store } = await setUp(databaseId);

      const kindsOnly = await store.summaryFacts(REF, {
        kpiWindow,
        incidents: false,
        changes: false,
        backups: false,
      });
      expect(kindsOnly).toEqual({ kinds: new Set(['incident', 'change']) });

      const empty = await store.summaryFacts('component:default/empty', {
        kpiWindow,
        incidents: true,
        changes: true,
        backups: true,
      });
      expect(empty).toEqual({
        kinds: new Set(),
        openByPriority: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
        mttr: { valueMs: null, count: 0 },
        changeSuccessRate: { value: null, numerator: 0, denominator: 0 },
      });
    },
  );
});
