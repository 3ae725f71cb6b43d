import { render, screen } from '@testing-library/react';
import App from './App';

/** A session of the guest provider, as `/api/auth/guest/refresh` answers. */
const guestSession = {
  profile: { displayName: 'Guest' },
  backstageIdentity: {
    // Unsigned: only the app reads it here.
    token: `x.${btoa(
      JSON.stringify({ sub: 'user:default/guest', exp: 4102444800 }),
    )}.x`,
    identity: {
      type: 'user',
      userEntityRef: 'user:default/guest',
      ownershipEntityRefs: ['user:default/guest'],
    },
  },
};

describe('App', () => {
  const originalFetch = global.fetch;
  afterEach(() => {
    global.fetch = originalFetch;
  });

  it('signs the guest in without a click', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    const requested: string[] = [];
    global.fetch = jest.fn(async (input: RequestInfo | URL) => {
      const url = String(input instanceof Request ? input.url : input);
      requested.push(url);
      const body = url.endsWith('/api/auth/guest/refresh')
        ? guestSession
        : { items: [], totalItems: 0, pageInfo: {} };
      return {
        ok: true,
        status: 200,
        headers: new Headers({ 'content-type': 'application/json' }),
        json: async () => body,
        text: async () => JSON.stringify(body),
      } as Response;
    }) as typeof fetch;

    render(App.createRoot());

    expect(
      await screen.findByRole('link', { name: 'Catalog' }, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
    expect(requested).toContain('http://localhost:7007/api/auth/guest/refresh');
  });
});
