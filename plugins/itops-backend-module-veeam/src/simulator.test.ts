/*
 * The Veeam source against the simulated VBR over real HTTP, synced by the
 * real sync engine into SQLite and PostgreSQL, and compared with what the
 * simulator serves (read with plain fetch, not with the client under test).
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  computeEntityMapping,
  createTestDatabases,
  exampleCatalog,
  ItopsReadStore,
  migrateItopsDatabase,
  replaceEntityMappingIfChanged,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import {
  backupSnapshot,
  HISTORY_DAYS,
  START,
  startVeeam,
  syncEngine,
  veeamSource,
  type Setup,
} from './__testUtils__/simulatorSetup';
import { parseVeeamTime } from './dates';

jest.setTimeout(60_000);

const DAY_MS = 24 * 3600 * 1000;

// ---- The simulator's data, read with plain fetch -------------------------

async function simulatorApi(url: string, apiVersion = '1.2-rev1') {
  const tokenResponse = await fetch(`${url}/api/oauth2/token`, {
    method: 'POST',
    headers: {
      'x-api-version': apiVersion,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=password&username=itops&password=veeam-password',
  });
  const { access_token: token } = await tokenResponse.json();
  return async function all(
    path: string,
    query: Record<string, string> = {},
  ): Promise<any[]> {
    const items: any[] = [];
    for (let skip = 0; ; ) {
      const params = new URLSearchParams({
        ...query,
        skip: String(skip),
        limit: '500',
      });
      const response = await fetch(`${url}${path}?${params}`, {
        headers: {
          'x-api-version': apiVersion,
          authorization: `Bearer ${token}`,
        },
      });
      expect(response.status).toBe(200);
      const body = await response.json();
      items.push(...body.data);
      skip += body.data.length;
      if (body.data.length === 0 || skip >= body.pagination.total) {
        return items;
      }
    }
  };
}

const RESULTS: Record<string, string> = {
  Success: 'success',
  Warning: 'warning',
  Failed: 'failed',
};

function iso(veeamTime: string | null | undefined): string | null {
  const parsed = parseVeeamTime(veeamTime);
  return parsed === undefined ? null : new Date(parsed).toISOString();
}

function dbIso(value: unknown): string | null {
  return value === null || value === undefined
    ? null
    : new Date(Number(value)).toISOString();
}

/** What the store should hold after a sync at `now`, from the simulator's API. */
async function expectedFromSimulator(url: string, now: number) {
  const api = await simulatorApi(url);
  const since = new Date(now - HISTORY_DAYS * DAY_MS).toISOString();
  const states = await api('/api/v1/jobs/states');
  const jobIds = new Set(states.map(s => s.id));
  const sessions = await api('/api/v1/sessions', {
    createdAfterFilter: since,
  });
  const backupSessions = sessions.filter(
    s => jobIds.has(s.jobId) && s.sessionType === 'BackupJob',
  );
  const tests = sessions.filter(s =>
    ['SureBackup', 'InstantRecovery'].includes(s.sessionType),
  );
  const points = await api('/api/v1/restorePoints', {
    createdAfterFilter: since,
  });
  return { api, states, backupSessions, tests, points };
}

