import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { SourceHttpClient } from '@backstage-itops/plugin-itops-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ServiceNowClient, type SnRow } from './client';

const BASE = 'https://acme.service-now.com';
const server = setupServer();
registerMswTestHooks(server);

function client(options: { requestsPerSecond?: number } = {}) {
  const sleeps: number[] = [];
  const http1 = new SourceHttpClient({
    name: 'servicenow/test',
    baseUrl: BASE,
    requestsPerSecond: options.requestsPerSecond ?? 1000,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 60_000 },
    sleep: async ms => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
  return { sn: new ServiceNowClient(http1), sleeps };
}

const stamp = (second: number) =>
  `2026-11-25 10:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(
    second % 60,
  ).padStart(2, '0')}`;

/**
 * A table served the way the Table API does it for the walk's queries:
 * `sys_updated_on>=X` and ORDERBY sys_updated_on, sys_id; offset paging;
 * a Link header with `next` while rows remain.
 */
function serveTable(
  rows: SnRow[],
  hooks: { onPage?: (n: number) => void; hidden?: Set<string> } = {},
) {
  const queries: string[] = [];
  let pages = 0;
  server.use(
    http.get(`${BASE}/api/now/table/incident`, ({ request }) => {
      const url = new URL(request.url);
      const query = url.searchParams.get('sysparm_query') ?? '';
      queries.push(`${query}@${url.searchParams.get('sysparm_offset') ?? 0}`);
      expect(url.searchParams.get('sysparm_exclude_reference_link')).toBe(
        'true',
      );
      const since = /sys_updated_on>=([^^]+)/.exec(query)?.[1];
      const matching = rows
        .filter(r => !since || r.sys_updated_on >= since)
        .sort((a, b) =>
          a.sys_updated_on === b.sys_updated_on
            ? a.sys_id.localeCompare(b.sys_id)
            : a.sys_updated_on.localeCompare(b.sys_updated_on),
        );
      const offset = Number(url.searchParams.get('sysparm_offset') ?? 0);
      const limit = Number(url.searchParams.get('sysparm_limit'));
      // ACLs apply after the limit: hidden rows leave the page short.
      const page = matching
        .slice(offset, offset + limit)
        .filter(r => !hooks.hidden?.has(r.sys_id));
      hooks.onPage?.(++pages);
      const links = [`<${BASE}/first>;rel="first"`];
      if (offset + limit < matching.length) {
        links.push(`<${BASE}/next>;rel="next"`);
      }
      return HttpResponse.json(
        { result: page },
        {
          headers: {
            Link: links.join(','),
            'X-Total-Count': String(matching.length),
          },
        },
      );
    }),
  );
  return queries;
}

function row(id: number, second: number, extra: Partial<SnRow> = {}): SnRow {
  return {
    sys_id: id.toString(16).padStart(32, '0'),
    sys_updated_on: stamp(second),
    number: `INC${id}`,
    ...extra,
  };
}

async function walkAll(
  sn: ServiceNowClient,
  options: { sinceMs?: number; pageSize: number },
) {
  const seen: SnRow[] = [];
  let newest: number | undefined;
  let hidden = 0;
  for await (const page of sn.walk({
    table: 'incident',
    fields: ['number'],
    ...options,
  })) {
    seen.push(...page.rows);
    newest = page.newestUpdatedMs;
    hidden = page.hiddenRows;
  }
  return { seen, newest, hidden };
}

describe('ServiceNowClient.walk', () => {
  it('pages by keyset on sys_updated_on with a stable ORDERBY', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(i + 1, i));
    const queries = serveTable(rows);
    const { sn } = client();
    const { seen, newest } = await walkAll(sn, { pageSize: 4 });
    expect(seen.map(r => r.number)).toEqual(rows.map(r => r.number));
    expect(newest).toBe(Date.parse('2026-11-25T10:00:09Z'));
    expect(queries).toEqual([
      'ORDERBYsys_updated_on^ORDERBYsys_id@0',
      'sys_updated_on>=2026-11-25 10:00:03^ORDERBYsys_updated_on^ORDERBYsys_id@1',
      'sys_updated_on>=2026-11-25 10:00:07^ORDERBYsys_updated_on^ORDERBYsys_id@1',
    ]);
  });

  it('gets through more rows in one second than a page holds, without repeats', async () => {
    // ServiceNow stamps whole seconds: bulk updates share one.
    const rows = Array.from({ length: 11 }, (_, i) =>
      row(i + 1, i < 9 ? 5 : 6),
    );
    serveTable(rows);
    const { sn } = client();
    const { seen } = await walkAll(sn, { pageSize: 3 });
    expect(seen.map(r => r.number)).toEqual(rows.map(r => r.number));
  });

  it('starts at the given time and reads rows updated during the walk again', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => row(i + 1, 10 + i));
    serveTable(rows, {
      onPage: n => {
        if (n === 1) {
          // INC2 was read on page 1 and is updated before page 2.
          rows[1] = {
            ...rows[1],
            sys_updated_on: stamp(30),
            number: 'INC2-updated',
          };
        }
      },
    });
    const { sn } = client();
    const { seen } = await walkAll(sn, {
      sinceMs: Date.parse('2026-11-25T10:00:11Z'),
      pageSize: 3,
    });
    expect(seen.map(r => r.number)).toEqual([
      'INC2',
      'INC3',
      'INC4',
      'INC5',
      'INC6',
      'INC7',
      'INC8',
      'INC2-updated',
    ]);
  });

  it('follows the Link header over a page shortened by ACLs', async () => {
    let call = 0;
    server.use(
      http.get(`${BASE}/api/now/table/incident`, () => {
        call++;
        // The limit applies before ACLs: page 1 comes back empty.
        if (call === 1) {
          return HttpResponse.json(
            { result: [] },
            { headers: { Link: `<${BASE}/n>;rel="next"` } },
          );
        }
        return HttpResponse.json(
          { result: [row(1, 1)] },
          { headers: { Link: '' } },
        );
      }),
    );
    const { sn } = client();
    const { seen } = await walkAll(sn, { pageSize: 2 });
    expect(seen).toHaveLength(1);
    expect(call).toBe(2);
  });
  it.each([1, 2, 3, 4, 5, 7])(
    'counts each ACL-hidden row once, at page size %p',
    async pageSize => {
      // Seconds shared by several rows, hidden rows among them, at the
      // ends of pages and between them.
      const seconds = [1, 1, 1, 2, 2, 3, 4, 4, 4, 4, 5, 6, 6, 7, 8, 8, 8, 9];
      const rows = seconds.map((second, i) => row(i + 1, second));
      const hidden = new Set(
        [2, 3, 5, 9, 10, 13, 15, 16, 18].map(i => rows[i - 1].sys_id),
      );
      serveTable(rows, { hidden });
      const { sn } = client();
      const result = await walkAll(sn, { pageSize });
      expect(result.seen.map(r => r.sys_id)).toEqual(
        rows.filter(r => !hidden.has(r.sys_id)).map(r => r.sys_id),
      );
      expect(result.hidden).toBe(hidden.size);
    },
  );

  it('counts hidden rows exactly over random tables and page sizes', async () => {
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 40; run++) {
      let second = 0;
      const rows = Array.from(
        { length: 5 + Math.floor(random() * 40) },
        (_, i) => {
          second += random() < 0.6 ? 0 : 1 + Math.floor(random() * 3);
          return row(i + 1, second);
        },
      );
      const hidden = new Set(
        rows.filter(() => random() < 0.35).map(r => r.sys_id),
      );
      server.resetHandlers();
      serveTable(rows, { hidden });
      const { sn } = client();
      const result = await walkAll(sn, {
        pageSize: 1 + Math.floor(random() * 6),
      });
      expect(result.seen).toHaveLength(rows.length - hidden.size);
      expect(result.hidden).toBe(hidden.size);
    }
  });

  it('stops with an error instead of looping when the instance ignores sysparm_offset', async () => {
    // Five rows in one second, pages of two, and offsets ignored.
    const rows = Array.from({ length: 5 }, (_, i) => row(i + 1, 1));
    server.use(
      http.get(`${BASE}/api/now/table/incident`, () =>
        HttpResponse.json(
          { result: rows.slice(0, 2) },
          { headers: { Link: `<${BASE}/n>;rel="next"` } },
        ),
      ),
    );
    const { sn } = client();
    await expect(walkAll(sn, { pageSize: 2 })).rejects.toThrow(
      /ignore sysparm_offset/,
    );
    await expect(
      (async () => {
        for await (const _ of sn.rows('incident', {
          query: '',
          fields: [],
          pageSize: 2,
        })) {
          // drain
        }
      })(),
    ).rejects.toThrow(/same page/);
  });
});

