import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  type SourceAuth,
  SourceHttpClient,
  type SourceHttpClientOptions,
  SourceRequestError,
} from './SourceHttpClient';

const BASE = 'https://source.example';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(options: Partial<SourceHttpClientOptions> = {}) {
  const sleeps: number[] = [];
  const httpClient = new SourceHttpClient({
    name: 'test/one',
    baseUrl: `${BASE}/`,
    requestsPerSecond: 1000,
    sleep: async ms => {
      sleeps.push(ms);
    },
    random: () => 1,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 10_000 },
    ...options,
  });
  return { http: httpClient, sleeps };
}

/** Answers the given responses in turn, then the last one forever. */
function answers(...responses: Array<() => Response | Promise<Response>>) {
  let calls = 0;
  const seen: Request[] = [];
  return {
    seen,
    get calls() {
      return calls;
    },
    resolver: ({ request }: { request: Request }) => {
      seen.push(request.clone());
      const next = responses[Math.min(calls, responses.length - 1)];
      calls++;
      return next();
    },
  };
}

describe('SourceHttpClient', () => {
  it('sends query, default and auth headers, and parses JSON', async () => {
    const auth: SourceAuth = {
      headers: async () => ({ authorization: 'Bearer t1' }),
    };
    const sequence = answers(() => HttpResponse.json({ result: [1, 2] }));
    server.use(http.get(`${BASE}/api/now/table/incident`, sequence.resolver));
    const { http: client1 } = client({
      auth,
      defaultHeaders: { 'x-api-version': '1.2-rev1' },
    });

    const response = await client1.json<{ result: number[] }>(
      '/api/now/table/incident',
      { query: { sysparm_limit: 2, skipped: undefined } },
    );

    expect(response.body).toEqual({ result: [1, 2] });
    const [request] = sequence.seen;
    expect(new URL(request.url).search).toBe('?sysparm_limit=2');
    expect(request.headers.get('authorization')).toBe('Bearer t1');
    expect(request.headers.get('x-api-version')).toBe('1.2-rev1');
    expect(request.headers.get('accept')).toBe('application/json');
  });

  it('retries 503 and 429, honouring Retry-After', async () => {
    const sequence = answers(
      () =>
        new HttpResponse('busy', {
          status: 503,
          headers: { 'retry-after': '2' },
        }),
      () =>
        new HttpResponse('slow down', {
          status: 429,
          headers: { 'retry-after': '7' },
        }),
      () => new HttpResponse(null, { status: 502 }),
      () => HttpResponse.json({ ok: true }),
    );
    server.use(http.get(`${BASE}/thing`, sequence.resolver));
    const { http: c, sleeps } = client();

    await expect(c.json('/thing')).resolves.toMatchObject({
      body: { ok: true },
    });
    // Retry-After in seconds, then backoff 100 * 2^2 with jitter factor 1.
    expect(sleeps).toEqual([2000, 7000, 400]);
    expect(sequence.calls).toBe(4);
  });

  it('gives up after maxAttempts with the last status', async () => {
    const sequence = answers(
      () => new HttpResponse('{"error":"rate"}', { status: 429 }),
    );
    server.use(http.get(`${BASE}/storm`, sequence.resolver));
    const { http: c } = client();

    const error = await c.json('/storm').catch(e => e);
    expect(error).toBeInstanceOf(SourceRequestError);
    expect(error).toMatchObject({ status: 429, attempts: 4 });
    expect(error.message).toBe(
      'test/one GET /storm answered 429 after 4 attempts: {"error":"rate"}',
    );
    expect(sequence.calls).toBe(4);
  });

  it('fails fast on a status that retrying cannot fix, unless accepted', async () => {
    const sequence = answers(() =>
      HttpResponse.json(
        { error: { message: 'No such table' } },
        { status: 404 },
      ),
    );
    server.use(http.get(`${BASE}/missing`, sequence.resolver));
    const { http: c } = client();

    await expect(c.json('/missing')).rejects.toMatchObject({
      status: 404,
      attempts: 1,
      message: expect.stringContaining('No such table'),
    });
    await expect(
      c.json('/missing', { acceptStatuses: [404] }),
    ).resolves.toMatchObject({
      status: 404,
      body: { error: { message: 'No such table' } },
    });
    expect(sequence.calls).toBe(2);
  });

  it('renews credentials once after a 401 and retries with the new ones', async () => {
    let token = 'old';
    const auth: SourceAuth = {
      headers: async () => ({ authorization: `Bearer ${token}` }),
      refresh: jest.fn(async () => {
        token = 'new';
      }),
    };
    server.use(
      http.get(`${BASE}/me`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer new'
          ? HttpResponse.json({ me: 1 })
          : new HttpResponse(null, { status: 401 }),
      ),
    );
    const { http: c } = client({ auth });

    await expect(c.json('/me')).resolves.toMatchObject({ body: { me: 1 } });
    expect(auth.refresh).toHaveBeenCalledTimes(1);
  });

  it('does not loop when renewed credentials are refused too', async () => {
    const auth: SourceAuth = {
      headers: async () => ({ authorization: 'Bearer secret-value' }),
      refresh: jest.fn(async () => {}),
    };
    server.use(
      http.get(`${BASE}/me`, () => new HttpResponse('denied', { status: 401 })),
    );
    const { http: c } = client({ auth });

    const error = await c.json('/me').catch(e => e);
    expect(error).toMatchObject({ status: 401 });
    expect(error.message).not.toContain('secret-value');
    expect(auth.refresh).toHaveBeenCalledTimes(1);
  });

  it('retries network errors and broken bodies of idempotent requests', async () => {
    const sequence = answers(
      () => HttpResponse.error(),
      () => new HttpResponse('{"result": [', { status: 200 }),
      () => HttpResponse.json({ result: [] }),
    );
    server.use(http.get(`${BASE}/flaky`, sequence.resolver));
    const { http: c, sleeps } = client();

    await expect(c.json('/flaky')).resolves.toMatchObject({
      body: { result: [] },
    });
    expect(sleeps).toEqual([100, 200]);
  });

  it('does not repeat a POST that the server may have processed', async () => {
    const gateway = answers(() => new HttpResponse(null, { status: 502 }));
    server.use(http.post(`${BASE}/token`, gateway.resolver));
    const { http: c } = client();
    await expect(
      c.json('/token', { method: 'POST', body: 'grant_type=password' }),
    ).rejects.toMatchObject({ status: 502, attempts: 1 });

    const limited = answers(
      () => new HttpResponse(null, { status: 429 }),
      () => HttpResponse.json({ access_token: 'x' }),
    );
    server.use(http.post(`${BASE}/token`, limited.resolver));
    await expect(
      c.json('/token', { method: 'POST', body: { a: 1 } }),
    ).resolves.toMatchObject({ body: { access_token: 'x' } });
    expect(limited.seen[1].headers.get('content-type')).toBe(
      'application/json',
    );
    expect(await limited.seen[1].json()).toEqual({ a: 1 });
  });

  it('times out a hanging attempt and retries it', async () => {
    const sequence = answers(
      async () => {
        await delay(2000);
        return HttpResponse.json({ late: true });
      },
      () => HttpResponse.json({ late: false }),
    );
    server.use(http.get(`${BASE}/slow`, sequence.resolver));
    const { http: c } = client({ timeoutMs: 50 });

    await expect(c.json('/slow')).resolves.toMatchObject({
      body: { late: false },
    });
    expect(sequence.calls).toBe(2);
  });

  it('stops retrying when the caller aborts', async () => {
    const controller = new AbortController();
    const sequence = answers(() => new HttpResponse(null, { status: 503 }));
    server.use(http.get(`${BASE}/down`, sequence.resolver));
    const { http: c } = client({
      sleep: async () => {
        controller.abort(new Error('sync task timed out'));
      },
    });

    await expect(
      c.json('/down', { signal: controller.signal }),
    ).rejects.toThrow('sync task timed out');
    expect(sequence.calls).toBe(1);
  });

  it('resolves relative and absolute paths against the base URL', () => {
    const { http: c } = client();
    expect(c.url('api/x', { a: 'b c' }).toString()).toBe(`${BASE}/api/x?a=b+c`);
    expect(c.url('https://other.example/next?page=2').toString()).toBe(
      'https://other.example/next?page=2',
    );
  });
});

