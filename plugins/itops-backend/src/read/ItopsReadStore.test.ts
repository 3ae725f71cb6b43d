import type { MappingKey } from '@backstage-itops/plugin-itops-common';
import {
  backupJobTable,
  backupRunTable,
  changeTable,
  freezeWindowTable,
  onCallTable,
} from '../database/recordTables';
import { freezeStatus } from '../calendar/freezes';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ItopsReadStore } from './ItopsReadStore';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const REF = 'component:default/payments';
const payments: MappingKey = { type: 'servicenow-service', value: 'payments' };
const other: MappingKey = { type: 'servicenow-service', value: 'other' };

describe('ItopsReadStore', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
    const fixtures = await ItopsFixtures.create(
      await databases.init(databaseId),
    );
    await fixtures.entity(REF, [payments]);
    await fixtures.entity('component:default/other', [other]);
    const store = ItopsReadStore.create({
      knex: fixtures.knex,
      clock: () => NOW,
    });
    return { fixtures, store };
  }

  it.each(databases.eachSupportedId())(
    'finds entities case-insensitively on %p',
    async databaseId => {
      const { store } = await setUp(databaseId);
      expect(await store.findEntity('Component:default/Payments')).toEqual({
        entityRef: REF,
        kind: 'component',
      });
      expect(await store.findEntity('component:default/nope')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'tells who is on call now and next per rota on %p',
    async databaseId => {
      const { fixtures, store } = await setUp(databaseId);
      const shift = (
        personName: string,
        escalationLevel: number,
        start: number,
        end: number,
        keys = [payments],
      ) =>
        fixtures.record(onCallTable, {
          scheduleName: 'payments-primary',
          groupName: 'Payments',
          personName,
          start: at(start),
          end: at(end),
          escalationLevel,
          keys,
        });
      await shift('Past', 1, -2 * DAY, -HOUR);
      await shift('Ada', 1, -HOUR, 8 * HOUR);
      await shift('Bob', 1, 8 * HOUR, 20 * HOUR);
      await shift('Cy', 1, 20 * HOUR, 32 * HOUR);
      await shift('Dee', 2, -DAY, DAY);
      await shift('Eve', 2, DAY, 2 * DAY);
      await shift('Far future', 1, 40 * DAY, 41 * DAY);
      await shift('Other team', 1, -HOUR, HOUR, [other]);

      const oncall = await store.onCall(REF);
      const names = (shifts: { personName: string }[]) =>
        shifts.map(s => s.personName);

      expect(names(oncall.now)).toEqual(['Ada', 'Dee']);
      expect(names(oncall.next)).toEqual(['Bob', 'Eve']);
      expect(
        oncall.escalationLevels.map(level => ({
          level: level.escalationLevel,
          now: names(level.now),
          next: names(level.next),
        })),
      ).toEqual([
        { level: 1, now: ['Ada'], next: ['Bob'] },
        { level: 2, now: ['Dee'], next: ['Eve'] },
      ]);
      expect(oncall.now[0]).toMatchObject({
        sourceType: 'servicenow',
        sourceInstance: 'production',
        start: at(-HOUR),
        end: at(8 * HOUR),
      });
      expect(oncall.now[0]).not.toHaveProperty('keys');
    },
  );

  it.each(databases.eachSupportedId())(
    'gives a system the on-call of the teams owning it and its parts on %p',
    async databaseId => {
      const { fixtures, store } = await setUp(databaseId);
      const team = (name: string) => ({
        type: 'servicenow-group' as const,
        value: name,
      });
      await fixtures.entity('group:default/payments-team', [team('Payments')]);
      await fixtures.entity('group:default/data-team', [team('Data')]);
      await fixtures.entity('group:default/unrelated', [team('Unrelated')]);
      await fixtures.entity('system:default/payments', []);
      await fixtures.knex('itops_entities').where('entity_ref', REF).update({
        owner_ref: 'group:default/data-team',
        system_ref: 'system:default/payments',
      });
      await fixtures
        .knex('itops_entities')
        .where('entity_ref', 'system:default/payments')
        .update({ owner_ref: 'group:default/payments-team' });
      for (const [personName, group] of [
        ['Ada', 'Payments'],
        ['Dee', 'Data'],
        ['Nobody of ours', 'Unrelated'],
      ]) {
        await fixtures.record(onCallTable, {
          scheduleName: `${group}-primary`,
          groupName: group,
          personName,
          start: at(-HOUR),
          end: at(HOUR),
          escalationLevel: 1,
          keys: [team(group)],
        });
      }

      const oncall = await store.onCall('system:default/payments');
      expect(oncall.now.map(s => s.personName).sort()).toEqual(['Ada', 'Dee']);
      // A component keeps its own rotas only; the UI shows its owner's.
      expect((await store.onCall(REF)).now).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'scopes freeze windows: global unless mapped, on %p',
    async databaseId => {
      const { fixtures, store } = await setUp(databaseId);
      const freeze = (
        name: string,
        start: number,
        end: number,
        keys: MappingKey[] = [],
      ) =>
        fixtures.record(freezeWindowTable, {
          name,
          start: at(start),
          end: at(end),
          keys,
        });
      await freeze('Year end', -DAY, 5 * DAY);
      await freeze('Payments release', -HOUR, HOUR, [payments]);
      await freeze('Other release', -HOUR, HOUR, [other]);
      await freeze('Later', 10 * DAY, 11 * DAY);

      // What the entity summary and /freeze-status answer for "now".
      const status = await freezeStatus(fixtures.knex, [], REF, NOW);
      expect(status.frozen).toBe(true);
      expect(status.windows.map(w => w.name)).toEqual([
        'Year end',
        'Payments release',
      ]);

      const listed = await store.listFreezeWindows({
        from: NOW,
        to: NOW + 7 * DAY,
      });
      expect(
        listed.map(({ name, global, entityRefs }) => ({
          name,
          global,
          entityRefs,
        })),
      ).toEqual([
        { name: 'Year end', global: true, entityRefs: [] },
        { name: 'Payments release', global: false, entityRefs: [REF] },
        {
          name: 'Other release',
          global: false,
          entityRefs: ['component:default/other'],
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists calendar changes overlapping a range with their entities on %p',
    async databaseId => {
      const { fixtures, store } = await setUp(databaseId);
      const change = (
        number: string,
        start: number | undefined,
        end: number | undefined,
        keys: MappingKey[],
        type: 'normal' | 'emergency' = 'normal',
      ) =>
        fixtures.record(changeTable, {
          number,
          title: number,
          type,
          state: 'scheduled',
          plannedStart: start === undefined ? undefined : at(start),
          plannedEnd: end === undefined ? undefined : at(end),
          keys,
        });
      await change('CHG1', -2 * DAY, -DAY, [payments]);
      await change('CHG2', -HOUR, HOUR, [payments, other]);
      await change('CHG3', DAY, undefined, [other], 'emergency');
      await change('CHG4', 3 * DAY, 4 * DAY, [payments]);
      await change('CHG5', undefined, undefined, [payments]);

      const range = { from: NOW, to: NOW + 3 * DAY };
      const page = await store.listCalendarChanges({
        ...range,
        limit: 10,
        offset: 0,
      });
      expect(page.totalCount).toBe(2);
      expect(
        page.items.map(({ number, entityRefs }) => ({ number, entityRefs })),
      ).toEqual([
        { number: 'CHG2', entityRefs: ['component:default/other', REF] },
        { number: 'CHG3', entityRefs: ['component:default/other'] },
      ]);

      const filtered = await store.listCalendarChanges({
        ...range,
        entityRef: REF,
        limit: 10,
        offset: 0,
      });
      expect(filtered.items.map(c => c.number)).toEqual(['CHG2']);
      expect(
        (
          await store.listCalendarChanges({
            ...range,
            types: ['emergency'],
            limit: 1,
            offset: 0,
          })
        ).items.map(c => c.number),
      ).toEqual(['CHG3']);
      expect(
        (await store.listEntityChanges(REF, range)).map(c => c.number),
      ).toEqual(['CHG2']);
      expect((await store.nextEntityChange(REF))?.number).toBe('CHG4');
    },
  );

  it.each(databases.eachSupportedId())(
    'derives backup job health and recent runs on %p',
    async databaseId => {
      const { fixtures, store } = await setUp(databaseId);
      await fixtures.record(backupJobTable, {
        externalId: 'job-1',
        recordType: 'backup-job',
        name: 'payments-db',
        objects: ['db-1', 'db-2'],
        lastResult: 'failed',
        keys: [payments],
      });
      const run = (
        result: 'success' | 'warning' | 'failed',
        startedAt: number,
        kind: 'backup' | 'restore-test' = 'backup',
      ) =>
        fixtures.record(backupRunTable, {
          recordType: 'backup-run',
          jobExternalId: 'job-1',
          jobName: 'payments-db',
          kind,
          result,
          startedAt: at(startedAt),
          endedAt: at(startedAt + HOUR),
        });
      for (let day = 1; day <= 12; day++) {
        await run(day % 4 === 0 ? 'failed' : 'success', -day * DAY);
      }
      await run('warning', -HOUR * 5);
      await run('success', -40 * DAY, 'restore-test');
      await run('failed', -60 * DAY, 'restore-test');
      await run('success', -45 * DAY);

      const [job] = await store.backupJobsWithRuns(REF);
      expect(job).toMatchObject({
        name: 'payments-db',
        objects: ['db-1', 'db-2'],
        lastResult: 'failed',
        lastSuccessAt: at(-DAY + HOUR),
        lastSuccessAgeMs: DAY - HOUR,
        // 9 successes, 1 warning (half), 3 failures in 30 days
        successRate30d: 9.5 / 13,
        runs30d: 13,
        lastRestoreTest: { result: 'success', startedAt: at(-40 * DAY) },
      });
      expect(job.recentRuns).toHaveLength(10);
      expect(job.recentRuns[0]).toMatchObject({ result: 'warning' });
      expect(await store.backupJobsWithRuns('component:default/other')).toEqual(
        [],
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'reports sync status with ages on %p',
    async databaseId => {
      const { fixtures, store } = await setUp(databaseId);
      await fixtures.knex('itops_sync_state').insert([
        {
          source_type: 'servicenow',
          source_instance: 'production',
          capability: 'incidents',
          last_attempt_at: new Date(NOW - HOUR),
          last_success_at: new Date(NOW - 2 * HOUR),
          last_error: 'HTTP 503 from ServiceNow',
          last_error_at: new Date(NOW - HOUR),
          last_error_kind: 'upstream',
          record_count: 42,
          last_rejected: 0,
        },
        {
          source_type: 'veeam',
          source_instance: 'main',
          capability: 'backups',
          record_count: 0,
          partial: JSON.stringify([
            {
              call: 'GET /api/v1/restorePoints',
              reason: '403 Forbidden',
              lost: 'the restore point times of backup runs',
            },
          ]),
          last_rejected: 2,
        },
      ]);

      expect(await store.syncStatus()).toEqual([
        {
          sourceType: 'servicenow',
          sourceInstance: 'production',
          capability: 'incidents',
          lastAttemptAt: at(-HOUR),
          lastSuccessAt: at(-2 * HOUR),
          lastSuccessAgeMs: 2 * HOUR,
          lastError: 'HTTP 503 from ServiceNow',
          lastErrorKind: 'upstream',
          lastErrorAt: at(-HOUR),
          recordCount: 42,
          partial: [],
          lastRunRejected: 0,
        },
        {
          sourceType: 'veeam',
          sourceInstance: 'main',
          capability: 'backups',
          recordCount: 0,
          partial: [
            {
              call: 'GET /api/v1/restorePoints',
              reason: '403 Forbidden',
              lost: 'the restore point times of backup runs',
            },
          ],
          lastRunRejected: 2,
        },
      ]);
    },
  );
});