describe('ServiceNowClient requests', () => {
  it('retries 429s after the Retry-After the instance sends', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/now/table/incident`, () => {
        calls++;
        if (calls <= 2) {
          return HttpResponse.json(
            {
              error: {
                message: 'Rate limit exceeded',
                detail:
                  'Rate limit of 100 requests per hour for Table API exceeded',
              },
              status: 'failure',
            },
            {
              status: 429,
              headers: { 'Retry-After': '7', 'X-RateLimit-Limit': '100' },
            },
          );
        }
        return HttpResponse.json({ result: [row(1, 1)] });
      }),
    );
    const { sn, sleeps } = client();
    const page = await sn.page('incident', {
      query: '',
      fields: ['sys_id'],
      limit: 1,
    });
    expect(page.rows).toHaveLength(1);
    expect(sleeps).toEqual([7000, 7000]);
  });

  it('backs off exponentially on 503 without Retry-After, then gives up', async () => {
    server.use(
      http.get(`${BASE}/api/now/table/incident`, () =>
        HttpResponse.json(
          {
            error: { message: 'Service Unavailable', detail: null },
            status: 'failure',
          },
          { status: 503 },
        ),
      ),
    );
    const { sn, sleeps } = client();
    await expect(
      sn.page('incident', { query: '', fields: ['sys_id'], limit: 1 }),
    ).rejects.toMatchObject({ status: 503, attempts: 4 });
    // Full jitter (random 0.5) over 100, 200, 400 ms.
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('keeps to the requests-per-second budget', async () => {
    server.use(
      http.get(`${BASE}/api/now/table/incident`, () =>
        HttpResponse.json({ result: [] }),
      ),
    );
    const { sn, sleeps } = client({ requestsPerSecond: 2 });
    await Promise.all(
      Array.from({ length: 4 }, () =>
        sn.page('incident', { query: '', fields: ['sys_id'], limit: 1 }),
      ),
    );
    // Two requests fit the bucket; the others wait for tokens.
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...sleeps)).toBeGreaterThan(0);
  });

  it('looks rows up by sys_id in chunks, ignoring ids that are not sys_ids', async () => {
    const queries: string[] = [];
    server.use(
      http.get(`${BASE}/api/now/table/sys_user`, ({ request }) => {
        const url = new URL(request.url);
        const query = url.searchParams.get('sysparm_query')!;
        queries.push(query);
        expect(url.searchParams.get('sysparm_offset')).toBeNull();
        const ids = query.replace('sys_idIN', '').split(',');
        return HttpResponse.json({
          result: ids.map(id => ({ sys_id: id, name: `User ${id.slice(-3)}` })),
        });
      }),
    );
    const ids = Array.from({ length: 150 }, (_, i) =>
      i.toString(16).padStart(32, 'a'),
    );
    const { sn } = client();
    const found = await sn.bySysIds(
      'sys_user',
      [...ids, 'x^NQactive=true'],
      ['name'],
    );
    expect(found.size).toBe(150);
    expect(queries).toHaveLength(2);
    expect(queries.every(q => !q.includes('^'))).toBe(true);
  });

  it('reads whoisoncall and tells a missing on-call plugin apart', async () => {
    server.use(
      http.get(`${BASE}/api/now/on_call_rota/whoisoncall`, ({ request }) => {
        const url = new URL(request.url);
        expect(url.searchParams.get('date_time')).toBe('2026-11-25 12:00:00');
        return HttpResponse.json({
          result: [
            {
              userId: 'u1',
              group: 'g1',
              rota: 'r1',
              order: 1,
              isOverride: false,
            },
            {
              userId: 'u2',
              group: 'g1',
              rota: 'r1',
              order: 2,
              isOverride: true,
            },
          ],
        });
      }),
    );
    const { sn } = client();
    expect(
      await sn.whoIsOnCall(['g1'], Date.parse('2026-11-25T12:00:00Z')),
    ).toEqual([
      {
        userId: 'u1',
        group: 'g1',
        rota: 'r1',
        order: 1,
        isOverride: false,
        memberId: undefined,
        roster: undefined,
      },
      {
        userId: 'u2',
        group: 'g1',
        rota: 'r1',
        order: 2,
        isOverride: true,
        memberId: undefined,
        roster: undefined,
      },
    ]);
    server.use(
      http.get(`${BASE}/api/now/on_call_rota/whoisoncall`, () =>
        HttpResponse.json(
          {
            error: {
              message: 'Requested URI does not represent any resource',
              detail: null,
            },
            status: 'failure',
          },
          { status: 400 },
        ),
      ),
    );
    expect(await sn.whoIsOnCall(['g1'], 0)).toBeUndefined();
  });
});
