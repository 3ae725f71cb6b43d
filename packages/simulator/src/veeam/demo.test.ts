import { ORG_BACKUP_JOBS } from '../world/org';
import { readAllPages, startVeeam, type VeeamHarness } from './testUtils';

const HOUR = 3_600_000;

describe('Veeam simulator demo world', () => {
  let harness: VeeamHarness;
  let token: string;

  beforeEach(async () => {
    harness = await startVeeam();
    token = await harness.login();
  });

  afterEach(async () => {
    await harness.server.close();
  });

  async function stateOf(name: string) {
    const { data } = await harness.getJson(
      `/api/v1/jobs/states?nameFilter=${encodeURIComponent(name)}`,
      token,
    );
    expect(data).toHaveLength(1);
    return data[0];
  }

  async function backupSessionsOf(jobId: string) {
    const { items } = await readAllPages(
      harness,
      `/api/v1/sessions?jobIdFilter=${jobId}&typeFilter=BackupJob`,
      token,
      500,
    );
    return items;
  }

  /** Moves time on; logs in again as the old token's 900 s have passed. */
  async function advanceAndTick(milliseconds: number) {
    harness.clock.advance(milliseconds);
    harness.simulator.tick(harness.clock.now());
    token = await harness.login();
  }

  it('has the jobs of the shared organisation, with their descriptions and objects', async () => {
    const { data } = await harness.getJson('/api/v1/jobs', token);
    expect(data.map((j: any) => j.name)).toEqual(
      ORG_BACKUP_JOBS.map(j => j.name),
    );
    const storefront = data.find(
      (j: any) => j.name === 'Storefront Apps - Daily',
    );
    expect(storefront.description).toContain('[itops:storefront]');
    expect(storefront.virtualMachines.includes.map((o: any) => o.name)).toEqual(
      ['shop-web-vm-01', 'shop-web-vm-02', 'shop-catalog-vm-01'],
    );
  });

  it('shows the failing job failing: its latest runs all failed', async () => {
    const state = await stateOf('Data Warehouse - Weekly');
    expect(state.lastResult).toBe('Failed');
    const sessions = await backupSessionsOf(state.id);
    expect(sessions.slice(0, 3).map(s => s.result.result)).toEqual([
      'Failed',
      'Failed',
      'Failed',
    ]);
    expect(sessions.slice(3).some(s => s.result.result === 'Success')).toBe(
      true,
    );
    expect(sessions[0].result.message).toMatch(/^Error: /);
  });

  it('shows the stale job stale: scheduled daily but not run for days', async () => {
    const state = await stateOf('Object Storage - Daily');
    const now = harness.clock.now().getTime();
    expect(now - Date.parse(state.lastRun)).toBeGreaterThan(5 * 24 * HOUR);
    expect(Date.parse(state.nextRun) - now).toBeLessThanOrEqual(24 * HOUR);
    expect(Date.parse(state.nextRun)).toBeGreaterThan(now);
    expect(state.status).not.toBe('disabled');
  });

  it('shows the warning job with frequent warnings and healthy jobs green and current', async () => {
    const warning = await stateOf('Storefront Apps - Daily');
    expect(warning.lastResult).toBe('Warning');
    const sessions = await backupSessionsOf(warning.id);
    const warnings = sessions.filter(s => s.result.result === 'Warning').length;
    expect(warnings / sessions.length).toBeGreaterThan(0.25);
    expect(sessions.length).toBeGreaterThanOrEqual(59);

    const now = harness.clock.now().getTime();
    for (const job of ORG_BACKUP_JOBS.filter(j => j.health === 'healthy')) {
      const state = await stateOf(job.name);
      expect(state.lastResult).toBe('Success');
      expect(now - Date.parse(state.lastRun)).toBeLessThan(
        (job.everyHours + 1) * HOUR,
      );
    }
  });

  it('keeps restore points for successful runs of each protected object', async () => {
    const state = await stateOf('Data Warehouse - Weekly');
    const sessions = await backupSessionsOf(state.id);
    const { data } = await harness.getJson(
      '/api/v1/restorePoints?nameFilter=dwh-01&limit=100',
      token,
    );
    const failedIds = new Set(
      sessions.filter(s => s.result.result === 'Failed').map(s => s.id),
    );
    expect(data.length).toBeGreaterThan(0);
    for (const point of data) {
      expect(failedIds.has(point.sessionId)).toBe(false);
    }
  });

  it('has restore tests to derive from: recent, failed, old and never', async () => {
    const sureBackups = await harness.getJson(
      '/api/v1/sessions?typeFilter=SureBackup',
      token,
    );
    const now = harness.clock.now().getTime();
    const ages = sureBackups.data.map(
      (s: any) => (now - Date.parse(s.creationTime)) / (24 * HOUR),
    );
    expect(Math.min(...ages)).toBeLessThan(7);
    expect(Math.max(...ages)).toBeGreaterThan(90);
    const failed = sureBackups.data.find(
      (s: any) => s.result.result === 'Failed',
    );
    expect(failed.name).toBe('SureBackup - Orders');

    const tasks = await harness.getJson(
      `/api/v1/sessions/${failed.id}/taskSessions`,
      token,
    );
    expect(tasks.data).toEqual([
      expect.objectContaining({
        name: 'pg-orders-01',
        result: expect.objectContaining({ result: 'Failed' }),
      }),
    ]);

    const instant = await harness.getJson(
      '/api/v1/sessions?typeFilter=InstantRecovery',
      token,
    );
    expect(instant.data.map((s: any) => s.name)).toEqual(['idp-vm-01']);
    const tested = new Set(
      [...sureBackups.data, ...instant.data].map((s: any) => s.resourceId),
    );
    const untested = await stateOf('Data Warehouse - Weekly');
    const backups = await harness.getJson(
      `/api/v1/backups?jobIdFilter=${untested.id}`,
      token,
    );
    expect(tested.has(backups.data[0].id)).toBe(false);
  });

  it('derives the same world from the same seed and another from another seed', async () => {
    const again = await startVeeam();
    const other = await startVeeam({ seed: 8 });
    try {
      const page = async (h: VeeamHarness) =>
        (await h.getJson('/api/v1/sessions?limit=20', await h.login())).data;
      expect(await page(again)).toEqual(await page(harness));
      expect((await page(other))[0].id).not.toEqual(
        (await page(harness))[0].id,
      );
    } finally {
      await again.server.close();
      await other.server.close();
    }
  });

  it('runs and finishes backups as live mode ticks', async () => {
    const state = await stateOf('Payments DB - Hourly');
    const pointsBefore = (
      await harness.getJson(
        '/api/v1/restorePoints?nameFilter=pg-payments-01',
        token,
      )
    ).pagination.total;
    // The test clock stands at 13:00 server time; the hourly job runs at :15.
    await advanceAndTick(20 * 60_000);
    const running = await stateOf('Payments DB - Hourly');
    expect(running.status).toBe('running');
    expect(running.sessionId).not.toBe(state.sessionId);
    const session = await harness.getJson(
      `/api/v1/sessions/${running.sessionId}`,
      token,
    );
    expect(session).toMatchObject({ state: 'Working', endTime: null });

    await advanceAndTick(HOUR);
    const done = await harness.getJson(
      `/api/v1/sessions/${running.sessionId}`,
      token,
    );
    expect(done.state).toBe('Stopped');
    expect(done.usn).toBeGreaterThan(session.usn);
    expect((await stateOf('Payments DB - Hourly')).lastResult).toBe(
      done.result.result,
    );
    const pointsAfter = (
      await harness.getJson(
        '/api/v1/restorePoints?nameFilter=pg-payments-01',
        token,
      )
    ).pagination.total;
    expect(pointsAfter).toBe(
      pointsBefore + (done.result.result === 'Failed' ? 0 : 1),
    );

    // The stale job's scheduler stays silent.
    await advanceAndTick(24 * HOUR);
    const stale = await stateOf('Object Storage - Daily');
    expect(
      harness.clock.now().getTime() - Date.parse(stale.lastRun),
    ).toBeGreaterThan(6 * 24 * HOUR);
  });

  it('starts a job on request', async () => {
    const state = await stateOf('Kafka - Daily');
    const response = await fetch(
      `${harness.server.url}/api/v1/jobs/${state.id}/start`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'x-api-version': '1.2-rev1',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          performActiveFull: false,
          startChainedJobs: false,
        }),
      },
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      jobId: state.id,
      state: 'Working',
    });
    expect((await stateOf('Kafka - Daily')).status).toBe('running');
  });

  it('inserts a shifting session first under the default order', async () => {
    const before = await harness.getJson('/api/v1/sessions?limit=10', token);
    harness.simulator.insertShiftingRecord();
    const after = await harness.getJson('/api/v1/sessions?limit=10', token);
    expect(after.pagination.total).toBe(before.pagination.total + 1);
    expect(after.data.slice(1)).toEqual(before.data.slice(0, 9));
    expect(before.data.map((s: any) => s.id)).not.toContain(after.data[0].id);
  });
});
