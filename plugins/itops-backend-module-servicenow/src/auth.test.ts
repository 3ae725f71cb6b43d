import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { SourceHttpClient } from '@backstage-itops/plugin-itops-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { BasicAuth, OAuthAuth } from './auth';
import type { ServiceNowAuthConfig } from './config';

const BASE = 'https://acme.service-now.com';
const server = setupServer();
registerMswTestHooks(server);

type OAuthConfig = Extract<ServiceNowAuthConfig, { kind: 'oauth' }>;

const PASSWORD_GRANT: OAuthConfig = {
  kind: 'oauth',
  grantType: 'password',
  clientId: 'client',
  clientSecret: 's3cret',
  username: 'itops',
  password: 'pw',
};

/** A token endpoint that issues numbered tokens and records the forms it got. */
function tokenEndpoint(
  options: { expiresIn?: number; refresh?: boolean } = {},
) {
  const forms: Array<Record<string, string>> = [];
  server.use(
    http.post(`${BASE}/oauth_token.do`, async ({ request }) => {
      expect(request.headers.get('content-type')).toBe(
        'application/x-www-form-urlencoded',
      );
      const form = Object.fromEntries(
        new URLSearchParams(await request.text()),
      );
      forms.push(form);
      if (form.client_secret !== 's3cret') {
        return HttpResponse.json(
          { error_description: 'access_denied', error: 'server_error' },
          { status: 401 },
        );
      }
      if (
        form.grant_type === 'refresh_token' &&
        form.refresh_token === 'revoked'
      ) {
        return HttpResponse.json(
          { error_description: 'access_denied', error: 'server_error' },
          { status: 401 },
        );
      }
      return HttpResponse.json({
        access_token: `token-${forms.length}`,
        ...(options.refresh === false
          ? {}
          : { refresh_token: `refresh-${forms.length}` }),
        scope: 'useraccount',
        token_type: 'Bearer',
        expires_in: options.expiresIn ?? 1799,
      });
    }),
  );
  return forms;
}

