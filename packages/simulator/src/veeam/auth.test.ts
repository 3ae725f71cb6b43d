import { startVeeam, type VeeamHarness } from './testUtils';

describe('Veeam simulator authentication', () => {
  let harness: VeeamHarness;

  beforeEach(async () => {
    harness = await startVeeam({ tokenLifetimeSeconds: 60 });
  });

  afterEach(async () => {
    await harness.server.close();
  });

  it('issues a token pair for the password grant', async () => {
    const response = await harness.token({
      grant_type: 'password',
      username: 'itops',
      password: 'veeam-password',
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 60 });
    expect(body.access_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body.refresh_token).not.toEqual(body.access_token);
    expect(body['.issued']).toBe('2026-03-10T13:00:00+01:00');
    expect(body['.expires']).toBe('2026-03-10T13:01:00+01:00');
  });

  it('rejects wrong credentials and unknown grants with the Error body', async () => {
    const wrong = await harness.token({
      grant_type: 'password',
      username: 'itops',
      password: 'nope',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ errorCode: 'AccessDenied' });

    const unknown = await harness.token({ grant_type: 'client_credentials' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      errorCode: 'UnexpectedContent',
    });
  });

  it('requires x-api-version on every call, including the token call', async () => {
    const token = await fetch(`${harness.server.url}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=itops&password=veeam-password',
    });
    expect(token.status).toBe(400);
    const body = await token.json();
    expect(body.message).toContain('Unsupported RESTAPI version');
    expect(Object.keys(body).sort()).toEqual([
      'errorCode',
      'message',
      'resourceId',
    ]);

    const access = await harness.login();
    const unknown = await harness.get('/api/v1/jobs', access, '9.9-rev0');
    expect(unknown.status).toBe(400);
    const missing = await fetch(`${harness.server.url}/api/v1/jobs`, {
      headers: { authorization: `Bearer ${access}` },
    });
    expect(missing.status).toBe(400);
  });

  it('requires a valid bearer token', async () => {
    const none = await fetch(`${harness.server.url}/api/v1/jobs`, {
      headers: { 'x-api-version': '1.2-rev1' },
    });
    expect(none.status).toBe(401);
    const forged = await harness.get('/api/v1/jobs', 'eyJhbGciOi.forged.token');
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ errorCode: 'InvalidToken' });
  });

  it('expires access tokens after their lifetime; the refresh token rotates', async () => {
    const first = await (
      await harness.token({
        grant_type: 'password',
        username: 'ITOPS',
        password: 'veeam-password',
      })
    ).json();
    expect((await harness.get('/api/v1/jobs', first.access_token)).status).toBe(
      200,
    );

    harness.clock.advance(60_000);
    const expired = await harness.get('/api/v1/jobs', first.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ errorCode: 'ExpiredToken' });

    const refreshed = await harness.token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    const second = await refreshed.json();
    expect(second.refresh_token).not.toEqual(first.refresh_token);
    expect(
      (await harness.get('/api/v1/jobs', second.access_token)).status,
    ).toBe(200);

    const reused = await harness.token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(reused.status).toBe(401);
    expect(await reused.json()).toMatchObject({ errorCode: 'InvalidToken' });
  });

  it('invalidates both tokens on logout', async () => {
    const pair = await (
      await harness.token({
        grant_type: 'password',
        username: 'itops',
        password: 'veeam-password',
      })
    ).json();
    const logout = await fetch(`${harness.server.url}/api/oauth2/logout`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${pair.access_token}`,
        'x-api-version': '1.2-rev1',
      },
    });
    expect(logout.status).toBe(200);
    expect(await logout.json()).toEqual({});
    const after = await harness.get('/api/v1/jobs', pair.access_token);
    expect(await after.json()).toMatchObject({ errorCode: 'InvalidToken' });
    const refresh = await harness.token({
      grant_type: 'refresh_token',
      refresh_token: pair.refresh_token,
    });
    expect(refresh.status).toBe(401);
  });

  it('expireAllTokens expires every access token but keeps refresh working', async () => {
    const pair = await (
      await harness.token({
        grant_type: 'password',
        username: 'itops',
        password: 'veeam-password',
      })
    ).json();
    harness.simulator.expireAllTokens();
    const response = await harness.get('/api/v1/jobs', pair.access_token);
    expect(await response.json()).toMatchObject({ errorCode: 'ExpiredToken' });
    const refresh = await harness.token({
      grant_type: 'refresh_token',
      refresh_token: pair.refresh_token,
    });
    expect(refresh.status).toBe(200);
  });
});
