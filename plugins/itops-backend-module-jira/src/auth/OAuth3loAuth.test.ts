import { registerMswTestHooks } from '@backstage/backend-test-utils';
// The plugin's own test utilities, made for the source modules that extend it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { createTestDatabases } from '@backstage-itops/plugin-itops-backend/testUtils';
import { SourceHttpClient } from '@backstage-itops/plugin-itops-node';
import type { Knex } from 'knex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { OAuth3loAuth } from './OAuth3loAuth';
import {
  DatabaseOAuthTokenStore,
  migrateJiraDatabase,
} from './OAuthTokenStore';

jest.setTimeout(60_000);

const TOKEN_URL = 'https://auth.example/oauth/token';
const API = 'https://api.example/ex/jira/cloud-1';
const server = setupServer();
registerMswTestHooks(server);
const databases = createTestDatabases();

/**
 * Atlassian's token endpoint: every refresh answers a new access token and
 * a new refresh token, and the refresh token used is dead from then on.
 */
function atlassianTokenEndpoint(
  initialRefreshToken: string,
  options: {
    expiresIn?: number;
    /** 429s first, each with this Retry-After (undefined: none). */
    rateLimited?: Array<string | undefined>;
  } = {},
) {
  const valid = new Set([initialRefreshToken]);
  const grants: Array<Record<string, string>> = [];
  const refusals = [...(options.rateLimited ?? [])];
  let issued = 0;
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      const body = (await request.json()) as Record<string, string>;
      grants.push(body);
      if (refusals.length > 0) {
        const retryAfter = refusals.shift();
        return HttpResponse.json(
          { error: 'rate_limited' },
          {
            status: 429,
            headers:
              retryAfter === undefined ? {} : { 'retry-after': retryAfter },
          },
        );
      }
      if (
        body.grant_type !== 'refresh_token' ||
        body.client_id !== 'app' ||
        body.client_secret !== 'app-secret' ||
        !valid.delete(body.refresh_token)
      ) {
        return HttpResponse.json(
          {
            error: 'invalid_grant',
            error_description: 'Unknown or invalid refresh token.',
          },
          { status: 403 },
        );
      }
      issued++;
      valid.add(`rt-${issued}`);
      return HttpResponse.json({
        access_token: `at-${issued}`,
        refresh_token: `rt-${issued}`,
        expires_in: options.expiresIn ?? 3600,
        scope: 'read:jira-work offline_access',
        token_type: 'Bearer',
      });
    }),
  );
  return { grants, valid };
}

function createAuth(
  knex: Knex,
  options: {
    refreshToken?: string;
    now?: () => number;
    sleeps?: number[];
  } = {},
) {
  return new OAuth3loAuth({
    site: 'cloud',
    clientId: 'app',
    clientSecret: 'app-secret',
    configuredRefreshToken: options.refreshToken ?? 'rt-consent',
    tokenUrl: TOKEN_URL,
    tokenClient: new SourceHttpClient({
      name: 'jira/cloud oauth',
      baseUrl: TOKEN_URL,
      sleep: async ms => {
        options.sleeps?.push(ms);
      },
      random: () => 0.5,
    }),
    store: new DatabaseOAuthTokenStore(knex),
    now: options.now,
  });
}

async function setup(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  await migrateJiraDatabase(knex);
  return knex;
}

