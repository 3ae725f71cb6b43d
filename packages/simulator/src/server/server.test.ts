import { FixedClock } from '../world/clock';
import { type RunningSimulators, startSimulators } from './start';

const ADMIN = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
const INCIDENTS =
  '/api/now/table/incident?sysparm_limit=5&sysparm_fields=sys_id,number';

describe('fault injection through the server layer (ServiceNow as system under test)', () => {
  let clock: FixedClock;
  let sims: RunningSimulators<'servicenow'>;
  let url: string;
  beforeEach(async () => {
    clock = new FixedClock('2026-11-25T12:00:00Z');
    sims = await startSimulators({
      systems: ['servicenow'],
      ports: { servicenow: 0 },
      clock,
      seed: 3,
    });
    url = sims.urls.servicenow;
  });
  afterEach(() => sims.close());

  const get = (path = INCIDENTS, authorization = ADMIN) =>
    fetch(`${url}${path}`, {
      headers: { authorization, accept: 'application/json' },
    });
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/__admin/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const counts = async () => (await admin('GET', 'stats')).body.faults;

  it('adds fixed and jittered latency', async () => {
    await admin('PUT', 'faults', { latency: { fixedMs: 150, jitterMs: 50 } });
    const started = Date.now();
    expect((await get()).status).toBe(200);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(1000);
    expect((await counts()).latency).toBe(1);
  });

  it('rate-limits with 429, Retry-After and rate-limit headers until the window resets', async () => {
    sims.faults.set('servicenow', {
      rateLimit: { limit: 2, windowSeconds: 60 },
    });
    const ok = await get();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-limit')).toBe('2');
    expect((await get()).status).toBe(200);
    clock.advance(15_000);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    expect(limited.headers.get('x-ratelimit-reset')).toBe(
      String(Date.parse('2026-11-25T12:01:00Z') / 1000),
    );
    expect(limited.headers.get('x-ratelimit-rule')).toMatch(/^[0-9a-f]{32}$/);
    expect(await limited.json()).toEqual({
      error: { message: 'Rate limit exceeded', detail: expect.any(String) },
      status: 'failure',
    });
    clock.advance(45_000);
    expect((await get()).status).toBe(200);
    expect(sims.faults.stats('servicenow').faults.rateLimited).toBe(1);
  });

  it.each([500, 502, 503])(
    'answers a burst of %i for the next requests, then recovers',
    async status => {
      await admin('PUT', 'faults', { errors: { status, count: 2, after: 1 } });
      const responses = [];
      for (let i = 0; i < 4; i++) {
        const response = await get();
        responses.push({
          status: response.status,
          body: await response.json(),
        });
      }
      expect(responses.map(r => r.status)).toEqual([200, status, status, 200]);
      expect(responses[1].body.status).toBe('failure');
      expect(responses[1].body.error.message).toEqual(expect.any(String));
      expect((await counts()).errors).toBe(2);
    },
  );

  it('resets connections', async () => {
    sims.faults.set('servicenow', { resets: { count: 1 } });
    await expect(get()).rejects.toThrow();
    expect((await get()).status).toBe(200);
    expect(sims.faults.stats('servicenow').faults.resets).toBe(1);
  });

  it('truncates bodies mid-way', async () => {
    sims.faults.set('servicenow', { truncate: { count: 1 } });
    const response = await get();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect((await (await get()).json()).result).toHaveLength(5);
    expect((await counts()).truncated).toBe(1);
  });

  it('sends slow bodies that still arrive whole', async () => {
    sims.faults.set('servicenow', { slowBody: { count: 1, chunkDelayMs: 20 } });
    const started = Date.now();
    const body = await (await get()).json();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(body.result).toHaveLength(5);
    expect((await counts()).slowBodies).toBe(1);
  });

  it('serves malformed JSON', async () => {
    sims.faults.set('servicenow', { malformed: { count: 1 } });
    const response = await get();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
    expect((await counts()).malformed).toBe(1);
  });

  it('streams an oversized JSON body of the size asked for', async () => {
    sims.faults.set('servicenow', { oversized: { count: 1, megabytes: 2 } });
    const response = await get();
    expect(response.headers.get('content-length')).toBeNull();
    const text = await response.text();
    expect(text.length).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(JSON.parse(text).result.length).toBeGreaterThan(30);
    expect((await (await get()).json()).result).toHaveLength(5);
    expect((await counts()).oversized).toBe(1);
  });

  it('sends a gzip bomb: small on the wire, huge once expanded', async () => {
    sims.faults.set('servicenow', { gzipBomb: { count: 1, megabytes: 8 } });
    const response = await get();
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const wire = Number(response.headers.get('content-length'));
    const expanded = (await response.arrayBuffer()).byteLength;
    expect(expanded).toBe(8 * 1024 * 1024);
    expect(expanded / wire).toBeGreaterThan(200);
    expect((await counts()).gzipBombs).toBe(1);
  });

  it('redirects to another origin, and answers with an empty 200', async () => {
    sims.faults.set('servicenow', {
      foreignRedirect: { count: 1, location: 'http://127.0.0.2:9/x' },
      emptyAnswer: { count: 1, after: 1 },
    });
    const redirected = await fetch(`${url}${INCIDENTS}`, {
      headers: { authorization: ADMIN },
      redirect: 'manual',
    });
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get('location')).toBe('http://127.0.0.2:9/x');
    const empty = await get();
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
    expect(await counts()).toMatchObject({
      foreignRedirects: 1,
      emptyAnswers: 1,
    });
  });

  it('expires tokens mid-sync, after which a refresh recovers', async () => {
    const token = async (form: Record<string, string>) =>
      (
        await fetch(`${url}/oauth_token.do`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: 'itops-backstage',
            client_secret: 'itops-secret',
            ...form,
          }),
        })
      ).json();
    const issued = await token({
      grant_type: 'password',
      username: 'admin',
      password: 'admin',
    });
    sims.faults.set('servicenow', { expireTokens: { after: 2 } });
    const bearer = `Bearer ${issued.access_token}`;
    expect((await get(INCIDENTS, bearer)).status).toBe(200);
    expect((await get(INCIDENTS, bearer)).status).toBe(200);
    expect((await get(INCIDENTS, bearer)).status).toBe(401);
    const renewed = await token({
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token,
    });
    expect(
      (await get(INCIDENTS, `Bearer ${renewed.access_token}`)).status,
    ).toBe(200);
    expect((await counts()).tokenExpiries).toBe(1);
  });

  it('shifts records between pages', async () => {
    sims.faults.set('servicenow', { shiftRecords: { after: 1 } });
    const page = async (offset: number) =>
      (
        await (
          await get(
            `/api/now/table/incident?sysparm_query=ORDERBYsys_updated_on&sysparm_limit=5&sysparm_offset=${offset}&sysparm_fields=sys_id`,
          )
        ).json()
      ).result;
    const first = await page(0);
    const second = await page(5);
    expect(second[0].sys_id).toBe(first[4].sys_id);
    expect((await counts()).shiftedRecords).toBe(1);
  });

  it('takes a system down for an outage window', async () => {
    await admin('PUT', 'faults', { outage: { durationSeconds: 60 } });
    clock.advance(20_000);
    const down = await get();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('40');
    expect((await down.json()).status).toBe('failure');
    clock.advance(40_000);
    expect((await get()).status).toBe(200);

    await admin('PUT', 'faults', {
      outage: { from: '2026-11-25T13:00:00Z', to: '2026-11-25T14:00:00Z' },
    });
    expect((await get()).status).toBe(200);
    clock.advance(60 * 60_000); // 13:01
    expect((await get()).status).toBe(503);
    expect((await counts()).outage).toBe(2);
  });

  it('reports, replaces and resets faults through the admin endpoint', async () => {
    expect(await admin('GET', 'faults')).toEqual({
      status: 200,
      body: { system: 'servicenow', faults: {} },
    });
    const bad = await admin('PUT', 'faults', {
      errors: { status: 200, count: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/HTTP error status/);
    await admin('PUT', 'faults', { errors: { status: 500, count: 1 } });
    expect(sims.faults.get('servicenow')).toEqual({
      errors: { status: 500, count: 1 },
    });
    await get();
    await get();
    const stats = (await admin('GET', 'stats')).body;
    expect(stats).toMatchObject({
      system: 'servicenow',
      requests: 2,
      faults: { errors: 1 },
    });
    expect(stats.simulator['records.incident']).toBeGreaterThan(100);
    await admin('POST', 'reset');
    expect(await admin('GET', 'faults')).toEqual({
      status: 200,
      body: { system: 'servicenow', faults: {} },
    });
    expect((await admin('GET', 'stats')).body).toMatchObject({
      requests: 0,
      faults: { errors: 0 },
    });
  });
});

