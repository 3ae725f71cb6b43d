import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ConfigReader } from '@backstage/config';
import { readVeeamServerConfig } from './config';
import { VeeamClient } from './VeeamClient';

const BASE = 'https://vbr.test:9419';

function createClient(
  options: { apiVersion?: string; pageSize?: number; now?: () => number } = {},
) {
  const server = readVeeamServerConfig(
    'test',
    new ConfigReader({
      baseUrl: BASE,
      apiVersion: options.apiVersion ?? '1.2-rev1',
      username: 'itops',
      password: 's3cret',
      pageSize: options.pageSize ?? 2,
      http: { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
    }),
  );
  return VeeamClient.fromConfig(server, { now: options.now });
}

/** A token endpoint that issues numbered tokens and records every grant. */
function tokenEndpoint(options: { expiresIn?: number } = {}) {
  const grants: Array<{ form: URLSearchParams; apiVersion: string | null }> =
    [];
  let issued = 0;
  const handler = http.post(`${BASE}/api/oauth2/token`, async ({ request }) => {
    const form = new URLSearchParams(await request.text());
    grants.push({ form, apiVersion: request.headers.get('x-api-version') });
    if (
      form.get('grant_type') === 'refresh_token' &&
      !form.get('refresh_token')?.startsWith('refresh-')
    ) {
      return HttpResponse.json(
        { errorCode: 'InvalidToken', message: 'The refresh token is invalid.' },
        { status: 401 },
      );
    }
    issued++;
    return HttpResponse.json({
      access_token: `access-${issued}`,
      token_type: 'bearer',
      refresh_token: `refresh-${issued}`,
      expires_in: options.expiresIn ?? 900,
      '.issued': '2026-11-25T13:00:00+01:00',
      '.expires': '2026-11-25T13:15:00+01:00',
    });
  });
  return { handler, grants };
}

/** `GET /api/v1/jobs` over `total` numbered jobs, honouring skip/limit. */
function jobsEndpoint(
  total: number,
  seen: Array<{ url: URL; headers: Headers }>,
) {
  return http.get(`${BASE}/api/v1/jobs`, ({ request }) => {
    const url = new URL(request.url);
    seen.push({ url, headers: request.headers });
    const skip = Number(url.searchParams.get('skip') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 200);
    const data = Array.from({ length: total }, (_, i) => ({
      id: `job-${i}`,
      name: `Job ${i}`,
      type: 'Backup',
    })).slice(skip, skip + limit);
    return HttpResponse.json({
      data,
      pagination: { total, count: data.length, skip, limit },
    });
  });
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) {
    all.push(...page);
  }
  return all;
}