describe('SourceHttpClient defaults', () => {
  it('keeps the default policy for retry keys that config left unset', async () => {
    const sequence = answers(() => new HttpResponse(null, { status: 503 }));
    server.use(http.get(`${BASE}/down`, sequence.resolver));
    const c = new SourceHttpClient({
      name: 'test/defaults',
      baseUrl: BASE,
      retry: { maxAttempts: undefined, baseDelayMs: 1, maxDelayMs: undefined },
      sleep: async () => {},
    });
    await expect(c.json('/down')).rejects.toMatchObject({ attempts: 5 });
  });
});

describe('SourceHttpClient credentials', () => {
  it("fails at once, with the token's own error, when the credentials cannot be had", async () => {
    const sequence = answers(() => HttpResponse.json({ result: [] }));
    server.use(http.get(`${BASE}/api/now/table/incident`, sequence.resolver));
    const tokenError = new SourceRequestError(
      'test/one POST /oauth_token.do answered 429 after 4 attempts: slow down',
      { status: 429, attempts: 4, request: 'POST /oauth_token.do' },
    );
    const auth: SourceAuth = {
      headers: jest.fn().mockRejectedValue(tokenError),
    };
    const { http: c, sleeps } = client({ auth });
    await expect(c.json('/api/now/table/incident')).rejects.toBe(tokenError);
    // The token request retried on its own; its failure is not retried again.
    expect(auth.headers).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
    expect(sequence.calls).toBe(0);
  });

  it('does not deadlock when the auth fetches its token through the same client', async () => {
    server.use(
      http.post(`${BASE}/token`, () => HttpResponse.json({ token: 't' })),
      http.get(`${BASE}/data`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer t'
          ? HttpResponse.json({ ok: true })
          : new HttpResponse(null, { status: 401 }),
      ),
    );
    let token: string | undefined;
    // eslint-disable-next-line prefer-const
    let shared: SourceHttpClient;
    const auth: SourceAuth = {
      headers: async () => {
        token ??= (
          await shared.json<{ token: string }>('/token', {
            method: 'POST',
            anonymous: true,
          })
        ).body.token;
        return { authorization: `Bearer ${token}` };
      },
    };
    shared = new SourceHttpClient({
      name: 'test/one-slot',
      baseUrl: BASE,
      auth,
      maxConcurrency: 1,
      requestsPerSecond: 1000,
    });

    await expect(shared.json('/data')).resolves.toMatchObject({
      body: { ok: true },
    });
  });
});
