import { FixedClock } from '../world/clock';
import { createVeeamSimulator } from './index';
import type { SystemSimulator } from '../types';
import { serveSystem, type RunningServer } from '../server/http';

const NOW = '2026-03-10T12:00:00Z';
const SCALE = {
  services: 10,
  incidents: 10,
  changes: 10,
  backupJobs: 5_000,
  backupSessions: 2_000_000,
};

describe('Veeam simulator scale mode', () => {
  let simulator: SystemSimulator;
  let server: RunningServer;
  let token: string;
  let buildMs: number;

  beforeAll(async () => {
    const started = Date.now();
    simulator = createVeeamSimulator({
      seed: 3,
      clock: new FixedClock(NOW),
      scale: SCALE,
    });
    buildMs = Date.now() - started;
    server = await serveSystem(simulator);
    const response = await fetch(`${server.url}/api/oauth2/token`, {
      method: 'POST',
      headers: {
        'x-api-version': '1.3-rev0',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password&username=itops&password=veeam-password',
    });
    token = (await response.json()).access_token;
  });

  afterAll(async () => {
    await server.close();
  });

  async function get(path: string) {
    const response = await fetch(`${server.url}${path}`, {
      headers: {
        authorization: `Bearer ${token}`,
        'x-api-version': '1.3-rev0',
      },
    });
    expect(response.status).toBe(200);
    return response.json();
  }

  it('starts in seconds with the requested counts', () => {
    expect(buildMs).toBeLessThan(15_000);
    expect(simulator.stats()).toMatchObject({
      jobs: 5_000,
      sessions: 2_000_000,
    });
  });

  it('answers the incremental sync query page by page, in creation order', async () => {
    const since = '2026-03-10T10:00:00+01:00';
    const base = `/api/v1/sessions?createdAfterFilter=${encodeURIComponent(
      since,
    )}&orderColumn=CreationTime&orderAsc=true`;
    const seen = new Set<string>();
    let previous = Date.parse(since);
    let total = -1;
    for (let skip = 0; total < 0 || skip < total; ) {
      const page = await get(`${base}&skip=${skip}&limit=1000`);
      total = page.pagination.total;
      for (const session of page.data) {
        const created = Date.parse(session.creationTime);
        expect(created).toBeGreaterThanOrEqual(previous);
        previous = created;
        seen.add(session.id);
      }
      skip += page.pagination.count;
    }
    // One session every ~2.6 s; the newest is an hour old, so the window spans two hours.
    expect(total).toBeGreaterThan(2_000);
    expect(total).toBeLessThan(3_000);
    expect(seen.size).toBe(total);
  });

  it('reaches deep pages and single sessions without materialising the rest', async () => {
    const started = Date.now();
    const deep = await get(
      '/api/v1/sessions?orderColumn=CreationTime&orderAsc=true&skip=1999990&limit=50',
    );
    expect(deep.pagination).toMatchObject({ total: 2_000_000, count: 10 });
    const last = deep.data[9];
    const one = await get(`/api/v1/sessions/${last.id}`);
    expect(one).toEqual(last);
    const ofJob = await get(
      `/api/v1/sessions?jobIdFilter=${last.jobId}&limit=1000`,
    );
    expect(ofJob.pagination.total).toBe(400);
    expect(ofJob.data.every((s: any) => s.jobId === last.jobId)).toBe(true);
    expect(ofJob.data[0].id).toBe(last.id);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports every job state from the derived sessions', async () => {
    const states = await get('/api/v1/jobs/states?limit=5000');
    expect(states.pagination.total).toBe(5_000);
    const failing = states.data.filter((s: any) => s.lastResult === 'Failed');
    expect(failing.length).toBeGreaterThan(0);
    const sample = states.data[4321];
    const sessions = await get(
      `/api/v1/sessions?jobIdFilter=${sample.id}&limit=1`,
    );
    expect(sessions.data[0].id).toBe(sample.sessionId);
    expect(sessions.data[0].creationTime).toBe(sample.lastRun);
  });
});