describe('VeeamClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('logs in with the password grant, sending x-api-version on the token call and every request', async () => {
    const tokens = tokenEndpoint();
    const seen: Array<{ url: URL; headers: Headers }> = [];
    server.use(tokens.handler, jobsEndpoint(1, seen));

    const jobs = await collect(createClient().jobs());

    expect(jobs.map(j => j.id)).toEqual(['job-0']);
    expect(tokens.grants).toHaveLength(1);
    expect(tokens.grants[0].apiVersion).toBe('1.2-rev1');
    expect(Object.fromEntries(tokens.grants[0].form)).toEqual({
      grant_type: 'password',
      username: 'itops',
      password: 's3cret',
    });
    expect(seen[0].headers.get('x-api-version')).toBe('1.2-rev1');
    expect(seen[0].headers.get('authorization')).toBe('Bearer access-1');
  });

  it('pages with skip and limit until pagination.total', async () => {
    const seen: Array<{ url: URL; headers: Headers }> = [];
    server.use(tokenEndpoint().handler, jobsEndpoint(5, seen));

    const jobs = await collect(createClient({ pageSize: 2 }).jobs());

    expect(jobs.map(j => j.id)).toEqual([
      'job-0',
      'job-1',
      'job-2',
      'job-3',
      'job-4',
    ]);
    expect(
      seen.map(s => [
        s.url.searchParams.get('skip'),
        s.url.searchParams.get('limit'),
      ]),
    ).toEqual([
      ['0', '2'],
      ['2', '2'],
      ['4', '2'],
    ]);
  });

  it('stops at an empty page when the server sends no total', async () => {
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      http.get(`${BASE}/api/v1/jobs/states`, ({ request }) => {
        calls++;
        const skip = Number(new URL(request.url).searchParams.get('skip'));
        const data =
          skip < 3 ? [{ id: `j${skip}`, name: 'x', type: 'Backup' }] : [];
        return HttpResponse.json({ data, pagination: { count: data.length } });
      }),
    );
    const states = await collect(createClient({ pageSize: 1 }).jobStates());
    expect(states.map(s => s.id)).toEqual(['j0', 'j1', 'j2']);
    expect(calls).toBe(4);
  });

  it('stops at a short page when the server sends no total, even if it ignores skip', async () => {
    let calls = 0;
    server.use(
      tokenEndpoint().handler,
      // 1.2-rev1 declares no skip/limit on taskSessions: a server may send
      // the whole list whatever skip says.
      http.get(`${BASE}/api/v1/sessions/s1/taskSessions`, () => {
        calls++;
        return HttpResponse.json({ data: [{ id: 't1', name: 'vm-1' }] });
      }),
    );
    const tasks = await createClient({ pageSize: 5 }).taskSessions('s1');
    expect(tasks.map(t => t.id)).toEqual(['t1']);
    expect(calls).toBe(1);
  });

  it.each([
    ['a bare array', [{ id: 'j1' }]],
    ['another envelope', { items: [{ id: 'j1' }], total: 1 }],
  ])(
    'fails a listing answered with %s instead of reading it as empty',
    async (_, body) => {
      server.use(
        tokenEndpoint().handler,
        http.get(`${BASE}/api/v1/jobs`, () => HttpResponse.json(body)),
      );
      await expect(collect(createClient().jobs())).rejects.toThrow(
        /GET \/api\/v1\/jobs answered without a data array/,
      );
    },
  );

  it('renews the token with the refresh grant before it expires', async () => {
    let now = Date.parse('2026-11-25T12:00:00Z');
    const tokens = tokenEndpoint();
    const seen: Array<{ url: URL; headers: Headers }> = [];
    server.use(tokens.handler, jobsEndpoint(1, seen));
    const client = createClient({ now: () => now });

    await collect(client.jobs());
    now += 700_000; // 700 s of 900: still fresh
    await collect(client.jobs());
    now += 30_000; // 730 s: within the last fifth of its life
    await collect(client.jobs());

    expect(tokens.grants.map(g => g.form.get('grant_type'))).toEqual([
      'password',
      'refresh_token',
    ]);
    expect(tokens.grants[1].form.get('refresh_token')).toBe('refresh-1');
    expect(tokens.grants.every(g => g.apiVersion === '1.2-rev1')).toBe(true);
    expect(seen.map(s => s.headers.get('authorization'))).toEqual([
      'Bearer access-1',
      'Bearer access-1',
      'Bearer access-2',
    ]);
  });

  it('refreshes once when a token expires mid-sync and carries on paging', async () => {
    const tokens = tokenEndpoint();
    const seen: string[] = [];
    let revoked = false;
    server.use(
      tokens.handler,
      http.get(`${BASE}/api/v1/jobs`, ({ request }) => {
        const auth = request.headers.get('authorization')!;
        seen.push(auth);
        const skip = Number(new URL(request.url).searchParams.get('skip'));
        // The server lets the first token die after the first page.
        if (skip > 0 && !revoked && auth === 'Bearer access-1') {
          revoked = true;
        }
        if (revoked && auth === 'Bearer access-1') {
          return HttpResponse.json(
            {
              errorCode: 'ExpiredToken',
              message: 'The access token has expired.',
            },
            { status: 401 },
          );
        }
        const data = [{ id: `job-${skip}`, name: 'x', type: 'Backup' }].filter(
          () => skip < 3,
        );
        return HttpResponse.json({ data, pagination: { total: 3 } });
      }),
    );

    const jobs = await collect(createClient({ pageSize: 1 }).jobs());

    expect(jobs.map(j => j.id)).toEqual(['job-0', 'job-1', 'job-2']);
    expect(seen).toEqual([
      'Bearer access-1',
      'Bearer access-1',
      'Bearer access-2',
      'Bearer access-2',
    ]);
    expect(tokens.grants.map(g => g.form.get('grant_type'))).toEqual([
      'password',
      'refresh_token',
    ]);
  });

  it('logs in again with the password when the refresh token is refused', async () => {
    let now = 0;
    const grants: string[] = [];
    let issued = 0;
    server.use(
      http.post(`${BASE}/api/oauth2/token`, async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        grants.push(form.get('grant_type')!);
        if (form.get('grant_type') === 'refresh_token') {
          return HttpResponse.json(
            {
              errorCode: 'InvalidToken',
              message: 'The refresh token is invalid.',
            },
            { status: 401 },
          );
        }
        issued++;
        return HttpResponse.json({
          access_token: `a${issued}`,
          refresh_token: `r${issued}`,
          token_type: 'bearer',
          expires_in: 900,
        });
      }),
      jobsEndpoint(1, []),
    );
    const client = createClient({ now: () => now });
    await collect(client.jobs());
    now += 800_000;
    await collect(client.jobs());
    expect(grants).toEqual(['password', 'refresh_token', 'password']);
  });

  it('shares one token request between concurrent requests', async () => {
    const tokens = tokenEndpoint();
    server.use(tokens.handler, jobsEndpoint(1, []));
    const client = createClient();
    await Promise.all([collect(client.jobs()), collect(client.jobs())]);
    expect(tokens.grants).toHaveLength(1);
  });

  it('logs out with the bearer token and x-api-version, and only once', async () => {
    const tokens = tokenEndpoint();
    const logouts: Headers[] = [];
    server.use(
      tokens.handler,
      jobsEndpoint(1, []),
      http.post(`${BASE}/api/oauth2/logout`, ({ request }) => {
        logouts.push(request.headers);
        return HttpResponse.json({});
      }),
    );
    const client = createClient();
    await client.auth.logout(); // never logged in: nothing to end
    await collect(client.jobs());
    await client.auth.logout();
    await client.auth.logout();
    expect(logouts).toHaveLength(1);
    expect(logouts[0].get('authorization')).toBe('Bearer access-1');
    expect(logouts[0].get('x-api-version')).toBe('1.2-rev1');
  });

  it('reports a refused login without the password', async () => {
    server.use(
      http.post(`${BASE}/api/oauth2/token`, () =>
        HttpResponse.json(
          {
            errorCode: 'AccessDenied',
            message:
              'Failed to log in: the user name or password is incorrect.',
          },
          { status: 401 },
        ),
      ),
    );
    const failure = collect(createClient().jobs());
    await expect(failure).rejects.toThrow(/token answered 401.*AccessDenied/);
    await expect(collect(createClient().jobs())).rejects.not.toThrow(/s3cret/);
  });

  it.each([
    ['1.1-rev2', '/api/v1/objectRestorePoints'],
    ['1.2-rev1', '/api/v1/restorePoints'],
    ['1.3-rev0', '/api/v1/restorePoints'],
  ])('reads restore points of revision %s at %s', async (apiVersion, path) => {
    const tokens = tokenEndpoint();
    const hits: URL[] = [];
    const answer = ({ request }: { request: Request }) => {
      hits.push(new URL(request.url));
      return HttpResponse.json({
        data: [
          {
            id: 'rp1',
            name: 'vm-1',
            creationTime: '2026-11-25T01:00:30.5+01:00',
            sessionId: 's1',
          },
        ],
        pagination: { total: 1, count: 1 },
      });
    };
    server.use(
      tokens.handler,
      http.get(`${BASE}/api/v1/objectRestorePoints`, answer),
      http.get(`${BASE}/api/v1/restorePoints`, answer),
    );

    const points = await collect(
      createClient({ apiVersion }).restorePoints({
        from: Date.parse('2026-11-25T00:00:00Z'),
        to: Date.parse('2026-11-25T01:00:00Z'),
      }),
    );

    expect(points.map(p => p.id)).toEqual(['rp1']);
    expect(hits.map(h => h.pathname)).toEqual([path]);
    expect(hits[0].searchParams.get('createdAfterFilter')).toBe(
      '2026-11-25T00:00:00.000Z',
    );
    expect(hits[0].searchParams.get('orderColumn')).toBe('CreationTime');
    expect(tokens.grants[0].apiVersion).toBe(apiVersion);
  });
});
