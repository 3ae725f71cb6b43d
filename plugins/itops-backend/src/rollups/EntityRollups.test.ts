import type { MappingKey } from '@backstage-itops/plugin-itops-common';
import { relinkEntities } from '../database/entityRecordLinks';
import {
  backupJobTable,
  backupRunTable,
  changeTable,
  incidentTable,
} from '../database/recordTables';
import { KpiCalculator } from '../kpis/KpiCalculator';
import { backupHealthOf, entityBackupHealth } from '../read/backupHealth';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  EntityRollups,
  REFRESH_AGE_MS,
  ROLLUP_MAX_AGE_MS,
} from './EntityRollups';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const MINUTE = 60 * 1000;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const WINDOW_MS = 30 * DAY;
const window = { from: NOW - WINDOW_MS, to: NOW };
const PAYMENTS = 'component:default/payments';
const SEARCH = 'component:default/search';
const payments: MappingKey = { type: 'servicenow-service', value: 'payments' };
const search: MappingKey = { type: 'servicenow-service', value: 'search' };

describe('EntityRollups', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const fixtures = await ItopsFixtures.create(
      await databases.init(databaseId),
    );
    await fixtures.entity(PAYMENTS, [payments]);
    await fixtures
      .knex('itops_entities')
      .where('entity_ref', PAYMENTS)
      .update({ rpo: 'PT100M' });
    await fixtures.entity(SEARCH, [search]);
    const incident = (
      number: string,
      priority: 1 | 2 | 3,
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
        acknowledgedAt: at(openedAt + 10 * 60 * 1000),
        resolvedAt:
          resolvedAfter === undefined
            ? undefined
            : at(openedAt + resolvedAfter),
        keys,
      });
    await incident('INC1', 1, -HOUR);
    await incident('INC2', 2, -2 * DAY, 3 * HOUR);
    await incident('INC3', 3, -3 * DAY, HOUR);
    await incident('INC4', 2, -HOUR, undefined, [search]);
    await fixtures.record(changeTable, {
      number: 'CHG1',
      title: 'Deploy',
      type: 'emergency',
      state: 'closed',
      outcome: 'successful',
      plannedStart: at(-DAY),
      plannedEnd: at(-DAY + HOUR),
      actualEnd: at(-DAY + HOUR),
      keys: [payments],
    });
    await fixtures.record(changeTable, {
      number: 'CHG2',
      title: 'Upgrade',
      type: 'normal',
      state: 'scheduled',
      plannedStart: at(DAY),
      plannedEnd: at(DAY + HOUR),
      keys: [payments],
    });
    await fixtures.record(backupJobTable, {
      externalId: 'job-1',
      recordType: 'backup-job',
      name: 'payments-db',
      objects: ['db-1'],
      lastResult: 'warning',
      enabled: true,
      nextRunAt: at(5 * MINUTE),
      keys: [payments],
    });
    for (const [hoursAgo, result] of [
      [26, 'success'],
      [2, 'warning'],
    ] as const) {
      await fixtures.record(backupRunTable, {
        recordType: 'backup-run',
        jobExternalId: 'job-1',
        jobName: 'payments-db',
        kind: 'backup',
        result,
        startedAt: at(-hoursAgo * HOUR),
        endedAt: at(-hoursAgo * HOUR + HOUR / 2),
        failedObjects: result === 'warning' ? ['db-1'] : [],
      });
    }
    let now = NOW;
    const kpis = KpiCalculator.create({ knex: fixtures.knex });
    const rollups = EntityRollups.create({
      knex: fixtures.knex,
      kpis,
      kpiWindowMs: WINDOW_MS,
      clock: () => now,
    });
    return {
      fixtures,
      kpis,
      rollups,
      setNow: (value: number) => {
        now = value;
      },
    };
  }

  it.each(databases.eachSupportedId())(
    'stores rollups that answer as the live queries do on %p',
    async databaseId => {
      const { fixtures, kpis, rollups } = await setUp(databaseId);
      expect((await rollups.read(PAYMENTS, { nextChange: false })).facts).toBe(
        undefined,
      );

      expect(await rollups.refresh()).toBe(2);
      const { facts, rpo, nextChangeId } = await rollups.read(PAYMENTS, {
        nextChange: true,
      });

      expect(rpo).toBe('PT100M');
      const next = await fixtures
        .knex(changeTable.table)
        .where('id', nextChangeId!)
        .first('number');
      expect(next.number).toBe('CHG2');
      expect(facts).toBeDefined();
      expect(facts!.at).toBe(NOW);
      // The runs belong to the entity through their job, not by key.
      expect([...facts!.kinds].sort()).toEqual([
        'backup_job',
        'change',
        'incident',
      ]);
      expect(facts!.openByPriority).toEqual({
        '1': 1,
        '2': 0,
        '3': 0,
        '4': 0,
        '5': 0,
      });
      expect(facts!.kpis.window).toEqual(window);
      expect(facts!.kpis.incidents).toEqual(
        await kpis.incidents(PAYMENTS, window),
      );
      expect(facts!.kpis.incidents.mttr).toEqual({
        valueMs: 2 * HOUR,
        count: 2,
      });
      expect(facts!.kpis.changes).toEqual(await kpis.changes(PAYMENTS, window));
      const { lastSuccessAgeMs, ...backupKpis } = await kpis.backups(
        PAYMENTS,
        window,
        NOW,
      );
      expect(lastSuccessAgeMs).toBe(25.5 * HOUR);
      expect(facts!.kpis.backups).toEqual(backupKpis);
      const health = backupHealthOf(facts!.backupHealth!, rpo, NOW);
      expect(health).toEqual(
        await entityBackupHealth(fixtures.knex, PAYMENTS, NOW),
      );
      expect(health).toMatchObject({
        status: 'warning',
        jobCount: 1,
        failedObjects: ['db-1'],
        rpo: { declared: 'PT100M', met: true },
      });

      const other = await rollups.read(SEARCH, { nextChange: true });
      expect(other.facts!.kinds).toEqual(['incident']);
      expect(other.facts!.backupHealth).toBeUndefined();
      expect(other.nextChangeId).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'judges a stored rollup at the time it is read on %p',
    async databaseId => {
      const { fixtures, rollups, setNow } = await setUp(databaseId);
      await rollups.refresh();
      const later = NOW + 11 * MINUTE;
      setNow(later);

      const { facts, rpo } = await rollups.read(PAYMENTS, {
        nextChange: false,
      });
      const health = backupHealthOf(facts!.backupHealth!, rpo, later);

      // The newest restore point, 90 minutes old when the rollup was
      // computed, is now 101 minutes old: past the RPO of 100 minutes. The
      // job's next run has passed too.
      expect(health.status).toBe('stale');
      expect(health.rpo?.met).toBe(false);
      expect(health.lastRestorePointAgeMs).toBe(101 * MINUTE);
      expect(health.nextRunAt).toBeUndefined();
      const live = await entityBackupHealth(fixtures.knex, PAYMENTS, later);
      expect({ ...health, nextRunAt: undefined }).toEqual({
        ...live,
        nextRunAt: undefined,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'goes stale when the entity’s records or keys change, until refreshed, on %p',
    async databaseId => {
      const { fixtures, rollups } = await setUp(databaseId);
      await rollups.refresh();

      await fixtures.record(incidentTable, {
        number: 'INC9',
        title: 'Down again',
        state: 'new',
        priority: 2,
        openedAt: at(-HOUR),
        keys: [payments],
      });

      expect((await rollups.read(PAYMENTS, { nextChange: false })).facts).toBe(
        undefined,
      );
      // Another entity's rollup is untouched.
      expect(
        (await rollups.read(SEARCH, { nextChange: false })).facts,
      ).toBeDefined();
      expect(await rollups.refresh()).toBe(1);
      const { facts } = await rollups.read(PAYMENTS, { nextChange: false });
      expect(facts!.openByPriority['2']).toBe(1);

      // A mapping change relinks the entity.
      await fixtures.knex.transaction(trx => relinkEntities(trx, [SEARCH]));
      expect((await rollups.read(SEARCH, { nextChange: false })).facts).toBe(
        undefined,
      );
      expect(await rollups.refresh()).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'ages rollups out, follows the KPI window and forgets removed entities on %p',
    async databaseId => {
      const { fixtures, kpis, rollups, setNow } = await setUp(databaseId);
      await rollups.refresh();
      expect(await rollups.refresh()).toBe(0);

      setNow(NOW + ROLLUP_MAX_AGE_MS + 1);
      expect((await rollups.read(PAYMENTS, { nextChange: false })).facts).toBe(
        undefined,
      );
      expect(await rollups.refresh()).toBe(2);
      expect(
        (await rollups.read(PAYMENTS, { nextChange: false })).facts?.at,
      ).toBe(NOW + ROLLUP_MAX_AGE_MS + 1);

      const weekly = EntityRollups.create({
        knex: fixtures.knex,
        kpis,
        kpiWindowMs: 7 * DAY,
        clock: () => NOW + ROLLUP_MAX_AGE_MS + 1,
      });
      expect((await weekly.read(PAYMENTS, { nextChange: false })).facts).toBe(
        undefined,
      );
      expect(await weekly.refresh()).toBe(2);

      await fixtures
        .knex('itops_entities')
        .where('entity_ref', SEARCH)
        .delete();
      await weekly.refresh();
      expect(
        await fixtures.knex('itops_entity_rollups').pluck('entity_ref'),
      ).toEqual([PAYMENTS]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refreshes aging rollups a share per tick, oldest first, and expired ones at once, on %p',
    async databaseId => {
      const { fixtures, rollups, setNow } = await setUp(databaseId);
      await rollups.refresh();
      await fixtures
        .knex('itops_entity_rollups')
        .where('entity_ref', SEARCH)
        .update({ computed_at: NOW - 60_000 });
      const computedAt = async () =>
        Object.fromEntries(
          (
            await fixtures
              .knex('itops_entity_rollups')
              .select('entity_ref', 'computed_at')
          ).map(row => [row.entity_ref, Number(row.computed_at)]),
        );

      const later = NOW + REFRESH_AGE_MS + 1;
      setNow(later);
      // Both aging; of two entities a tenth is one per tick, the oldest first.
      expect(await rollups.refresh()).toBe(1);
      expect(await computedAt()).toEqual({ [PAYMENTS]: NOW, [SEARCH]: later });
      // Aging is not expired: readers still use the older one.
      expect(
        (await rollups.read(PAYMENTS, { nextChange: false })).facts?.at,
      ).toBe(NOW);
      expect(await rollups.refresh()).toBe(1);
      expect(await computedAt()).toEqual({
        [PAYMENTS]: later,
        [SEARCH]: later,
      });
      expect(await rollups.refresh()).toBe(0);

      setNow(NOW + ROLLUP_MAX_AGE_MS + 1);
      // Expired: refreshed however many there are.
      await fixtures.knex('itops_entity_rollups').update({ computed_at: NOW });
      expect(await rollups.refresh()).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps a rollup computed later by another instance on %p',
    async databaseId => {
      const { fixtures, rollups } = await setUp(databaseId);
      await rollups.refresh();
      const later = NOW + 60_000;
      await fixtures
        .knex('itops_entity_rollups')
        .where('entity_ref', PAYMENTS)
        .update({ computed_at: later });
      await fixtures
        .knex('itops_entity_rollup_stale')
        .insert({ entity_ref: PAYMENTS });

      expect(await rollups.refresh()).toBe(1);

      const row = await fixtures
        .knex('itops_entity_rollups')
        .where('entity_ref', PAYMENTS)
        .first('computed_at');
      expect(Number(row.computed_at)).toBe(later);
    },
  );

  it.each(databases.eachSupportedId())(
    'defers refreshes while sync runs write, for at most 5 minutes, on %p',
    async databaseId => {
      const { fixtures, kpis } = await setUp(databaseId);
      let now = NOW;
      let syncWriting = true;
      const rollups = EntityRollups.create({
        knex: fixtures.knex,
        kpis,
        kpiWindowMs: WINDOW_MS,
        clock: () => now,
        syncWriting: () => syncWriting,
      });
      // Nothing refreshed yet on this instance: the first one goes ahead.
      expect(await rollups.refreshIfDue()).toBe(2);

      await fixtures
        .knex('itops_entity_rollup_stale')
        .insert({ entity_ref: PAYMENTS });
      now += 60_000;
      expect(await rollups.refreshIfDue()).toBe(0);
      expect((await rollups.read(PAYMENTS, { nextChange: false })).facts).toBe(
        undefined,
      );

      // The run ended: its nudge refreshes at once.
      syncWriting = false;
      expect(await rollups.refreshIfDue()).toBe(1);

      // A sync that keeps writing still gets a refresh per refresh age.
      syncWriting = true;
      await fixtures
        .knex('itops_entity_rollup_stale')
        .insert({ entity_ref: PAYMENTS });
      const lastRefresh = now;
      now = lastRefresh + 5 * 60_000 - 1;
      expect(await rollups.refreshIfDue()).toBe(0);
      now = lastRefresh + 5 * 60_000;
      expect(await rollups.refreshIfDue()).toBe(1);
      expect(
        (await rollups.read(PAYMENTS, { nextChange: false })).facts?.at,
      ).toBe(now);
    },
  );

  it.each(databases.eachSupportedId())(
    'joins a refresh that is running rather than starting another on %p',
    async databaseId => {
      const { rollups } = await setUp(databaseId);
      const first = rollups.refresh();
      const second = rollups.refresh();
      expect(second).toBe(first);
      expect(await first).toBe(2);
    },
  );
});
