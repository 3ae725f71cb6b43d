import { basic, type ServiceNowHarness, startServiceNow } from './testing';

const NOT_AUTHENTICATED = {
  error: {
    message: 'User Not Authenticated',
    detail: 'Required to provide Auth information',
  },
  status: 'failure',
};
const ACCESS_DENIED = {
  error_description: 'access_denied',
  error: 'server_error',
};

describe('ServiceNow authentication', () => {
  let sn: ServiceNowHarness;
  beforeEach(async () => {
    sn = await startServiceNow({
      auth: {
        users: { admin: 'admin', 'itops.integration': 'secret-pw' },
        oauthClients: {
          'my-client': { secret: 'my-secret', user: 'itops.integration' },
        },
        tokenLifetimeSeconds: 600,
      },
    });
  });
  afterEach(() => sn.close());

  const token = async (form: Record<string, string>) => {
    const response = await fetch(`${sn.url}/oauth_token.do`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: await response.json() };
  };
  const withBearer = (accessToken: string) =>
    fetch(`${sn.url}/api/now/table/sys_user?sysparm_limit=1`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
      },
    });
  const client = { client_id: 'my-client', client_secret: 'my-secret' };

  it('accepts Basic auth for configured users and refuses others with 401', async () => {
    expect(
      (await sn.get('/api/now/table/incident?sysparm_limit=1')).status,
    ).toBe(200);
    const integration = await sn.get(
      '/api/now/table/incident?sysparm_limit=1',
      {
        authorization: basic('itops.integration', 'secret-pw'),
      },
    );
    expect(integration.status).toBe(200);
    const wrong = await sn.get('/api/now/table/incident', {
      authorization: basic('admin', 'nope'),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(NOT_AUTHENTICATED);
    const none = await fetch(`${sn.url}/api/now/table/incident`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual(NOT_AUTHENTICATED);
  });

  it('issues tokens for the password grant, with a refresh token', async () => {
    const { status, body } = await token({
      grant_type: 'password',
      ...client,
      username: 'itops.integration',
      password: 'secret-pw',
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      scope: 'useraccount',
      token_type: 'Bearer',
      expires_in: 599,
    });
    expect((await withBearer(body.access_token)).status).toBe(200);
  });

  it('issues tokens for client_credentials without a refresh token', async () => {
    const { status, body } = await token({
      grant_type: 'client_credentials',
      ...client,
    });
    expect(status).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect((await withBearer(body.access_token)).status).toBe(200);
  });

  it('refuses bad grants with the opaque 401 body', async () => {
    const cases = [
      {
        grant_type: 'password',
        ...client,
        username: 'itops.integration',
        password: 'wrong',
      },
      {
        grant_type: 'client_credentials',
        client_id: 'my-client',
        client_secret: 'wrong',
      },
      {
        grant_type: 'client_credentials',
        client_id: 'unknown',
        client_secret: 'my-secret',
      },
      { grant_type: 'refresh_token', ...client, refresh_token: 'not-issued' },
      { grant_type: 'authorization_code', ...client },
    ];
    for (const form of cases) {
      expect(await token(form)).toEqual({ status: 401, body: ACCESS_DENIED });
    }
  });

  it('expires access tokens after their lifetime and renews them with the refresh token', async () => {
    const issued = (
      await token({
        grant_type: 'password',
        ...client,
        username: 'admin',
        password: 'admin',
      })
    ).body;
    sn.clock.advance(599_000);
    expect((await withBearer(issued.access_token)).status).toBe(200);
    sn.clock.advance(2_000);
    const expired = await withBearer(issued.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual(NOT_AUTHENTICATED);

    const renewed = await token({
      grant_type: 'refresh_token',
      ...client,
      refresh_token: issued.refresh_token,
    });
    expect(renewed.status).toBe(200);
    expect(renewed.body.access_token).not.toBe(issued.access_token);
    expect((await withBearer(renewed.body.access_token)).status).toBe(200);
  });

  it('invalidates every issued token on expireAllTokens, leaving refresh tokens usable', async () => {
    const issued = (
      await token({
        grant_type: 'password',
        ...client,
        username: 'admin',
        password: 'admin',
      })
    ).body;
    const other = (await token({ grant_type: 'client_credentials', ...client }))
      .body;
    sn.simulator.expireAllTokens();
    expect((await withBearer(issued.access_token)).status).toBe(401);
    expect((await withBearer(other.access_token)).status).toBe(401);
    const renewed = await token({
      grant_type: 'refresh_token',
      ...client,
      refresh_token: issued.refresh_token,
    });
    expect((await withBearer(renewed.body.access_token)).status).toBe(200);
  });

  it('uses the ServiceNow defaults: admin/admin, itops.integration and a 1800 s token', async () => {
    const defaults = await startServiceNow();
    try {
      const response = await fetch(`${defaults.url}/oauth_token.do`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'itops-backstage',
          client_secret: 'itops-secret',
          username: 'itops.integration',
          password: 'sn-demo-4f7c1a',
        }).toString(),
      });
      expect((await response.json()).expires_in).toBe(1799);
    } finally {
      await defaults.close();
    }
  });
});