describe.each(databases.eachSupportedId())('OAuth3loAuth on %p', databaseId => {
  it('rotates the refresh token and persists each new one before use', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent');
    let now = Date.UTC(2026, 2, 10, 12);
    const auth = createAuth(knex, { now: () => now });

    await expect(auth.headers()).resolves.toEqual({
      authorization: 'Bearer at-1',
    });
    expect(endpoint.grants[0].refresh_token).toBe('rt-consent');
    const stored = await knex('itops_jira_oauth_tokens').where({
      site: 'cloud',
    });
    expect(stored).toHaveLength(1);
    expect(stored[0].refresh_token).toBe('rt-1');

    // Still valid: no new grant.
    await auth.headers();
    expect(endpoint.grants).toHaveLength(1);

    // Close to expiry: renewed proactively with the rotated token.
    now += 58 * 60_000;
    await expect(auth.headers()).resolves.toEqual({
      authorization: 'Bearer at-2',
    });
    expect(endpoint.grants[1].refresh_token).toBe('rt-1');
    expect((await knex('itops_jira_oauth_tokens').first()).refresh_token).toBe(
      'rt-2',
    );
  });

  it('continues the chain after a restart instead of reusing the dead configured token', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent');
    let now = Date.UTC(2026, 2, 10, 12);
    await createAuth(knex, { now: () => now }).headers();

    // A new process: the stored access token is still good.
    const restarted = createAuth(knex, { now: () => now });
    await expect(restarted.headers()).resolves.toEqual({
      authorization: 'Bearer at-1',
    });
    expect(endpoint.grants).toHaveLength(1);

    // Later, it refreshes with the stored rotated token.
    now += 2 * 3600_000;
    const later = createAuth(knex, { now: () => now });
    await expect(later.headers()).resolves.toEqual({
      authorization: 'Bearer at-2',
    });
    expect(endpoint.grants.map(g => g.refresh_token)).toEqual([
      'rt-consent',
      'rt-1',
    ]);
  });

  it('starts a new chain when config holds a new refresh token', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent');
    await createAuth(knex).headers();
    endpoint.valid.add('rt-reconsented');

    const reconfigured = createAuth(knex, { refreshToken: 'rt-reconsented' });
    await expect(reconfigured.headers()).resolves.toEqual({
      authorization: 'Bearer at-2',
    });
    expect(endpoint.grants[1].refresh_token).toBe('rt-reconsented');
  });

  it('picks up the token another replica rotated meanwhile', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent');
    let now = Date.UTC(2026, 2, 10, 12);
    const replicaA = createAuth(knex, { now: () => now });
    const replicaB = createAuth(knex, { now: () => now });
    await replicaA.headers();
    await replicaB.headers();
    expect(endpoint.grants).toHaveLength(1);

    // Both expire; A refreshes first, B then adopts A's fresh token.
    now += 2 * 3600_000;
    await expect(replicaA.headers()).resolves.toEqual({
      authorization: 'Bearer at-2',
    });
    await expect(replicaB.headers()).resolves.toEqual({
      authorization: 'Bearer at-2',
    });
    expect(endpoint.grants).toHaveLength(2);
  });

  it('recovers when another replica used the same refresh token first', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent');
    let now = Date.UTC(2026, 2, 10, 12);
    await createAuth(knex, { now: () => now }).headers();
    now += 2 * 3600_000;
    const store = new DatabaseOAuthTokenStore(knex);
    // B read the store just before A rotated the token.
    const before = await store.load('cloud');
    await createAuth(knex, { now: () => now }).headers();
    let loads = 0;
    const replicaB = new OAuth3loAuth({
      site: 'cloud',
      clientId: 'app',
      clientSecret: 'app-secret',
      configuredRefreshToken: 'rt-consent',
      tokenUrl: TOKEN_URL,
      tokenClient: new SourceHttpClient({
        name: 'jira/cloud oauth',
        baseUrl: TOKEN_URL,
        sleep: async () => {},
      }),
      store: {
        load: async site => (loads++ === 0 ? before : store.load(site)),
        save: (site, token) => store.save(site, token),
      },
      now: () => now,
    });
    await expect(replicaB.headers()).resolves.toEqual({
      authorization: 'Bearer at-2',
    });
    // B's refresh with the dead rt-1 was refused; it adopted A's result.
    expect(endpoint.grants.map(g => g.refresh_token)).toEqual([
      'rt-consent',
      'rt-1',
      'rt-1',
    ]);
  });

  it('renews after a 401 and repeats the request with the new token', async () => {
    const knex = await setup(databaseId);
    atlassianTokenEndpoint('rt-consent');
    const seen: Array<string | null> = [];
    server.use(
      http.get(`${API}/rest/api/3/myself`, ({ request }) => {
        const header = request.headers.get('authorization');
        seen.push(header);
        return header === 'Bearer at-2'
          ? HttpResponse.json({ timeZone: 'UTC' })
          : HttpResponse.json(
              { code: 401, message: 'Unauthorized' },
              { status: 401 },
            );
      }),
    );
    const client = new SourceHttpClient({
      name: 'jira/cloud',
      baseUrl: API,
      auth: createAuth(knex),
      sleep: async () => {},
    });
    await expect(client.json('/rest/api/3/myself')).resolves.toMatchObject({
      body: { timeZone: 'UTC' },
    });
    expect(seen).toEqual(['Bearer at-1', 'Bearer at-2']);
  });

  it('rotates once when parallel requests all get a 401 for the old token', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent');
    let now = Date.UTC(2026, 2, 10, 12);
    const auth = createAuth(knex, { now: () => now });
    await auth.headers();
    now += 60_000;
    // The access token was revoked; four requests in flight see 401s.
    await Promise.all([
      auth.refresh(),
      auth.refresh(),
      auth.refresh(),
      auth.refresh(),
    ]);
    await expect(auth.headers()).resolves.toEqual({
      authorization: 'Bearer at-2',
    });
    expect(endpoint.grants).toHaveLength(2);
  });

  it('renews at 80 % of the token lifetime: after 4 s of a 5-second token', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent', { expiresIn: 5 });
    let now = Date.UTC(2026, 2, 10, 12);
    const auth = createAuth(knex, { now: () => now });
    await auth.headers();
    now += 3_999;
    await expect(auth.headers()).resolves.toEqual({
      authorization: 'Bearer at-1',
    });
    expect(endpoint.grants).toHaveLength(1);
    now += 1;
    await expect(auth.headers()).resolves.toEqual({
      authorization: 'Bearer at-2',
    });
    // A sync of 20 s with a call every 100 ms: one token per 4 s.
    for (let step = 0; step < 200; step++) {
      now += 100;
      await auth.headers();
    }
    expect(endpoint.grants).toHaveLength(7);
  });

  it('renews an hour token after 48 minutes, and one of unknown age 1 s before expiry', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent');
    let now = Date.UTC(2026, 2, 10, 12);
    const auth = createAuth(knex, { now: () => now });
    await auth.headers();
    now += 48 * 60_000 - 1;
    await auth.headers();
    expect(endpoint.grants).toHaveLength(1);
    now += 1;
    await auth.headers();
    expect(endpoint.grants).toHaveLength(2);

    // Stored by a version that did not keep the issue time.
    await knex('itops_jira_oauth_tokens').update({ access_issued_at: null });
    const restarted = createAuth(knex, { now: () => now });
    now += 60 * 60_000 - 1001;
    await expect(restarted.headers()).resolves.toEqual({
      authorization: 'Bearer at-2',
    });
    now += 1;
    await expect(restarted.headers()).resolves.toEqual({
      authorization: 'Bearer at-3',
    });
  });

  it('waits out 429s of the token endpoint, with and without Retry-After', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent', {
      rateLimited: ['2', undefined],
    });
    const sleeps: number[] = [];
    const auth = createAuth(knex, { sleeps });
    await expect(auth.headers()).resolves.toEqual({
      authorization: 'Bearer at-1',
    });
    // Three token requests for one token: the refresh token was not spent
    // by the refused ones.
    expect(endpoint.grants.map(g => g.refresh_token)).toEqual([
      'rt-consent',
      'rt-consent',
      'rt-consent',
    ]);
    expect(sleeps[0]).toBe(2000);
    // Without Retry-After: exponential backoff, more than nothing.
    expect(sleeps[1]).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(2);
  });

  it('shares one renewal between concurrent requests', async () => {
    const knex = await setup(databaseId);
    const endpoint = atlassianTokenEndpoint('rt-consent');
    const auth = createAuth(knex);
    const headers = await Promise.all([
      auth.headers(),
      auth.headers(),
      auth.headers(),
    ]);
    expect(new Set(headers.map(h => h.authorization))).toEqual(
      new Set(['Bearer at-1']),
    );
    expect(endpoint.grants).toHaveLength(1);
  });

  it('says what to do when the refresh token is refused, without the secret', async () => {
    const knex = await setup(databaseId);
    atlassianTokenEndpoint('some-other-token');
    const error = await createAuth(knex, { refreshToken: 'rt-revoked' })
      .headers()
      .catch(e => e);
    expect(error.message).toMatch(
      /Jira site cloud: the OAuth refresh token was refused; grant access again and set auth.oauth.refreshToken/,
    );
    expect(error.message).not.toContain('rt-revoked');
    expect(error.message).not.toContain('app-secret');
  });
});
