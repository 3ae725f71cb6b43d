/*
 * The Veeam source against simulated VBR servers with one quirk each, over
 * real HTTP and the real sync engine: refused optional endpoints, throttled
 * token requests, deleted sessions and restore points, unreadable records.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  ItopsReadStore,
  migrateItopsDatabase,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import type { Knex } from 'knex';
import { BACKUP_RUN_TASKS, RESTORE_TEST_TASKS } from './BackupsReader';
import {
  backupSnapshot,
  startVeeam,
  syncEngine,
  veeamSource,
  type Setup,
  type VeeamQuirks,
} from './__testUtils__/simulatorSetup';

jest.setTimeout(60_000);

type Snapshot = Awaited<ReturnType<typeof backupSnapshot>>;
type Run = Snapshot['runs'][number];

const TASKS_PATH = /^GET \/api\/v1\/sessions\/[^/]+\/taskSessions$/;
const LISTING = 'GET /api/v1/taskSessions';

describe('Veeam source against VBR servers with quirks', () => {
  const databases = createTestDatabases();
  /** What a full sync of a server without quirks stores. */
  let reference: Snapshot;
  let setup: Setup | undefined;

  beforeAll(async () => {
    const plain = await startVeeam();
    try {
      const knex = await migrateItopsDatabase(await databases.init('SQLITE_3'));
      const { source } = veeamSource(plain);
      await syncEngine(knex, source).runOnce(source, 'backups', { full: true });
      reference = await backupSnapshot(knex);
    } finally {
      await plain.sims.close();
    }
  });

  it('compares with a reference that has every detail a quirk can take away', () => {
    expect(reference.runs.some(r => r.kind === 'restore-test')).toBe(true);
    expect(reference.runs.some(r => r.failed_objects !== null)).toBe(true);
    expect(reference.runs.some(r => r.restore_point_at !== null)).toBe(true);
  });

  afterEach(async () => {
    await setup?.sims.close();
    setup = undefined;
  });

  /** A quirk-free VBR, synced once (full) into a fresh database. */
  async function syncedOnce(databaseId: Parameters<typeof databases.init>[0]) {
    setup = await startVeeam();
    const knex = await migrateItopsDatabase(await databases.init(databaseId));
    const { source } = veeamSource(setup);
    const engine = syncEngine(knex, source);
    await engine.runOnce(source, 'backups', { full: true });
    return { knex, source, engine, sim: setup };
  }

  async function fullSync(
    databaseId: Parameters<typeof databases.init>[0],
    quirks: VeeamQuirks,
  ) {
    setup = await startVeeam({ quirks });
    const knex = await migrateItopsDatabase(await databases.init(databaseId));
    const test = veeamSource(setup);
    const result = await syncEngine(knex, test.source).runOnce(
      test.source,
      'backups',
      { full: true },
    );
    return { knex, result, ...test };
  }

  const withoutRestoreTests = (runs: Run[]) =>
    runs.filter(r => r.kind !== 'restore-test');

  const cases: Array<{
    quirk: keyof VeeamQuirks;
    calls: Array<{ call: string; lost: string }>;
    expected: (runs: Run[]) => Run[];
    /** Requests the module may send to the refused endpoint in one run. */
    refusedRequests: (requests: string[]) => number;
    maxRefusedRequests: number;
  }> = [
    {
      quirk: 'taskSessions',
      calls: [BACKUP_RUN_TASKS, RESTORE_TEST_TASKS],
      expected: runs =>
        withoutRestoreTests(runs).map(r => ({ ...r, failed_objects: null })),
      refusedRequests: requests =>
        requests.filter(r => TASKS_PATH.test(r)).length,
      maxRefusedRequests: 2,
    },
    {
      quirk: 'restorePoints',
      calls: [
        {
          call: 'GET /api/v1/restorePoints',
          lost: 'the restore point times of backup runs',
        },
      ],
      expected: runs => runs.map(r => ({ ...r, restore_point_at: null })),
      refusedRequests: requests =>
        requests.filter(r => r === 'GET /api/v1/restorePoints').length,
      maxRefusedRequests: 1,
    },
    {
      quirk: 'sureBackupSessions',
      calls: [RESTORE_TEST_TASKS],
      expected: withoutRestoreTests,
      // Backup runs' tasks are still read; restore tests' are asked once.
      refusedRequests: () => 0,
      maxRefusedRequests: 0,
    },
  ];

  describe.each(cases)(
    '$quirk refused',
    ({ quirk, calls, expected, ...limits }) => {
      it.each([
        [404, 'SQLITE_3'],
        [403, 'SQLITE_3'],
        [501, 'SQLITE_3'],
        [404, 'POSTGRES_15'],
      ] as const)(
        'with %i stores every job and run without only what it provides, naming the call, %s',
        async (status, databaseId) => {
          if (!databases.eachSupportedId().some(([id]) => id === databaseId)) {
            return;
          }
          const { knex, result, partials, requests } = await fullSync(
            databaseId,
            {
              [quirk]: status,
            },
          );

          expect(result).toMatchObject({ status: 'succeeded', rejected: 0 });
          const stored = await backupSnapshot(knex);
          expect(stored.jobs).toEqual(reference.jobs);
          expect(stored.runs).toEqual(expected(reference.runs));

          const reason = {
            403: '403 Forbidden',
            404: '404 Not Found',
            501: '501 Not Implemented',
          }[status];
          const named = new Map(
            partials.flat().map(p => [`${p.call} ${p.lost} ${p.reason}`, p]),
          );
          expect([...named.values()]).toEqual(
            expect.arrayContaining(
              calls.map(c =>
                expect.objectContaining({ call: c.call, lost: c.lost, reason }),
              ),
            ),
          );
          expect(named.size).toBe(calls.length);
          // Once per batch: no batch names a call twice.
          for (const batch of partials) {
            expect(new Set(batch.map(p => p.lost)).size).toBe(batch.length);
          }
          // The jobs batch reads no optional call.
          expect(partials[0]).toEqual([]);
          expect(limits.refusedRequests(requests)).toBeLessThanOrEqual(
            limits.maxRefusedRequests,
          );
        },
      );
    },
  );

  it('asks a refused SureBackup session’s tasks once per run, and backup runs’ failed tasks still', async () => {
    const { requests, knex } = await fullSync('SQLITE_3', {
      sureBackupSessions: 403,
    });
    expect(requests.filter(r => TASKS_PATH.test(r))).toHaveLength(1);
    expect(requests.filter(r => r === LISTING).length).toBeGreaterThan(0);
    const warehouse = (await backupSnapshot(knex)).runs.filter(
      r => r.failed_objects !== null,
    );
    expect(warehouse.length).toBeGreaterThan(0);
  });

  it.each(databases.eachSupportedId())(
    'keeps a job and its runs stored when its state turns unreadable, %p',
    async databaseId => {
      const { knex, source, engine, sim } = await syncedOnce(databaseId);
      const runsOf = (jobId: string) =>
        knex('itops_backup_runs')
          .where('job_external_id', jobId)
          .orderBy('external_id')
          .pluck('external_id');
      const [{ job_external_id: jobId }] = await knex('itops_backup_runs')
        .whereNotNull('job_external_id')
        .orderBy('external_id')
        .limit(1)
        .select('job_external_id');
      const runsOfJob = await runsOf(jobId);
      expect(runsOfJob.length).toBeGreaterThan(0);

      sim.veeam.setQuirks({ corruptJobStates: [jobId] });
      const run = await engine.runOnce(source, 'backups', { full: true });
      expect(run).toMatchObject({ status: 'succeeded', deleted: 0 });
      expect(run.rejected).toBeGreaterThanOrEqual(1 + runsOfJob.length);
      expect(await knex('itops_backup_jobs').pluck('external_id')).toContain(
        jobId,
      );
      expect(await runsOf(jobId)).toEqual(runsOfJob);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the failed objects and restore point times stored when the calls giving them are refused later, %p',
    async databaseId => {
      const { knex, source, engine, sim } = await syncedOnce(databaseId);
      const before = await backupSnapshot(knex);
      expect(before.runs.some(r => r.failed_objects !== null)).toBe(true);
      expect(before.runs.some(r => r.restore_point_at !== null)).toBe(true);

      sim.veeam.setQuirks({
        taskSessions: 404,
        taskSessionListing: 404,
        restorePoints: 404,
      });
      const refused = await engine.runOnce(source, 'backups', { full: true });
      expect(refused).toMatchObject({ status: 'succeeded' });
      expect(refused.partial.length).toBeGreaterThan(0);
      const after = await backupSnapshot(knex);
      const details = (runs: typeof before.runs) =>
        runs.map(r => [r.external_id, r.failed_objects, r.restore_point_at]);
      expect(details(after.runs)).toEqual(details(before.runs));
    },
  );

  it.each(databases.eachSupportedId())(
    'the sync status names the refused calls, and a partial full run deletes nothing until a whole one, %p',
    async databaseId => {
      const { knex, source, engine, sim } = await syncedOnce(databaseId);
      const status = async () =>
        (
          await ItopsReadStore.create({
            knex,
            clock: () => sim.clock.now().getTime(),
          }).syncStatus()
        ).find(s => s.sourceType === 'veeam' && s.capability === 'backups')!;
      expect((await status()).partial).toEqual([]);

      // A session goes upstream while the server stops serving task sessions.
      const gone = reference.runs.find(r => r.kind === 'backup')!.external_id;
      sim.veeam.deleteSessions([gone]);
      sim.veeam.setQuirks({ taskSessions: 404 });
      const partial = await engine.runOnce(source, 'backups', { full: true });
      expect(partial).toMatchObject({ status: 'succeeded', deleted: 0 });
      // One entry per thing lost through the endpoint: the failed objects
      // of runs (every run still stored) and the restore tests (not all
      // stored, which is why the run deleted nothing).
      const named = (await status()).partial;
      expect(named.length).toBeGreaterThan(0);
      expect(named).toEqual(
        named.map(() =>
          expect.objectContaining({
            call: BACKUP_RUN_TASKS.call,
            reason: '404 Not Found',
            lost: expect.stringMatching(/failed in backup runs|restore tests/),
          }),
        ),
      );
      expect(named.some(p => !p.recordsComplete)).toBe(true);
      // The restore tests it could not read, and the deleted run, stay.
      const kept = await backupSnapshot(knex);
      expect(kept.runs.map(r => r.external_id)).toEqual(
        reference.runs.map(r => r.external_id),
      );

      sim.veeam.setQuirks({});
      const whole = await engine.runOnce(source, 'backups', { full: true });
      expect(whole).toMatchObject({ status: 'succeeded', deleted: 1 });
      expect((await status()).partial).toEqual([]);
      expect(await backupSnapshot(knex)).toEqual({
        jobs: reference.jobs,
        runs: reference.runs.filter(r => r.external_id !== gone),
      });
    },
  );

  it.each([403, 404, 501])(
    'reads each failed run’s own tasks where the task session listing is refused with %i, losing nothing',
    async status => {
      const { knex, result, partials, requests } = await fullSync('SQLITE_3', {
        taskSessionListing: status as 403 | 404 | 501,
      });
      expect(result).toMatchObject({ status: 'succeeded' });
      expect(await backupSnapshot(knex)).toEqual(reference);
      expect(partials.flat()).toEqual([]);
      expect(requests.filter(r => r === LISTING)).toHaveLength(1);
      const troubled = reference.runs.filter(
        r => r.kind === 'backup' && ['failed', 'warning'].includes(r.result),
      );
      const tests = new Set(
        reference.runs
          .filter(r => r.kind === 'restore-test')
          .map(r => r.external_id.split('/')[0]),
      );
      expect(requests.filter(r => TASKS_PATH.test(r))).toHaveLength(
        troubled.length + tests.size,
      );
    },
  );

  it('reads the failed tasks of a page’s runs in one listing instead of one call per run', async () => {
    const { requests } = await fullSync('SQLITE_3', {});
    const pages = requests.filter(r => r === 'GET /api/v1/sessions').length;
    expect(requests.filter(r => r === LISTING).length).toBeLessThanOrEqual(
      pages,
    );
    // Per-session calls remain for restore tests only.
    const tests = new Set(
      reference.runs
        .filter(r => r.kind === 'restore-test')
        .map(r => r.external_id.split('/')[0]),
    );
    expect(requests.filter(r => TASKS_PATH.test(r))).toHaveLength(tests.size);
  });

  describe('token requests answered 429', () => {
    it.each([
      ['with Retry-After', 1, 2000],
      ['without Retry-After', undefined, 0],
    ])(
      'are retried %s and the sync completes',
      async (_, retryAfterSeconds, minimumMs) => {
        setup = await startVeeam({
          quirks: { tokenRateLimit: { count: 2, retryAfterSeconds } },
        });
        const knex = await migrateItopsDatabase(
          await databases.init('SQLITE_3'),
        );
        const { source, requests } = veeamSource(setup, {
          retry: { maxAttempts: 4, maxDelayMs: 3000 },
        });
        const started = performance.now();
        const result = await syncEngine(knex, source).runOnce(
          source,
          'backups',
          {
            full: true,
          },
        );
        expect(result).toMatchObject({ status: 'succeeded' });
        expect(performance.now() - started).toBeGreaterThanOrEqual(minimumMs);
        expect(
          requests.filter(r => r === 'POST /api/oauth2/token'),
        ).toHaveLength(3);
        expect(setup.veeam.stats()).toMatchObject({
          tokensIssued: 1,
          tokenRequestsThrottled: 2,
        });
        expect(await backupSnapshot(knex)).toEqual(reference);
      },
    );

    it('are retried when a token expired early meets them (renewal after a 401)', async () => {
      setup = await startVeeam();
      const knex = await migrateItopsDatabase(await databases.init('SQLITE_3'));
      const { source } = veeamSource(setup, { pageSize: 50 });
      // The first token is served; the renewal the 401 causes meets three 429s.
      setup.sims.faults.set('veeam', { expireTokens: { after: 6 } });
      setup.veeam.setQuirks({ tokenRateLimit: { count: 3, after: 1 } });
      const result = await syncEngine(knex, source).runOnce(source, 'backups', {
        full: true,
      });
      expect(result).toMatchObject({ status: 'succeeded' });
      expect(setup.veeam.stats()).toMatchObject({ tokenRequestsThrottled: 3 });
      expect(await backupSnapshot(knex)).toEqual(reference);
    });

    it('fail the run when the storm outlasts the retries, keeping what is stored', async () => {
      setup = await startVeeam();
      const knex = await migrateItopsDatabase(await databases.init('SQLITE_3'));
      const { source } = veeamSource(setup);
      await syncEngine(knex, source).runOnce(source, 'backups', { full: true });
      // A new client: it has no token yet and must ask during the storm.
      const later = veeamSource(setup);
      setup.veeam.setQuirks({ tokenRateLimit: { count: 1000 } });
      const result = await syncEngine(knex, later.source).runOnce(
        later.source,
        'backups',
        { full: true },
      );
      expect(result.status).toBe('failed');
      // The token request retries 3 times; its failure is final for the
      // request that needed it, which is not retried on top.
      expect(
        later.requests.filter(r => r === 'POST /api/oauth2/token'),
      ).toHaveLength(3);
      expect(later.requests.filter(r => r.startsWith('GET'))).toEqual([]);
      expect(result.error).not.toMatch(/veeam-password/);
      expect(await backupSnapshot(knex)).toEqual(reference);
    });
  });

  it.each(databases.eachSupportedId())(
    'a full sync removes exactly the sessions and restore points deleted upstream, %p',
    async databaseId => {
      const { knex, source, engine, sim } = await syncedOnce(databaseId);
      const before = await backupSnapshot(knex);
      expect(before).toEqual(reference);

      const backups = before.runs.filter(r => r.kind === 'backup');
      const deletedRuns = [backups[5].external_id, backups[40].external_id];
      const test = before.runs.find(r => r.kind === 'restore-test')!;
      const testSession = test.external_id.split('/')[0];
      const pointless = backups.find(
        r =>
          r.restore_point_at !== null && !deletedRuns.includes(r.external_id),
      )!;
      const points = await pointsOf(knex, sim, pointless.external_id);
      expect(points.length).toBeGreaterThan(0);
      expect(sim.veeam.deleteSessions([...deletedRuns, testSession])).toBe(3);
      expect(sim.veeam.deleteRestorePoints(points)).toBe(points.length);

      // An incremental run cannot see deletions: nothing goes.
      const incremental = await engine.runOnce(source, 'backups', {
        full: false,
      });
      expect(incremental).toMatchObject({ status: 'succeeded', deleted: 0 });

      const result = await engine.runOnce(source, 'backups', { full: true });
      const goneTests = before.runs.filter(r =>
        r.external_id.startsWith(`${testSession}/`),
      );
      expect(result).toMatchObject({
        status: 'succeeded',
        deleted: deletedRuns.length + goneTests.length,
      });
      const after = await backupSnapshot(knex);
      expect(after.jobs).toEqual(before.jobs);
      expect(after.runs).toEqual(
        before.runs
          .filter(
            r => !deletedRuns.includes(r.external_id) && !goneTests.includes(r),
          )
          .map(r =>
            r.external_id === pointless.external_id
              ? { ...r, restore_point_at: null }
              : r,
          ),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'skips unreadable sessions with a warning naming them and the field, storing the rest, %p',
    async databaseId => {
      const backups = reference.runs.filter(
        r => r.kind === 'backup' && r.result !== 'running',
      );
      const [a, b, c] = [backups[3], backups[20], backups[33]].map(
        r => r.external_id,
      );
      setup = await startVeeam({
        quirks: {
          corruptSessions: {
            [a]: 'unreadableCreationTime',
            [b]: 'missingId',
            [c]: 'unknownResult',
          },
        },
      });
      const knex = await migrateItopsDatabase(await databases.init(databaseId));
      const logger = mockServices.logger.mock();
      const { source } = veeamSource(setup, { logger });
      const result = await syncEngine(knex, source).runOnce(source, 'backups', {
        full: true,
      });
      expect(result).toMatchObject({ status: 'succeeded' });
      const stored = await backupSnapshot(knex);
      expect(stored.runs).toEqual(
        reference.runs.filter(r => ![a, b, c].includes(r.external_id)),
      );
      const warnings = logger.warn.mock.calls.map(call => String(call[0]));
      expect(warnings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `session ${a} .*unreadable creationTime "25/11/2026 12:00"`,
            ),
          ),
          expect.stringMatching(
            /session without id \(name ".+", created ".+"\).*unreadable id \(missing\)/,
          ),
          expect.stringMatching(
            new RegExp(
              `session ${c} .*unreadable result.result "PartiallySucceeded"`,
            ),
          ),
        ]),
      );
    },
  );
});

/** Ids of the restore points a session made, from the simulator's API. */
async function pointsOf(
  _knex: Knex,
  setup: Setup,
  sessionId: string,
): Promise<string[]> {
  const url = setup.sims.urls.veeam;
  const headers = { 'x-api-version': '1.2-rev1' };
  const token = await (
    await fetch(`${url}/api/oauth2/token`, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password&username=itops&password=veeam-password',
    })
  ).json();
  const ids: string[] = [];
  for (let skip = 0; ; ) {
    const page = await (
      await fetch(`${url}/api/v1/restorePoints?skip=${skip}&limit=500`, {
        headers: { ...headers, authorization: `Bearer ${token.access_token}` },
      })
    ).json();
    ids.push(
      ...page.data
        .filter((p: any) => p.sessionId === sessionId)
        .map((p: any) => p.id),
    );
    skip += page.data.length;
    if (page.data.length === 0 || skip >= page.pagination.total) {
      return ids;
    }
  }
}