describe('startSimulators', () => {
  it('applies faults given at start-up and ticks simulators in live mode', async () => {
    const clock = new FixedClock('2026-11-25T12:00:00Z');
    const sims = await startSimulators({
      systems: ['servicenow'],
      ports: { servicenow: 0 },
      clock,
      live: { intervalMs: 20 },
      faults: { servicenow: { errors: { status: 502, count: 1 } } },
    });
    try {
      const get = () =>
        fetch(
          `${sims.urls.servicenow}/api/now/table/incident?sysparm_limit=1`,
          { headers: { authorization: ADMIN } },
        );
      expect((await get()).status).toBe(502);
      const before = Number((await get()).headers.get('x-total-count'));
      clock.advance(60_000);
      await new Promise(resolve => setTimeout(resolve, 300));
      expect(
        Number((await get()).headers.get('x-total-count')),
      ).toBeGreaterThan(before);
    } finally {
      await sims.close();
    }
  });

  it('starts all three systems on their own ports, each with the admin endpoint', async () => {
    const sims = await startSimulators({
      ports: { servicenow: 0, jira: 0, veeam: 0 },
    });
    try {
      const ports = new Set(Object.values(sims.urls).map(u => new URL(u).port));
      expect(ports.size).toBe(3);
      for (const [system, url] of Object.entries(sims.urls)) {
        const stats = await (await fetch(`${url}/__admin/stats`)).json();
        expect(stats).toMatchObject({ system, requests: 0 });
      }
    } finally {
      await sims.close();
    }
  });
});
