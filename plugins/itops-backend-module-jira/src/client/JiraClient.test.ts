import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { SourceHttpClient } from '@backstage-itops/plugin-itops-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { JiraClient } from './JiraClient';

const BASE = 'https://acme.atlassian.net';
const server = setupServer();
registerMswTestHooks(server);

function client(deployment: 'cloud' | 'datacenter') {
  return new JiraClient(
    new SourceHttpClient({
      name: 'jira/test',
      baseUrl: BASE,
      requestsPerSecond: 1000,
      sleep: async () => {},
    }),
    deployment,
  );
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const result: T[][] = [];
  for await (const page of pages) {
    result.push(page);
  }
  return result;
}

function issue(id: number) {
  return { id: String(id), key: `PAY-${id}`, fields: { summary: `#${id}` } };
}

describe('JiraClient search on Cloud', () => {
  it('walks /search/jql by nextPageToken with the same JQL and explicit fields', async () => {
    const seen: URL[] = [];
    const legacy = jest.fn();
    server.use(
      http.get(`${BASE}/rest/api/3/search`, () => {
        legacy();
        return HttpResponse.json(
          { errorMessages: ['The requested API has been removed.'] },
          { status: 410 },
        );
      }),
      http.get(`${BASE}/rest/api/3/search/jql`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url);
        switch (url.searchParams.get('nextPageToken')) {
          case null:
            return HttpResponse.json({
              issues: [issue(1), issue(2)],
              nextPageToken: 'tok-1',
              isLast: false,
            });
          case 'tok-1':
            return HttpResponse.json({
              issues: [issue(3)],
              nextPageToken: 'tok-2',
              isLast: false,
            });
          default:
            return HttpResponse.json({ issues: [issue(4)], isLast: true });
        }
      }),
    );
    const pages = await collect(
      client('cloud').search({
        jql: 'project = "PAY" ORDER BY updated ASC',
        fields: ['summary', 'status'],
        pageSize: 2,
      }),
    );
    expect(pages.map(page => page.map(i => i.key))).toEqual([
      ['PAY-1', 'PAY-2'],
      ['PAY-3'],
      ['PAY-4'],
    ]);
    expect(seen.map(url => url.searchParams.get('nextPageToken'))).toEqual([
      null,
      'tok-1',
      'tok-2',
    ]);
    for (const url of seen) {
      expect(url.searchParams.get('jql')).toBe(
        'project = "PAY" ORDER BY updated ASC',
      );
      expect(url.searchParams.get('fields')).toBe('summary,status');
      expect(url.searchParams.get('maxResults')).toBe('2');
    }
    expect(legacy).not.toHaveBeenCalled();
  });

  it('stops on a page without a token even if isLast is missing', async () => {
    server.use(
      http.get(`${BASE}/rest/api/3/search/jql`, () =>
        HttpResponse.json({ issues: [issue(1)] }),
      ),
    );
    const pages = await collect(
      client('cloud').search({
        jql: 'x = "1"',
        fields: ['summary'],
        pageSize: 50,
      }),
    );
    expect(pages).toHaveLength(1);
  });

  it.each([[{}], [{ issues: 'none' }], [[]]])(
    'refuses an answer without an issues list (%j) instead of ending the walk',
    async answer => {
      server.use(
        http.get(`${BASE}/rest/api/3/search/jql`, () =>
          HttpResponse.json(answer),
        ),
      );
      await expect(
        collect(
          client('cloud').search({
            jql: 'x = "1"',
            fields: ['summary'],
            pageSize: 50,
          }),
        ),
      ).rejects.toThrow(
        '/rest/api/3/search/jql answered without an issues list',
      );
    },
  );

  it('refuses a search without fields, which would return ids only', () => {
    expect(() =>
      client('cloud').search({ jql: 'x = "1"', fields: [], pageSize: 50 }),
    ).toThrow(/explicit fields/);
  });

  it('fails with the 400 message of invalid JQL, without retrying', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/rest/api/3/search/jql`, () => {
        calls++;
        return HttpResponse.json(
          {
            errorMessages: ["Field 'nonsense' does not exist."],
            errors: {},
          },
          { status: 400 },
        );
      }),
    );
    await expect(
      collect(
        client('cloud').search({
          jql: 'nonsense = "1"',
          fields: ['summary'],
          pageSize: 50,
        }),
      ),
    ).rejects.toThrow(/400: .*Field 'nonsense' does not exist/);
    expect(calls).toBe(1);
  });
});

describe('JiraClient search on Data Center', () => {
  it('pages /rest/api/2/search by startAt, advancing by what the server sent', async () => {
    const starts: string[] = [];
    const all = Array.from({ length: 5 }, (_, i) => issue(i + 1));
    server.use(
      http.get(`${BASE}/rest/api/2/search`, ({ request }) => {
        const url = new URL(request.url);
        const startAt = Number(url.searchParams.get('startAt'));
        starts.push(String(startAt));
        // The server caps maxResults at 2 whatever the client asks.
        return HttpResponse.json({
          startAt,
          maxResults: 2,
          total: all.length,
          issues: all.slice(startAt, startAt + 2),
        });
      }),
    );
    const pages = await collect(
      client('datacenter').search({
        jql: 'project = "PAY"',
        fields: ['summary'],
        pageSize: 100,
      }),
    );
    expect(pages.flat().map(i => i.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(starts).toEqual(['0', '2', '4']);
  });
});

describe('JiraClient JSM SLAs and users', () => {
  it('reads all SLA pages and treats a missing request as no SLA', async () => {
    server.use(
      http.get(
        `${BASE}/rest/servicedeskapi/request/:key/sla`,
        ({ params, request }) => {
          if (params.key === 'OPS-9') {
            return HttpResponse.json(
              { errorMessage: 'The request does not exist' },
              { status: 404 },
            );
          }
          const start = Number(new URL(request.url).searchParams.get('start'));
          return HttpResponse.json({
            start,
            isLastPage: start > 0,
            values: [{ id: String(start + 1), name: `sla ${start}` }],
          });
        },
      ),
    );
    await expect(client('cloud').slas('PAY-1')).resolves.toEqual([
      { id: '1', name: 'sla 0' },
      { id: '2', name: 'sla 1' },
    ]);
    await expect(client('cloud').slas('OPS-9')).resolves.toBeUndefined();
  });

  it('looks users up by account id on Cloud and by user name on Data Center', async () => {
    server.use(
      http.get(`${BASE}/rest/api/3/user`, ({ request }) => {
        const id = new URL(request.url).searchParams.get('accountId');
        return id === '712020:a'
          ? HttpResponse.json({ accountId: id, displayName: 'Alice Ng' })
          : HttpResponse.json({ errorMessages: ['no'] }, { status: 404 });
      }),
      http.get(`${BASE}/rest/api/2/user`, ({ request }) =>
        HttpResponse.json({
          name: new URL(request.url).searchParams.get('username'),
          displayName: 'Bob',
        }),
      ),
    );
    await expect(client('cloud').user('712020:a')).resolves.toMatchObject({
      displayName: 'Alice Ng',
    });
    await expect(client('cloud').user('712020:zz')).resolves.toBeUndefined();
    await expect(client('datacenter').user('bob')).resolves.toMatchObject({
      name: 'bob',
    });
  });
});
