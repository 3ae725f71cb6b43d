import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ItopsClient } from './ItopsClient';

const baseUrl = 'http://backstage.test/api/itops';
const server = setupServer();

describe('ItopsClient', () => {
  registerMswTestHooks(server);

  const client = new ItopsClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi(),
  });

  it('reads health, including a degraded 503 answer', async () => {
    const degraded = {
      status: 'degraded',
      database: { reachable: false, client: 'pg', error: 'down' },
      sources: [],
    };
    server.use(
      http.get(`${baseUrl}/health`, () =>
        HttpResponse.json(degraded, { status: 503 }),
      ),
    );
    await expect(client.getHealth()).resolves.toEqual(degraded);
  });

  it('throws a ResponseError for other failures', async () => {
    server.use(
      http.get(`${baseUrl}/health`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'nope' },
            request: { method: 'GET', url: '/health' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(client.getHealth()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
    });
  });
});
