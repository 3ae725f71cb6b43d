import { BasicAuth, BearerAuth } from './staticAuth';

describe('static Jira credentials', () => {
  it('sends email and API token (or DC user and password) as Basic', async () => {
    const { authorization } = await new BasicAuth(
      'itops@acme.example',
      'tok:en',
    ).headers();
    expect(authorization).toMatch(/^Basic /);
    expect(
      Buffer.from(authorization.slice('Basic '.length), 'base64').toString(),
    ).toBe('itops@acme.example:tok:en');
  });

  it('sends a Data Center personal access token as Bearer', async () => {
    await expect(new BearerAuth('pat-1').headers()).resolves.toEqual({
      authorization: 'Bearer pat-1',
    });
  });
});
