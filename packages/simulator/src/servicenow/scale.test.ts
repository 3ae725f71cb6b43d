import type { ScaleOptions } from '../types';
import { type ServiceNowHarness, startServiceNow } from './testing';

const MILLION: ScaleOptions = {
  services: 5000,
  incidents: 1_000_000,
  changes: 200_000,
  backupJobs: 0,
  backupSessions: 0,
};

function nextLink(header: string | null): string | undefined {
  return /<([^>]+)>;rel="next"/.exec(header ?? '')?.[1];
}

describe('ServiceNow scale mode', () => {
  let sn: ServiceNowHarness;
  let startMs: number;
  beforeAll(async () => {
    const started = Date.now();
    sn = await startServiceNow({ scale: MILLION });
    startMs = Date.now() - started;
  });
  afterAll(() => sn.close());

  it('starts quickly without materialising a million incidents', () => {
    expect(startMs).toBeLessThan(3000);
    expect(process.memoryUsage().heapUsed).toBeLessThan(1_000_000_000);
  });

  it('answers the incremental sync query by index arithmetic, deep pages included', async () => {
    const query = encodeURIComponent(
      'sys_updated_on>=2026-11-01 00:00:00^ORDERBYsys_updated_on',
    );
    const started = Date.now();
    const first = await sn.get(
      `/api/now/table/incident?sysparm_query=${query}&sysparm_limit=1000&sysparm_fields=sys_id,sys_updated_on`,
    );
    const total = Number(first.headers.get('x-total-count'));
    expect(total).toBeGreaterThan(200_000);
    expect(total).toBeLessThan(400_000);
    const rows = (await first.json()).result;
    expect(rows[0].sys_updated_on >= '2026-11-01 00:00:00').toBe(true);
    const deep = await sn.getJson(
      `/api/now/table/incident?sysparm_query=${query}&sysparm_limit=1000&sysparm_offset=${
        total - 500
      }&sysparm_fields=sys_updated_on`,
    );
    expect(deep.result).toHaveLength(500);
    const stamps = [...rows, ...deep.result].map((r: any) => r.sys_updated_on);
    expect(stamps).toEqual([...stamps].sort());
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('counts the whole table and serves any page of an unordered walk at once', async () => {
    const started = Date.now();
    const head = await sn.get(
      '/api/now/table/incident?sysparm_limit=100&sysparm_offset=999950&sysparm_fields=number',
    );
    expect(head.headers.get('x-total-count')).toBe('1000000');
    expect((await head.json()).result).toHaveLength(50);
    const changes = await sn.get(
      '/api/now/table/change_request?sysparm_limit=1&sysparm_fields=number',
    );
    expect(changes.headers.get('x-total-count')).toBe('200000');
    const services = await sn.get(
      '/api/now/table/cmdb_ci_service?sysparm_limit=1',
    );
    expect(services.headers.get('x-total-count')).toBe('5000');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('finds a derived record by its sys_id', async () => {
    const page = await sn.getJson(
      '/api/now/table/incident?sysparm_limit=1&sysparm_offset=654321&sysparm_fields=sys_id,number',
    );
    const [row] = page.result;
    const single = await sn.getJson(
      `/api/now/table/incident/${row.sys_id}?sysparm_fields=number`,
    );
    expect(single.result.number).toBe(row.number);
    const bySysId = await sn.get(
      `/api/now/table/incident?sysparm_query=sys_id=${row.sys_id}&sysparm_fields=number`,
    );
    expect(bySysId.headers.get('x-total-count')).toBe('1');
  });

  it('walks every record of a smaller derived table exactly once via Link headers', async () => {
    const small = await startServiceNow({
      scale: { ...MILLION, services: 50, incidents: 4321 },
    });
    try {
      const query = encodeURIComponent(
        'sys_updated_on>=2026-01-01 00:00:00^ORDERBYsys_updated_on',
      );
      let path:
        | string
        | undefined = `/api/now/table/incident?sysparm_query=${query}&sysparm_limit=500&sysparm_fields=sys_id`;
      const seen = new Set<string>();
      let pages = 0;
      while (path) {
        const response = await small.get(path);
        for (const row of (await response.json()).result) {
          seen.add(row.sys_id);
        }
        pages++;
        path = nextLink(response.headers.get('link'))?.slice(small.url.length);
      }
      expect(pages).toBe(9);
      expect(seen.size).toBe(4321);
    } finally {
      await small.close();
    }
  });

  it('keeps the sync order with shifting records and live updates', async () => {
    sn.simulator.insertShiftingRecord();
    const head = await sn.getJson(
      `/api/now/table/incident?sysparm_query=${encodeURIComponent(
        'ORDERBYsys_updated_on',
      )}&sysparm_limit=2&sysparm_fields=number,sys_updated_on`,
    );
    expect(head.result[0].sys_updated_on < head.result[1].sys_updated_on).toBe(
      true,
    );
    expect(head.result[1].number).toBe('INC0000001');

    sn.clock.advance(60_000);
    for (let i = 0; i < 10; i++) {
      sn.simulator.tick(sn.clock.now());
    }
    const recent = await sn.get(
      `/api/now/table/incident?sysparm_query=${encodeURIComponent(
        'sys_updated_on>=2026-11-25 12:00:00',
      )}&sysparm_fields=number,sys_updated_on`,
    );
    expect(Number(recent.headers.get('x-total-count'))).toBeGreaterThan(0);
    const count = await sn.get('/api/now/table/incident?sysparm_limit=1');
    expect(Number(count.headers.get('x-total-count'))).toBeGreaterThan(
      1_000_001,
    );
  });
});
