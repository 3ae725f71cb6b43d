import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type {
  ChangeRecord,
  FreezeWindowRecord,
  IncidentRecord,
  ItopsRecordsByCapability,
  MappingKeyType,
  OnCallShiftRecord,
} from '@backstage-itops/plugin-itops-common';
import {
  type ItopsSource,
  type SyncBatch,
  type SyncRequest,
  SourceRequestError,
} from '@backstage-itops/plugin-itops-node';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { replaceEntityMappingIfChanged } from '../mapping/entityMappingStore';
import { listSyncStatus } from '../read/syncStatus';
import { SyncEngine, syncTaskId } from './SyncEngine';
import {
  backupJob,
  backupRun,
  change,
  FakeReader,
  fakeSource,
  freezeWindow,
  incident,
  migrate,
  onCallShift,
} from './__testUtils__/fakeSource';

jest.setTimeout(60_000);

const SECRET = 'hunter2';

function setup(knex: Knex, config: object = {}) {
  const logger = mockServices.logger.mock();
  const scheduler = mockServices.scheduler.mock();
  const incidents = new FakeReader<IncidentRecord>();
  const changes = new FakeReader<ChangeRecord>();
  const backups = new FakeReader<ItopsRecordsByCapability['backups']>();
  const source = fakeSource({ incidents, changes, backups });
  const engine = SyncEngine.create({
    knex,
    sources: [source],
    scheduler,
    config: new ConfigReader(config),
    logger,
  });
  return { engine, source, incidents, changes, backups, logger, scheduler };
}

function batch<T>(records: T[], watermark?: string): SyncBatch<T> {
  return { records, watermark };
}

/** Rows as the read side sees them, without the per-run sync id. */
async function snapshot(knex: Knex) {
  const tables = ['itops_incidents', 'itops_changes', 'itops_backup_jobs'];
  const rows = await Promise.all(
    tables.map(t => knex(t).select().orderBy('external_id')),
  );
  const keys = await knex('itops_record_keys')
    .select()
    .orderBy(['record_table', 'record_id', 'key_type', 'key_value']);
  return {
    rows: rows.map(r => r.map(({ seen_in_sync, ...rest }) => rest)),
    keys,
  };
}

async function count(knex: Knex, table: string): Promise<number> {
  const [{ n }] = await knex(table).count({ n: '*' });
  return Number(n);
}

function incidentsState(engine: SyncEngine, source: ItopsSource) {
  return engine.store.getState({
    sourceType: source.type,
    sourceInstance: source.instance,
    capability: 'incidents',
  });
}