describe('Veeam source against the simulator', () => {
  const databases = createTestDatabases();
  let setup: Setup;

  beforeEach(async () => {
    setup = await startVeeam();
  });

  afterEach(async () => {
    await setup.sims.close();
  });

  it.each(databases.eachSupportedId())(
    'full sync stores the jobs, backup runs and restore tests the server has, %p',
    async databaseId => {
      const knex = await migrateItopsDatabase(await databases.init(databaseId));
      const { source } = veeamSource(setup, { pageSize: 97 });
      const now = setup.clock.now().getTime();

      const result = await syncEngine(knex, source).runOnce(source, 'backups', {
        full: true,
      });
      expect(result).toMatchObject({ status: 'succeeded', rejected: 0 });

      const expected = await expectedFromSimulator(setup.sims.urls.veeam, now);

      // Jobs with their state.
      const jobs = await knex('itops_backup_jobs').orderBy('name');
      expect(jobs.map(j => j.name)).toEqual(
        expected.states.map(s => s.name).sort(),
      );
      for (const state of expected.states) {
        const job = jobs.find(j => j.external_id === state.id)!;
        expect({
          lastResult: job.last_result,
          lastRunAt: dbIso(job.last_run_at),
          nextRunAt: dbIso(job.next_run_at),
        }).toEqual({
          lastResult:
            state.status === 'running'
              ? 'running'
              : RESULTS[state.lastResult] ?? null,
          lastRunAt: iso(state.lastRun),
          nextRunAt: iso(state.nextRun),
        });
      }
      const storefront = jobs.find(j => j.name === 'Storefront Apps - Daily');
      expect(JSON.parse(storefront.objects)).toEqual([
        'shop-web-vm-01',
        'shop-web-vm-02',
        'shop-catalog-vm-01',
      ]);

      // Backup runs: one per backup session of the history window.
      const runs = await knex('itops_backup_runs').where('kind', 'backup');
      expect(runs).toHaveLength(expected.backupSessions.length);
      const runById = new Map(runs.map(r => [r.external_id, r]));
      for (const session of expected.backupSessions) {
        const run = runById.get(session.id);
        expect({
          job: run?.job_external_id,
          result: run?.result,
          startedAt: dbIso(run?.started_at),
          endedAt: dbIso(run?.ended_at),
        }).toEqual({
          job: session.jobId,
          result:
            session.state === 'Stopped'
              ? RESULTS[session.result.result]
              : 'running',
          startedAt: iso(session.creationTime),
          endedAt: iso(session.endTime),
        });
      }

      // Each successful run carries the time of the restore point it made.
      const pointBySession = new Map<string, string>();
      for (const point of expected.points) {
        const at = iso(point.creationTime)!;
        const known = pointBySession.get(point.sessionId);
        if (!known || at < known) {
          pointBySession.set(point.sessionId, at);
        }
      }
      const withPoints = runs.filter(r => r.restore_point_at !== null);
      expect(withPoints.length).toBeGreaterThan(0);
      expect(
        Object.fromEntries(
          withPoints.map(r => [r.external_id, dbIso(r.restore_point_at)]),
        ),
      ).toEqual(
        Object.fromEntries(
          [...pointBySession].filter(([id]) => runById.has(id)),
        ),
      );

      // The failing job: its runs failed, naming the object that failed.
      const warehouse = jobs.find(j => j.name === 'Data Warehouse - Weekly');
      expect(warehouse.last_result).toBe('failed');
      const warehouseRuns = runs
        .filter(r => r.job_external_id === warehouse.external_id)
        .sort((a, b) => Number(b.started_at) - Number(a.started_at));
      expect(warehouseRuns[0].result).toBe('failed');
      expect(JSON.parse(warehouseRuns[0].failed_objects)).toEqual(['dwh-01']);
      expect(warehouseRuns[0].restore_point_at).toBeNull();

      // Restore tests: one per tested job of each SureBackup / instant recovery.
      const tests = await knex('itops_backup_runs').where(
        'kind',
        'restore-test',
      );
      const definitions = await expected.api('/api/v1/jobs');
      const testedPairs: string[] = [];
      for (const session of expected.tests) {
        const tasks = await expected.api(
          `/api/v1/sessions/${session.id}/taskSessions`,
        );
        const tested = new Set(tasks.map(t => t.name));
        for (const job of definitions) {
          if (
            job.virtualMachines.includes.some((vm: any) => tested.has(vm.name))
          ) {
            testedPairs.push(`${session.id}/${job.id}`);
          }
        }
      }
      expect(testedPairs.length).toBeGreaterThan(expected.tests.length);
      expect(tests.map(t => t.external_id).sort()).toEqual(testedPairs.sort());
      const orders = jobs.find(j => j.name === 'Orders DB - Daily');
      const ordersTest = tests.find(
        t => t.job_external_id === orders.external_id,
      );
      expect(ordersTest).toMatchObject({
        job_name: 'Orders DB - Daily',
        result: 'failed',
      });
      expect(JSON.parse(ordersTest.failed_objects)).toEqual(['pg-orders-01']);
      const paymentsTests = tests.filter(t =>
        t.job_name.startsWith('Payments'),
      );
      expect(paymentsTests.map(t => t.result)).toEqual(
        paymentsTests.map(() => 'success'),
      );

      // Configuration backups are no job's runs and are left out.
      const all = await knex('itops_backup_runs').count({ n: '*' });
      expect(Number(all[0].n)).toBe(runs.length + tests.length);

      // A second full sync is idempotent.
      const again = await syncEngine(knex, source).runOnce(source, 'backups', {
        full: true,
      });
      expect(again).toMatchObject({ status: 'succeeded', deleted: 0 });
      const after = await knex('itops_backup_runs').count({ n: '*' });
      expect(Number(after[0].n)).toBe(runs.length + tests.length);
    },
  );

  it.each(databases.eachSupportedId())(
    'incremental sync picks up new runs and finishes those that were running, %p',
    async databaseId => {
      const knex = await migrateItopsDatabase(await databases.init(databaseId));
      const { source } = veeamSource(setup);
      const engine = syncEngine(knex, source);
      // 12:16: the hourly 12:15 run has started and is still running.
      setup.clock.advance(16 * 60_000);
      setup.sims.simulators.veeam.tick(setup.clock.now());
      await engine.runOnce(source, 'backups', { full: true });
      const runningBefore = await knex('itops_backup_runs').where(
        'result',
        'running',
      );
      expect(runningBefore.map(r => r.job_name)).toContain(
        'Payments DB - Hourly',
      );
      const [{ watermark }] = await knex('itops_sync_state').where({
        source_type: 'veeam',
        capability: 'backups',
      });
      expect(watermark).toEqual(expect.any(String));

      // Three hours pass: hourly runs start and finish on the server.
      for (let step = 0; step < 36; step++) {
        setup.clock.advance(5 * 60_000);
        setup.sims.simulators.veeam.tick(setup.clock.now());
      }
      const api = await simulatorApi(setup.sims.urls.veeam);
      const newSessions = await api('/api/v1/sessions', {
        createdAfterFilter: new Date(START).toISOString(),
        typeFilter: 'BackupJob',
      });
      expect(newSessions.length).toBeGreaterThan(0);

      const result = await engine.runOnce(source, 'backups', { full: false });
      expect(result).toMatchObject({ status: 'succeeded', full: false });
      // Only what changed since the watermark is read again.
      expect(result.written).toBeLessThan(100);

      for (const session of newSessions) {
        const run = await knex('itops_backup_runs')
          .where('external_id', session.id)
          .first();
        expect(run?.result).toBe(
          session.state === 'Stopped'
            ? RESULTS[session.result.result]
            : 'running',
        );
      }
      for (const before of runningBefore) {
        const session = (
          await api(`/api/v1/sessions`, {
            nameFilter: before.job_name,
            createdAfterFilter: new Date(
              Number(before.started_at),
            ).toISOString(),
            createdBeforeFilter: new Date(
              Number(before.started_at) + 1,
            ).toISOString(),
          })
        )[0];
        const run = await knex('itops_backup_runs')
          .where('external_id', before.external_id)
          .first();
        expect(session.state).toBe('Stopped');
        expect(run.result).toBe(RESULTS[session.result.result]);
        expect(run.ended_at).not.toBeNull();
      }
      const lastRunOfHourly = await knex('itops_backup_jobs')
        .where('name', 'Payments DB - Hourly')
        .first();
      expect(Number(lastRunOfHourly.last_run_at)).toBeGreaterThanOrEqual(
        Date.parse(START),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'maps the backups to the example catalog and derives each entity’s health, %p',
    async databaseId => {
      const knex = await migrateItopsDatabase(await databases.init(databaseId));
      const { source } = veeamSource(setup);
      await syncEngine(knex, source).runOnce(source, 'backups', { full: true });
      const catalog = exampleCatalog();
      await replaceEntityMappingIfChanged(knex, computeEntityMapping(catalog));
      const store = ItopsReadStore.create({
        knex,
        clock: () => setup.clock.now().getTime(),
      });
      const health = (name: string, kind = 'component') =>
        store.backupHealth(`${kind}:default/${name}`);
      const jobNames = async (name: string, kind = 'component') =>
        (await store.backupJobsWithRuns(`${kind}:default/${name}`)).map(
          j => j.name,
        );

      // By job name, by description tag, by protected object.
      expect(await jobNames('payments-db', 'resource')).toEqual([
        'Payments DB - Hourly',
      ]);
      expect(await jobNames('checkout-web')).toEqual([
        'Storefront Apps - Daily',
      ]);
      expect(await jobNames('product-catalog')).toEqual([
        'Storefront Apps - Daily',
      ]);
      expect(await jobNames('payments-api')).toEqual(['Payments Apps - Daily']);
      // A team sees the jobs of everything it owns.
      expect(await jobNames('payments-team', 'group')).toEqual([
        'Payments Apps - Daily',
        'Payments DB - Hourly',
      ]);

      // The failing one.
      expect(await health('data-warehouse', 'resource')).toMatchObject({
        status: 'failing',
        lastResult: 'failed',
        failedObjects: ['dwh-01'],
        rpo: { declared: 'PT24H', met: false },
      });
      expect(
        (await health('data-warehouse', 'resource')).lastRestoreTest,
      ).toBeUndefined();
      // The stale one: its last run succeeded, six days ago.
      const storage = await health('object-storage', 'resource');
      expect(storage).toMatchObject({
        status: 'stale',
        lastResult: 'success',
        rpo: { declared: 'PT24H', objectiveMs: 24 * 3600_000, met: false },
      });
      expect(storage.lastRestorePointAgeMs).toBeGreaterThan(6 * DAY_MS);
      // Hourly backups within a one-hour RPO, next run within the hour.
      const payments = await health('payments-db', 'resource');
      expect(payments).toMatchObject({
        status: 'ok',
        lastResult: 'success',
        rpo: { declared: 'PT1H', met: true },
        lastRestoreTest: { result: 'success', jobName: 'Payments DB - Hourly' },
      });
      expect(payments.lastRestorePointAgeMs).toBeLessThan(3600_000);
      expect(Date.parse(payments.nextRunAt!)).toBeGreaterThan(
        setup.clock.now().getTime(),
      );
      expect(Date.parse(payments.nextRunAt!)).toBeLessThanOrEqual(
        setup.clock.now().getTime() + 3600_000,
      );
      expect(payments.successRate30d.denominator).toBeGreaterThan(600);
      // Backups fine, but the last restore test failed.
      expect(await health('orders-db', 'resource')).toMatchObject({
        status: 'warning',
        lastResult: 'success',
        lastRestoreTest: {
          result: 'failed',
          jobName: 'Orders DB - Daily',
          failedObjects: ['pg-orders-01'],
        },
      });
      // The job warns.
      expect(await health('checkout-web')).toMatchObject({
        status: 'warning',
        lastResult: 'warning',
      });
      // No backups at all.
      expect(await health('fraud-scoring')).toMatchObject({
        status: 'none',
        jobCount: 0,
      });

      // A changed RPO is a changed mapping.
      const stricter = catalog.map(entity =>
        entity.metadata.name === 'object-storage'
          ? {
              ...entity,
              metadata: {
                ...entity.metadata,
                annotations: {
                  ...entity.metadata.annotations,
                  'itops.io/rpo': 'P30D',
                },
              },
            }
          : entity,
      );
      const write = await replaceEntityMappingIfChanged(
        knex,
        computeEntityMapping(stricter),
      );
      expect(write.changed).toBe(true);
      expect(await health('object-storage', 'resource')).toMatchObject({
        status: 'ok',
        rpo: { declared: 'P30D', met: true },
      });
    },
  );

  it('keeps syncing when the server expires the access token mid-sync', async () => {
    const knex = await migrateItopsDatabase(await databases.init('SQLITE_3'));
    const { source } = veeamSource(setup, { pageSize: 50 });
    setup.sims.faults.set('veeam', { expireTokens: { after: 6 } });

    const result = await syncEngine(knex, source).runOnce(source, 'backups', {
      full: true,
    });

    expect(result).toMatchObject({ status: 'succeeded' });
    expect(setup.sims.faults.stats('veeam').faults.tokenExpiries).toBe(1);
    expect(setup.sims.simulators.veeam.stats().tokensIssued).toBe(2);
  });

  it('answers a missing x-api-version as VBR does, and a sync with an unsupported one fails naming it', async () => {
    const response = await fetch(`${setup.sims.urls.veeam}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=itops&password=veeam-password',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorCode: 'UnexpectedContent',
      message: expect.stringMatching(/^Unsupported RESTAPI version/),
    });

    const knex = await migrateItopsDatabase(await databases.init('SQLITE_3'));
    const { source } = veeamSource(setup, { apiVersion: '0.9-rev0' });
    const logger = mockServices.logger.mock();
    const result = await syncEngine(knex, source, logger).runOnce(
      source,
      'backups',
    );
    expect(result.status).toBe('failed');
    expect(result.error).not.toMatch(/veeam-password/);
    // The status says where; the backend log says why.
    const logged = logger.warn.mock.calls.map(call => String(call[0]));
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/400.*Unsupported RESTAPI version/),
      ]),
    );
    expect(logged.join('\n')).not.toMatch(/veeam-password/);
  });

  it.each(['1.1-rev2', '1.3-rev0'])(
    'stores the same records when pinned to revision %s',
    async apiVersion => {
      const base = await migrateItopsDatabase(await databases.init('SQLITE_3'));
      const { source: reference } = veeamSource(setup);
      await syncEngine(base, reference).runOnce(reference, 'backups', {
        full: true,
      });
      const other = await migrateItopsDatabase(
        await databases.init('SQLITE_3'),
      );
      const { source } = veeamSource(setup, { apiVersion });
      await syncEngine(other, source).runOnce(source, 'backups', {
        full: true,
      });

      const expected = await backupSnapshot(base);
      expect(expected.runs.some(r => r.restore_point_at !== null)).toBe(true);
      expect(await backupSnapshot(other)).toEqual(expected);
    },
  );
});
