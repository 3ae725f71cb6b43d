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

  it('addresses entity routes by kind, namespace and name', async () => {
    const paths: string[] = [];
    server.use(
      http.get(`${baseUrl}/entities/*`, ({ request }) => {
        const url = new URL(request.url);
        paths.push(url.pathname + url.search);
        return HttpResponse.json({ items: [], jobs: [] });
      }),
    );
    await client.getEntityOnCall('Component:default/payments-api');
    await client.getEntityBackups('group:ops/team a');
    await client.getEntityIncidents('component:default/payments-api', {
      state: 'open',
      priority: [1, 2],
      from: '2026-11-01T00:00:00.000Z',
      limit: 10,
    });
    await client.getEntityChanges('component:default/payments-api');
    expect(paths).toEqual([
      '/api/itops/entities/component/default/payments-api/oncall',
      '/api/itops/entities/group/ops/team%20a/backups',
      '/api/itops/entities/component/default/payments-api/incidents?state=open&priority=1%2C2&from=2026-11-01T00%3A00%3A00.000Z&limit=10',
      '/api/itops/entities/component/default/payments-api/changes',
    ]);
  });

  it('shares one request between callers asking for the same resource', async () => {
    let calls = 0;
    server.use(
      http.get(`${baseUrl}/entities/component/default/x/summary`, () => {
        calls += 1;
        return HttpResponse.json({
          entity: { entityRef: 'component:default/x' },
        });
      }),
    );
    const [a, b] = await Promise.all([
      client.getEntitySummary('component:default/x'),
      client.getEntitySummary('component:default/x'),
    ]);
    expect(a).toEqual(b);
    expect(calls).toBe(1);
    // Once answered, the next call asks again: nothing is cached.
    await client.getEntitySummary('component:default/x');
    expect(calls).toBe(2);
  });

  it('reads and posts attestations and the SoA on their routes', async () => {
    const seen: string[] = [];
    const posted: unknown[] = [];
    server.use(
      http.get(
        `${baseUrl}/compliance/controls/iso27001-2022/:control/attestations`,
        ({ params }) => {
          seen.push(`control ${params.control}`);
          return HttpResponse.json({ entities: [], history: [] });
        },
      ),
      http.post(
        `${baseUrl}/compliance/controls/iso27001-2022/:control/attestations`,
        async ({ request }) => {
          posted.push(await request.json());
          return HttpResponse.json({ id: '1' }, { status: 201 });
        },
      ),
      http.get(`${baseUrl}/compliance/attestations/expiring`, ({ request }) => {
        seen.push(`days ${new URL(request.url).searchParams.get('days')}`);
        return HttpResponse.json({ items: [{ id: '7' }] });
      }),
      http.get(`${baseUrl}/compliance/soa/versions`, () =>
        HttpResponse.json({ items: [{ version: 1 }] }),
      ),
      http.post(`${baseUrl}/compliance/soa/versions`, async ({ request }) => {
        posted.push(await request.json());
        return HttpResponse.json({ version: 2 }, { status: 201 });
      }),
      http.get(`${baseUrl}/compliance/soa/versions/2/export`, ({ request }) =>
        HttpResponse.text(
          `format=${new URL(request.url).searchParams.get('format')}`,
        ),
      ),
    );
    await client.getControlAttestations('iso27001-2022', 'A.5.1');
    const body = {
      entityRef: 'component:default/payments',
      statement: 'Reviewed',
      evidenceUrl: 'https://wiki.example/x',
      expiresAt: '2027-01-01T00:00:00.000Z',
    };
    await client.attestControl('iso27001-2022', 'A.5.1', body);
    await expect(client.getExpiringAttestations(14)).resolves.toEqual([
      { id: '7' },
    ]);
    await expect(client.listSoaVersions()).resolves.toEqual([{ version: 1 }]);
    await client.approveSoa();
    await client.approveSoa('annual review');
    await expect(client.getSoaExport(2, 'csv')).resolves.toBe('format=csv');
    expect(seen).toEqual(['control A.5.1', 'days 14']);
    expect(posted).toEqual([body, {}, { comment: 'annual review' }]);
  });

  it("throws the backend's refusal of an attestation as a ResponseError", async () => {
    server.use(
      http.post(
        `${baseUrl}/compliance/controls/iso27001-2022/A.5.1/attestations`,
        () =>
          HttpResponse.json(
            { error: { name: 'NotAllowedError', message: 'Only an owner' } },
            { status: 403 },
          ),
      ),
    );
    await expect(
      client.attestControl('iso27001-2022', 'A.5.1', {
        entityRef: 'component:default/x',
        statement: 's',
        evidenceUrl: 'https://e.example',
        expiresAt: '2027-01-01T00:00:00.000Z',
      }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 403 });
  });
});
