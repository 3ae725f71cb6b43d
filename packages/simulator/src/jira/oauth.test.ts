import { type JiraTestServer, startJira } from './testing';

async function grant(jira: JiraTestServer, refreshToken: string) {
  const { clientId, clientSecret } = jira.simulator.oauth;
  return jira.post(
    '/oauth/token',
    {
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: refreshToken,
    },
    { authorization: '' },
  );
}

describe('OAuth 2.0 (3LO)', () => {
  it('rotates refresh tokens and serves the gateway to access tokens until they expire', async () => {
    const jira = await startJira({ oauth: { accessTokenSeconds: 5 } });
    try {
      const first = await grant(jira, jira.simulator.oauth.refreshToken);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        expires_in: 5,
        token_type: 'Bearer',
        access_token: expect.any(String),
        refresh_token: expect.any(String),
      });
      // The consent's refresh token is spent.
      expect(
        (await grant(jira, jira.simulator.oauth.refreshToken)).status,
      ).toBe(403);
      const path = `/ex/jira/${jira.simulator.cloudId}/rest/api/3/myself`;
      const bearer = { authorization: `Bearer ${first.body.access_token}` };
      expect((await jira.get(path, bearer)).status).toBe(200);
      jira.clock.advance(4_999);
      expect((await jira.get(path, bearer)).status).toBe(200);
      jira.clock.advance(1);
      expect((await jira.get(path, bearer)).status).toBe(401);
      const second = await grant(jira, first.body.refresh_token);
      expect(second.status).toBe(200);
      expect(
        (
          await jira.get(path, {
            authorization: `Bearer ${second.body.access_token}`,
          })
        ).status,
      ).toBe(200);
      expect(jira.simulator.stats().tokenRequests).toBe(3);
    } finally {
      await jira.close();
    }
  });

  it.each([
    [3, { 'retry-after': '3' }],
    [undefined, {}],
  ])(
    'answers the first token requests 429 (Retry-After %p), leaving the refresh token valid',
    async (retryAfterSeconds, headers) => {
      const jira = await startJira({
        oauth: { tokenRateLimit: { count: 2, retryAfterSeconds } },
      });
      try {
        const token = jira.simulator.oauth.refreshToken;
        for (let i = 0; i < 2; i++) {
          const refused = await grant(jira, token);
          expect(refused.status).toBe(429);
          expect(refused.headers.get('retry-after') ?? undefined).toBe(
            (headers as Record<string, string>)['retry-after'],
          );
        }
        expect((await grant(jira, token)).status).toBe(200);
        expect(jira.simulator.stats()).toMatchObject({
          tokenRequests: 3,
          rateLimitedTokenRequests: 2,
        });
      } finally {
        await jira.close();
      }
    },
  );
});