function clients(
  config: OAuthConfig,
  now: () => number = Date.now,
  sleeps: number[] = [],
) {
  const tokenClient = new SourceHttpClient({
    name: 'servicenow/test token',
    baseUrl: BASE,
    requestsPerSecond: 1000,
    sleep: async ms => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
  const auth = new OAuthAuth({ config, tokenClient, now });
  const api = new SourceHttpClient({
    name: 'servicenow/test',
    baseUrl: BASE,
    auth,
    requestsPerSecond: 1000,
    sleep: async () => {},
  });
  return { auth, api };
}

describe('BasicAuth', () => {
  it('sends the credentials as a Basic header', async () => {
    const auth = new BasicAuth('itops.integration', 'p:w');
    expect(await auth.headers()).toEqual({
      authorization: `Basic ${Buffer.from('itops.integration:p:w').toString(
        'base64',
      )}`,
    });
  });
});

describe('OAuthAuth', () => {
  it('gets a token with the password grant and sends it as a Bearer token', async () => {
    const forms = tokenEndpoint();
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/api/now/table/incident`, ({ request }) => {
        seen.push(request.headers.get('authorization')!);
        return HttpResponse.json({ result: [] });
      }),
    );
    const { api } = clients(PASSWORD_GRANT);
    await api.json('/api/now/table/incident');
    await api.json('/api/now/table/incident');
    expect(forms).toEqual([
      {
        grant_type: 'password',
        username: 'itops',
        password: 'pw',
        client_id: 'client',
        client_secret: 's3cret',
      },
    ]);
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-1']);
  });

  it('uses the client_credentials grant without user credentials', async () => {
    const forms = tokenEndpoint({ refresh: false });
    const { auth } = clients({
      ...PASSWORD_GRANT,
      grantType: 'client_credentials',
      username: undefined,
      password: undefined,
    });
    expect(await auth.headers()).toEqual({ authorization: 'Bearer token-1' });
    expect(forms).toEqual([
      {
        grant_type: 'client_credentials',
        client_id: 'client',
        client_secret: 's3cret',
      },
    ]);
  });

  it('renews at 80 % of the lifetime, with the refresh token', async () => {
    const forms = tokenEndpoint({ expiresIn: 600 });
    let now = 1_000_000;
    const { auth } = clients(PASSWORD_GRANT, () => now);
    expect(await auth.headers()).toEqual({ authorization: 'Bearer token-1' });
    now += 480_000 - 1; // just before 80 % of 600 s
    expect(await auth.headers()).toEqual({ authorization: 'Bearer token-1' });
    now += 1; // at it: renew well before the instance refuses the token
    expect(await auth.headers()).toEqual({ authorization: 'Bearer token-2' });
    expect(forms.map(f => f.grant_type)).toEqual(['password', 'refresh_token']);
    expect(forms[1].refresh_token).toBe('refresh-1');
  });

  it('keeps a 5-second token for 4 seconds instead of renewing per request', async () => {
    const forms = tokenEndpoint({ expiresIn: 5 });
    let now = 0;
    const { auth } = clients(PASSWORD_GRANT, () => now);
    const used = new Set<string>();
    // A request every 100 ms for 20 s.
    for (; now < 20_000; now += 100) {
      used.add((await auth.headers()).authorization);
    }
    expect(forms).toHaveLength(5);
    expect(used.size).toBe(5);
  });

  it('never uses a token in its last second', async () => {
    const forms = tokenEndpoint({ expiresIn: 2 });
    let now = 0;
    const { auth } = clients(PASSWORD_GRANT, () => now);
    await auth.headers();
    now = 999;
    await auth.headers();
    expect(forms).toHaveLength(1);
    now = 1000; // 80 % would be 1.6 s, but the last second starts here
    await auth.headers();
    expect(forms).toHaveLength(2);
  });

  it('renews earlier with refreshBeforeExpirySeconds, but not in the first half of the life', async () => {
    const forms = tokenEndpoint({ expiresIn: 600 });
    let now = 0;
    const { auth } = clients(
      { ...PASSWORD_GRANT, refreshBeforeExpiryMs: 200_000 },
      () => now,
    );
    await auth.headers();
    now = 399_999;
    await auth.headers();
    now = 400_000;
    await auth.headers();
    expect(forms).toHaveLength(2);
    // A margin longer than the token's life: renewed at half of it.
    const short = tokenEndpoint({ expiresIn: 60 });
    await auth.refresh();
    const renewedAt = now;
    now = renewedAt + 29_999;
    await auth.headers();
    expect(short).toHaveLength(1);
    now = renewedAt + 30_000;
    await auth.headers();
    expect(short).toHaveLength(2);
  });

  it.each([
    ['with Retry-After', { 'Retry-After': '7' }, [7000, 7000]],
    ['without Retry-After', {}, [250, 500]],
  ])(
    'retries token requests refused with 429 %s',
    async (_, headers: Record<string, string>, waits) => {
      let refusals = 2;
      server.use(
        http.post(`${BASE}/oauth_token.do`, () =>
          refusals-- > 0
            ? HttpResponse.json(
                {
                  error: { message: 'Rate limit exceeded', detail: null },
                  status: 'failure',
                },
                { status: 429, headers },
              )
            : HttpResponse.json({ access_token: 'late', expires_in: 1799 }),
        ),
      );
      const sleeps: number[] = [];
      const { auth } = clients(PASSWORD_GRANT, Date.now, sleeps);
      expect(await auth.headers()).toEqual({ authorization: 'Bearer late' });
      expect(sleeps).toEqual(waits);
    },
  );

  it('shares one renewal between concurrent requests', async () => {
    const forms = tokenEndpoint();
    const { auth } = clients(PASSWORD_GRANT);
    const headers = await Promise.all([
      auth.headers(),
      auth.headers(),
      auth.headers(),
    ]);
    expect(new Set(headers.map(h => h.authorization))).toEqual(
      new Set(['Bearer token-1']),
    );
    expect(forms).toHaveLength(1);
  });

  it('after a 401 renews once and retries the request', async () => {
    const forms = tokenEndpoint();
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/now/table/incident`, ({ request }) => {
        calls++;
        return request.headers.get('authorization') === 'Bearer token-1'
          ? HttpResponse.json(
              {
                error: {
                  message: 'User Not Authenticated',
                  detail: 'Required to provide Auth information',
                },
                status: 'failure',
              },
              { status: 401 },
            )
          : HttpResponse.json({ result: [{ sys_id: 'a' }] });
      }),
    );
    const { api } = clients(PASSWORD_GRANT);
    const response = await api.json<{ result: unknown[] }>(
      '/api/now/table/incident',
    );
    expect(response.body.result).toHaveLength(1);
    expect(calls).toBe(2);
    expect(forms.map(f => f.grant_type)).toEqual(['password', 'refresh_token']);
  });

  it('falls back to the grant when the refresh token was revoked', async () => {
    const forms = tokenEndpoint();
    let now = 0;
    const { auth } = clients(PASSWORD_GRANT, () => now);
    server.use(
      http.post(`${BASE}/oauth_token.do`, async ({ request }) => {
        const form = Object.fromEntries(
          new URLSearchParams(await request.text()),
        );
        forms.push(form);
        if (form.grant_type === 'refresh_token') {
          return HttpResponse.json(
            { error_description: 'access_denied', error: 'server_error' },
            { status: 401 },
          );
        }
        return HttpResponse.json({
          access_token: `token-${forms.length}`,
          refresh_token: 'r',
          expires_in: 1799,
        });
      }),
    );
    await auth.headers();
    now += 1_800_000;
    expect(await auth.headers()).toEqual({ authorization: 'Bearer token-3' });
    expect(forms.map(f => f.grant_type)).toEqual([
      'password',
      'refresh_token',
      'password',
    ]);
  });

  it('fails with the status when the client is refused, without the secret', async () => {
    tokenEndpoint();
    const { auth } = clients({ ...PASSWORD_GRANT, clientSecret: 'wrong' });
    const error = await auth.headers().catch(e => e);
    expect(error.status).toBe(401);
    expect(String(error.message)).toContain('access_denied');
    expect(String(error.message)).not.toContain('wrong');
  });
});