describe('SyncEngine', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'tells readers which keys the catalog maps, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      await replaceEntityMappingIfChanged(knex, {
        entities: ['component:default/a', 'component:default/b'].map(ref => ({
          entityRef: ref,
          kind: 'component',
          title: null,
          ownerRef: null,
          systemRef: null,
        })),
        keys: [
          ['component:default/a', 'servicenow-group', 'network ops'],
          ['component:default/b', 'servicenow-group', 'network ops'],
          ['component:default/b', 'servicenow-group', 'dba'],
          ['component:default/b', 'jira-project', 'pay'],
        ].map(([entityRef, type, value]) => ({
          entityRef,
          type: type as MappingKeyType,
          value,
          viaRef: entityRef,
        })),
      });
      const { engine, source, incidents } = setup(knex);
      incidents.respond(batch([incident('a')]));
      await engine.runOnce(source, 'incidents');

      const [request] = incidents.requests;
      await expect(request.mappedKeys('servicenow-group')).resolves.toEqual([
        'dba',
        'network ops',
      ]);
      await expect(request.mappedKeys('veeam-job')).resolves.toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'tells a full run what it delivered, from the store, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents } = setup(knex);
      const answers: Array<[number, ReadonlySet<string>]> = [];
      const reader = {
        async *read(request: SyncRequest) {
          yield batch([incident('a'), incident('b')]);
          // Read twice, and invalid: neither counts twice.
          yield batch([
            incident('a'),
            incident('bad', { openedAt: 'yesterday' }),
          ]);
          yield batch([incident('bad', { openedAt: 'yesterday' })]);
          // Every batch yielded so far is stored when the reader asks.
          answers.push([
            await request.delivered!.count(),
            await request.delivered!.has(['a', 'bad', 'c']),
          ]);
        },
      };
      const fullSource = { ...source, readers: { incidents: reader } };

      // An earlier run's records are not this run's.
      incidents.respond(batch([incident('c')]));
      await engine.runOnce(source, 'incidents', { full: true });
      const result = await engine.runOnce(fullSource, 'incidents', {
        full: true,
      });

      expect(result).toMatchObject({ written: 3, rejected: 2, deleted: 1 });
      expect(answers).toEqual([[3, new Set(['a', 'bad'])]]);
      await engine.runOnce(source, 'incidents', { full: false });
      expect(incidents.requests[1].delivered).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'stores a partial run, names its failed calls once, and deletes nothing, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents, logger } = setup(knex);
      incidents.respond(batch([incident('a'), incident('b')]));
      await engine.runOnce(source, 'incidents', { full: true });

      const gap = {
        call: 'GET /api/now/table/task_sla',
        reason: '403 Forbidden',
        lost: 'SLA state of incidents',
      };
      // 'b' is not yielded: only because the run was partial may it stay.
      incidents.respond(
        { records: [incident('a')], partial: [gap] },
        { records: [incident('c')], partial: [gap] },
        batch([incident('bad', { openedAt: 'yesterday' })]),
      );
      const partialRun = await engine.runOnce(source, 'incidents', {
        full: true,
      });

      expect(partialRun).toMatchObject({
        status: 'succeeded',
        written: 2,
        rejected: 1,
        deleted: 0,
        partial: [gap],
      });
      expect(await count(knex, 'itops_incidents')).toBe(3);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('was partial, so it deleted nothing'),
      );
      const [status] = await listSyncStatus(knex, Date.now());
      expect(status).toMatchObject({ partial: [gap], lastRunRejected: 1 });

      // A whole full run clears the gap and deletes what is really gone.
      incidents.respond(batch([incident('a'), incident('c')]));
      const wholeRun = await engine.runOnce(source, 'incidents', {
        full: true,
      });
      expect(wholeRun).toMatchObject({ deleted: 1, partial: [] });
      expect(await incidentsState(engine, source)).toMatchObject({
        partial: [],
        lastRejected: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'counts skipped records, and keeps the stored copies of those a full run could not use, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents, logger } = setup(knex);
      incidents.respond(
        batch([incident('a'), incident('b'), incident('c'), incident('d')]),
      );
      await engine.runOnce(source, 'incidents', { full: true });

      // 'b' comes back malformed (skipped by the reader), 'c' invalid
      // (refused by the store), 'd' not at all: only 'd' is gone.
      incidents.respond({
        records: [incident('a'), incident('c', { openedAt: 'yesterday' })],
        skipped: [{ externalId: 'b', reason: 'opened_at: not a date' }],
      });
      const run = await engine.runOnce(source, 'incidents', { full: true });

      expect(run).toMatchObject({ rejected: 2, deleted: 1 });
      expect(
        await knex('itops_incidents')
          .orderBy('external_id')
          .pluck('external_id'),
      ).toEqual(['a', 'b', 'c']);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('b (opened_at: not a date)'),
      );
      const [status] = await listSyncStatus(knex, Date.now());
      expect(status.lastRunRejected).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'removes on an incremental run the records the source says were deleted, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents } = setup(knex);
      incidents.respond(batch([incident('a'), incident('b')], 'w1'));
      await engine.runOnce(source, 'incidents');
      incidents.respond({
        records: [incident('c')],
        deleted: ['b', 'never-stored'],
        watermark: 'w2',
      });
      await expect(
        engine.runOnce(source, 'incidents', { full: false }),
      ).resolves.toMatchObject({ written: 1, deleted: 1 });
      expect(
        await knex('itops_incidents')
          .orderBy('external_id')
          .pluck('external_id'),
      ).toEqual(['a', 'c']);
      // One key per incident: none of 'b' lingers.
      const ids = await knex('itops_incidents').pluck('id');
      expect(
        (
          await knex('itops_record_keys')
            .where('record_table', 'incident')
            .pluck('record_id')
        ).sort(),
      ).toEqual(ids.sort());
      expect((await incidentsState(engine, source))?.recordCount).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes as usual after a partial full run that still yielded every record, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents } = setup(knex);
      incidents.respond(batch([incident('a'), incident('b')]));
      await engine.runOnce(source, 'incidents', { full: true });
      const details = {
        call: 'GET /api/now/table/task_sla',
        reason: '404 Not Found',
        lost: 'SLA state of incidents',
        recordsComplete: true,
      };
      incidents.respond({ records: [incident('a')], partial: [details] });
      await expect(
        engine.runOnce(source, 'incidents', { full: true }),
      ).resolves.toMatchObject({ deleted: 1, partial: [details] });
    },
  );

  it.each(databases.eachSupportedId())(
    'populates the store and sync state, idempotently, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents, changes, backups } = setup(knex);
      incidents.respond(
        batch([incident('a'), incident('b')], 'w1'),
        batch([incident('c')], 'w2'),
      );
      changes.respond(batch([change('x')], 'cw1'));
      backups.respond(
        batch([backupJob('j1'), backupRun('r1', 'j1'), backupRun('r2', 'j1')]),
      );

      for (const capability of ['incidents', 'changes', 'backups'] as const) {
        await expect(engine.runOnce(source, capability)).resolves.toMatchObject(
          { status: 'succeeded', full: true },
        );
      }

      expect(incidents.requests).toEqual([
        {
          full: true,
          watermark: undefined,
          signal: expect.any(AbortSignal),
          mappedKeys: expect.any(Function),
          delivered: { count: expect.any(Function), has: expect.any(Function) },
        },
      ]);
      expect(await count(knex, 'itops_incidents')).toBe(3);
      expect(await knex('itops_changes').pluck('external_id')).toEqual(['x']);
      expect(
        await knex('itops_record_keys')
          .where('record_table', 'backup_job')
          .orderBy('key_value')
          .pluck('key_value'),
      ).toEqual(['db-1', 'job j1']);
      expect(await incidentsState(engine, source)).toEqual({
        watermark: 'w2',
        lastAttemptAt: expect.any(Date),
        lastSuccessAt: expect.any(Date),
        lastFullSyncAt: expect.any(Date),
        lastError: undefined,
        lastErrorAt: undefined,
        recordCount: 3,
        partial: [],
        lastRejected: 0,
      });

      const before = await snapshot(knex);
      for (const capability of ['incidents', 'changes', 'backups'] as const) {
        await engine.runOnce(source, capability, { full: true });
      }
      expect(await snapshot(knex)).toEqual(before);
      expect((await incidentsState(engine, source))?.recordCount).toBe(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'syncs incrementally from the stored watermark on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents } = setup(knex);
      incidents.respond(batch([incident('a'), incident('b')], 'w1'));
      await engine.runOnce(source, 'incidents');

      incidents.respond(
        batch([incident('a', { title: 'Renamed', state: 'resolved' })], 'w2'),
        batch([incident('c')], 'w3'),
      );
      const result = await engine.runOnce(source, 'incidents');

      expect(result).toEqual({
        status: 'succeeded',
        full: false,
        written: 2,
        rejected: 0,
        deleted: 0,
        partial: [],
      });
      expect(incidents.requests[1]).toMatchObject({
        full: false,
        watermark: 'w1',
      });
      expect(
        await knex('itops_incidents')
          .orderBy('external_id')
          .select('external_id', 'title', 'state'),
      ).toEqual([
        { external_id: 'a', title: 'Renamed', state: 'resolved' },
        { external_id: 'b', title: 'Incident b', state: 'in_progress' },
        { external_id: 'c', title: 'Incident c', state: 'in_progress' },
      ]);
      expect(await count(knex, 'itops_record_keys')).toBe(3);
      expect(await incidentsState(engine, source)).toMatchObject({
        watermark: 'w3',
        recordCount: 3,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'runs a full reconcile again once the last one is older than fullSyncEvery on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents } = setup(knex, {
        itops: { sync: { fullSyncEvery: { hours: 1 } } },
      });
      incidents.respond(batch([incident('a')], 'w1'));
      await engine.runOnce(source, 'incidents');
      await knex('itops_sync_state').update({
        last_full_sync_at: new Date(Date.now() - 2 * 3_600_000),
      });

      await expect(engine.runOnce(source, 'incidents')).resolves.toMatchObject({
        full: true,
      });
      await expect(engine.runOnce(source, 'incidents')).resolves.toMatchObject({
        full: false,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps stored data when a reader fails mid-stream, and recovers, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents, logger } = setup(knex);
      incidents.respond(batch([incident('a'), incident('b')], 'w1'));
      await engine.runOnce(source, 'incidents');
      const { lastSuccessAt } = (await incidentsState(engine, source))!;

      incidents.respond(
        batch([incident('c')], 'w2'),
        // As the shared client fails once its retries of a reset are spent.
        new SourceRequestError(
          `servicenow/production GET /api/now/table/incident failed after 5 attempts: connect ECONNRESET https://admin:${SECRET}@example.service-now.com/api?password=${SECRET}`,
          {
            attempts: 5,
            request: 'GET /api/now/table/incident',
            cause: Object.assign(new Error('socket hang up'), {
              code: 'ECONNRESET',
            }),
          },
        ),
      );
      const failed = await engine.runOnce(source, 'incidents');

      expect(failed).toMatchObject({ status: 'failed', written: 1 });
      expect(
        await knex('itops_incidents')
          .orderBy('external_id')
          .pluck('external_id'),
      ).toEqual(['a', 'b', 'c']);
      const state = await incidentsState(engine, source);
      expect(state).toMatchObject({
        watermark: 'w2',
        lastSuccessAt,
        lastError:
          'Could not reach the source (ECONNRESET) after 5 attempts at GET /api/now/table/incident.',
        lastErrorKind: 'network',
        lastErrorAt: expect.any(Date),
        recordCount: 3,
      });
      expect(state?.lastError).not.toContain(SECRET);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('ECONNRESET'),
      );
      expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(SECRET);

      incidents.respond(batch([incident('d')], 'w3'));
      await expect(engine.runOnce(source, 'incidents')).resolves.toMatchObject({
        status: 'succeeded',
      });
      expect(incidents.requests[2]).toMatchObject({ watermark: 'w2' });
      expect(await incidentsState(engine, source)).toMatchObject({
        watermark: 'w3',
        lastError: undefined,
        lastErrorKind: undefined,
        recordCount: 4,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'removes what the source deleted on a full run, and nothing on a failed one, on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const { engine, source, incidents } = setup(knex);
      incidents.respond(
        batch([incident('a'), incident('b'), incident('c')], 'w1'),
      );
      await engine.runOnce(source, 'incidents');

      incidents.respond(batch([incident('a')], 'w2'), new Error('HTTP 502'));
      await expect(
        engine.runOnce(source, 'incidents', { full: true }),
      ).resolves.toMatchObject({ status: 'failed', deleted: 0 });
      expect(await count(knex, 'itops_incidents')).toBe(3);

      const controller = new AbortController();
      const aborting = {
        ...source,
        readers: {
          incidents: {
            async *read() {
              yield batch([incident('a')]);
              controller.abort();
              yield batch([incident('b')]);
            },
          },
        },
      };
      await expect(
        engine.runOnce(aborting, 'incidents', {
          full: true,
          signal: controller.signal,
        }),
      ).resolves.toMatchObject({
        status: 'failed',
        error: expect.stringContaining('aborted'),
      });
      expect(await count(knex, 'itops_incidents')).toBe(3);

      incidents.respond(batch([incident('a')], 'w3'));
      await expect(
        engine.runOnce(source, 'incidents', { full: true }),
      ).resolves.toMatchObject({ status: 'succeeded', deleted: 2 });
      const [a] = await knex('itops_incidents').select('id', 'external_id');
      expect(a.external_id).toBe('a');
      expect(
        await knex('itops_record_keys').select('record_table', 'record_id'),
      ).toEqual([{ record_table: 'incident', record_id: a.id }]);
      expect(await incidentsState(engine, source)).toMatchObject({
        recordCount: 1,
        lastError: undefined,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'always reads on-call and freeze windows whole on %p',
    async databaseId => {
      const knex = await migrate(await databases.init(databaseId));
      const oncall = new FakeReader<OnCallShiftRecord>();
      const source = fakeSource({ oncall });
      const engine = SyncEngine.create({
        knex,
        sources: [source],
        scheduler: mockServices.scheduler.mock(),
        config: new ConfigReader({}),
        logger: mockServices.logger.mock(),
      });

      oncall.respond(batch([onCallShift('s1'), onCallShift('s2')], 'w1'));
      await engine.runOnce(source, 'oncall');
      oncall.respond(batch([onCallShift('s2')], 'w2'));
      await expect(
        engine.runOnce(source, 'oncall', { full: false }),
      ).resolves.toMatchObject({ full: true, deleted: 1 });

      expect(oncall.requests.map(r => r.full)).toEqual([true, true]);
      expect(await knex('itops_oncall_shifts').pluck('external_id')).toEqual([
        's2',
      ]);
    },
  );

  it('refreshes statistics as a run grows the tables', async () => {
    const knex = await migrate(await databases.init('SQLITE_3'));
    const { engine, source, incidents } = setup(knex);
    const refresh = jest.spyOn(engine.store, 'refreshStatistics');
    incidents.respond(
      ...Array.from({ length: 5 }, (_batch, b) =>
        batch(
          Array.from({ length: 5000 }, (_record, i) => incident(`i${b}-${i}`)),
          `w${b}`,
        ),
      ),
    );

    await expect(engine.runOnce(source, 'incidents')).resolves.toMatchObject({
      status: 'succeeded',
      written: 25_000,
    });
    // After 10,000 and 20,000 records; the next would be at 40,000.
    expect(refresh.mock.calls).toEqual([['incidents'], ['incidents']]);
  });

  it('runs the snapshot syncs at once when asked, tolerating busy tasks', async () => {
    const knex = await migrate(await databases.init('SQLITE_3'));
    const scheduler = mockServices.scheduler.mock();
    scheduler.triggerTask.mockImplementation(async id => {
      if (id.includes('staging')) {
        throw new Error(`Task ${id} is currently running`);
      }
    });
    const production = fakeSource({
      incidents: new FakeReader(),
      oncall: new FakeReader<OnCallShiftRecord>(),
    });
    const staging = fakeSource(
      {
        oncall: new FakeReader<OnCallShiftRecord>(),
        freezeWindows: new FakeReader<FreezeWindowRecord>(),
      },
      'staging',
    );
    const engine = SyncEngine.create({
      knex,
      sources: [production, staging],
      scheduler,
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });

    await expect(engine.triggerSnapshotSyncs()).resolves.toBeUndefined();
    expect(scheduler.triggerTask.mock.calls.map(([id]) => id)).toEqual([
      syncTaskId(production, 'oncall'),
      syncTaskId(staging, 'oncall'),
      syncTaskId(staging, 'freezeWindows'),
    ]);
  });

  it('schedules one task per source and capability', async () => {
    const knex = await migrate(await databases.init('SQLITE_3'));
    const scheduler = mockServices.scheduler.mock();
    const production = fakeSource({
      incidents: new FakeReader(),
      changes: new FakeReader(),
    });
    const staging = fakeSource(
      {
        freezeWindows: new FakeReader<FreezeWindowRecord>().respond(
          batch([freezeWindow('f1')]),
        ),
      },
      'staging',
    );
    const engine = SyncEngine.create({
      knex,
      sources: [production, staging],
      scheduler,
      config: mockServices.rootConfig({
        data: {
          itops: {
            sync: {
              schedule: { frequency: { minutes: 10 }, timeout: 'PT20M' },
              capabilities: {
                freezeWindows: {
                  schedule: {
                    frequency: { hours: 1 },
                    timeout: { minutes: 5 },
                    initialDelay: { minutes: 1 },
                  },
                },
              },
            },
          },
        },
      }),
      logger: mockServices.logger.mock(),
    });

    await engine.start();

    expect(scheduler.scheduleTask.mock.calls.map(([task]) => task)).toEqual([
      {
        id: 'itops-sync:servicenow:production:incidents',
        frequency: { minutes: 10 },
        timeout: { minutes: 20 },
        initialDelay: { seconds: 10 },
        scope: 'global',
        fn: expect.any(Function),
      },
      expect.objectContaining({
        id: 'itops-sync:servicenow:production:changes',
        frequency: { minutes: 10 },
      }),
      {
        id: 'itops-sync:servicenow:staging:freezeWindows',
        frequency: { hours: 1 },
        timeout: { minutes: 5 },
        initialDelay: { minutes: 1 },
        scope: 'global',
        fn: expect.any(Function),
      },
    ]);

    const [, , [{ fn }]] = scheduler.scheduleTask.mock.calls;
    await fn(new AbortController().signal);
    expect(await knex('itops_freeze_windows').pluck('external_id')).toEqual([
      'f1',
    ]);
  });

  it('tells when a scheduled run changed the store, and only then', async () => {
    const knex = await migrate(await databases.init('SQLITE_3'));
    const scheduler = mockServices.scheduler.mock();
    const incidents = new FakeReader<IncidentRecord>();
    const onStoreChanged = jest.fn();
    const engine = SyncEngine.create({
      knex,
      sources: [fakeSource({ incidents })],
      scheduler,
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
      onStoreChanged,
    });
    await engine.start();
    const [[{ fn }]] = scheduler.scheduleTask.mock.calls;

    incidents.respond(batch([], 'w0'));
    await fn(new AbortController().signal);
    expect(onStoreChanged).not.toHaveBeenCalled();

    // A run that fails after writing a batch still changed the store.
    incidents.respond(batch([incident('INC1')], 'w1'), new Error('HTTP 503'));
    await fn(new AbortController().signal);
    expect(onStoreChanged).toHaveBeenCalledTimes(1);
  });

  it('says whether a run is under way, and no longer when it tells of the change', async () => {
    const knex = await migrate(await databases.init('SQLITE_3'));
    const scheduler = mockServices.scheduler.mock();
    const runningWhenRead: Array<boolean | undefined> = [];
    let runningWhenChanged: boolean | undefined;
    // The reader and the callback ask the engine created after them.
    const created: { engine?: SyncEngine } = {};
    const source: ItopsSource = {
      ...fakeSource({}),
      readers: {
        incidents: {
          async *read() {
            runningWhenRead.push(created.engine?.running);
            yield batch([incident('INC1')], 'w1');
          },
        },
      },
    };
    const engine = SyncEngine.create({
      knex,
      sources: [source],
      scheduler,
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
      onStoreChanged: () => {
        runningWhenChanged = created.engine?.running;
      },
    });
    created.engine = engine;
    await engine.start();
    const [[{ fn }]] = scheduler.scheduleTask.mock.calls;

    expect(engine.running).toBe(false);
    await fn(new AbortController().signal);
    expect(runningWhenRead).toEqual([true]);
    expect(runningWhenChanged).toBe(false);
    expect(engine.running).toBe(false);
  });

  it('never throws out of a scheduled task, even without a database', async () => {
    const knex = await migrate(await databases.init('SQLITE_3'));
    const { engine, scheduler, logger } = setup(knex);
    await engine.start();
    await knex.destroy();

    const [[{ fn }]] = scheduler.scheduleTask.mock.calls;
    await expect(fn(new AbortController().signal)).resolves.toBeUndefined();

    const taskLogger = logger.child.mock.results[0].value;
    expect(logger.child).toHaveBeenCalledWith({
      taskId: 'itops-sync:servicenow:production:incidents',
      taskInstanceId: expect.any(String),
    });
    expect(taskLogger.error).toHaveBeenCalledWith(
      expect.stringContaining('ITOps sync task failed'),
    );
  });
});
