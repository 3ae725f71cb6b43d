import { ciSysId, ORG_SERVICES, ORG_TEAMS } from '../world/org';
import { type ServiceNowHarness, startServiceNow } from './testing';

/** Parses an RFC 5988 Link header into rel → URL. */
function links(header: string | null): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const match = /^<([^>]+)>;rel="(\w+)"$/.exec(part);
    if (match) {
      result[match[2]] = match[1];
    }
  }
  return result;
}

describe('ServiceNow Table API', () => {
  let sn: ServiceNowHarness;
  beforeAll(async () => {
    sn = await startServiceNow();
  });
  afterAll(() => sn.close());

  const numbers = (body: any) => body.result.map((r: any) => r.number);

  it('pages through every record exactly once by following Link rel="next"', async () => {
    const first = await sn.get(
      '/api/now/table/incident?sysparm_limit=37&sysparm_fields=sys_id',
    );
    const total = Number(first.headers.get('x-total-count'));
    expect(total).toBeGreaterThan(300);
    const seen: string[] = [];
    let response = first;
    for (;;) {
      const body = await response.json();
      seen.push(...body.result.map((r: any) => r.sys_id));
      const next = links(response.headers.get('link')).next;
      if (!next) {
        break;
      }
      response = await sn.get(next.slice(sn.url.length));
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('pages by offset up to X-Total-Count with a stable order, as servicenow.itsm does', async () => {
    const query = encodeURIComponent(
      'active=true^ORDERBYsys_created_on^ORDERBYsys_id',
    );
    const head = await sn.get(
      `/api/now/table/incident?sysparm_query=${query}&sysparm_limit=1`,
    );
    const total = Number(head.headers.get('x-total-count'));
    const all: string[] = [];
    for (let offset = 0; offset < total; offset += 10) {
      const body = await sn.getJson(
        `/api/now/table/incident?sysparm_query=${query}&sysparm_limit=10&sysparm_offset=${offset}&sysparm_fields=number,active`,
      );
      expect(body.result.every((r: any) => r.active === 'true')).toBe(true);
      all.push(...numbers(body));
    }
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
  });

  it('emits the Link header with ServiceNow quirks: no spaces, prev with a negative offset, no next on the last page', async () => {
    const first = await sn.get(
      '/api/now/table/sys_user_group?sysparm_limit=3&sysparm_query=nameSTARTSWITHP',
    );
    expect(first.headers.get('x-total-count')).toBe('2');
    const header = first.headers.get('link')!;
    expect(header).not.toContain(' ');
    expect(header.match(/rel="(\w+)"/g)).toEqual([
      'rel="first"',
      'rel="prev"',
      'rel="last"',
    ]);
    const rel = links(header);
    expect(new URL(rel.prev).searchParams.get('sysparm_offset')).toBe('-3');
    expect(new URL(rel.last).searchParams.get('sysparm_offset')).toBe('0');
    expect(new URL(rel.first).searchParams.get('sysparm_query')).toBe(
      'nameSTARTSWITHP',
    );

    const paged = await sn.get(
      '/api/now/table/sys_user?sysparm_limit=4&sysparm_offset=4',
    );
    const pagedRel = links(paged.headers.get('link'));
    expect(Object.keys(pagedRel)).toEqual(['first', 'prev', 'next', 'last']);
    expect(new URL(pagedRel.next).searchParams.get('sysparm_offset')).toBe('8');
    expect(new URL(pagedRel.last).searchParams.get('sysparm_offset')).toBe('8');
  });

  it('omits the count with sysparm_no_count and the Link header with sysparm_suppress_pagination_header', async () => {
    const noCount = await sn.get(
      '/api/now/table/incident?sysparm_limit=5&sysparm_no_count=true',
    );
    expect(noCount.headers.get('x-total-count')).toBeNull();
    expect(Object.keys(links(noCount.headers.get('link')))).toEqual([
      'first',
      'prev',
      'next',
    ]);
    const suppressed = await sn.get(
      '/api/now/table/incident?sysparm_limit=5&sysparm_suppress_pagination_header=true',
    );
    expect(suppressed.headers.get('link')).toBeNull();
    expect(suppressed.headers.get('x-total-count')).not.toBeNull();
  });

  it('answers with strings only, UTC date-times and {link, value} references', async () => {
    const body = await sn.getJson('/api/now/table/incident?sysparm_limit=50');
    const base = sn.url;
    for (const record of body.result) {
      const values = Object.entries<any>(record);
      const references = values.filter(
        ([, value]) => typeof value === 'object',
      );
      expect(references.length).toBeGreaterThan(0);
      expect(
        values.every(
          ([, value]) => typeof value === 'string' || typeof value === 'object',
        ),
      ).toBe(true);
      expect(references.map(([, value]) => Object.keys(value).sort())).toEqual(
        references.map(() => ['link', 'value']),
      );
      expect(references.map(([, value]) => value.link)).toEqual(
        references.map(
          ([field, value]) =>
            `${base}/api/now/table/${linkTable(field)}/${value.value}`,
        ),
      );
      expect(record.opened_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(record.sys_id).toMatch(/^[0-9a-f]{32}$/);
      expect(record.number).toMatch(/^INC\d{7}$/);
    }
  });

  it('drops links with sysparm_exclude_reference_link and selects sysparm_fields, ignoring unknown ones', async () => {
    const body = await sn.getJson(
      '/api/now/table/incident?sysparm_limit=1&sysparm_exclude_reference_link=true&sysparm_fields=number,assignment_group,no_such_field,assignment_group.name',
    );
    const [record] = body.result;
    expect(Object.keys(record)).toEqual([
      'number',
      'assignment_group',
      'assignment_group.name',
    ]);
    expect(record.assignment_group).toMatch(/^[0-9a-f]{32}$/);
    expect(ORG_TEAMS.map(t => t.name)).toContain(
      record['assignment_group.name'],
    );
  });

  it('renders display values with sysparm_display_value=true and all', async () => {
    const query =
      'sysparm_query=priority=1&sysparm_limit=1&sysparm_fields=priority,state,assignment_group';
    const shown = (
      await sn.getJson(
        `/api/now/table/incident?${query}&sysparm_display_value=true`,
      )
    ).result[0];
    expect(shown.priority).toBe('1 - Critical');
    expect([
      'New',
      'In Progress',
      'On Hold',
      'Resolved',
      'Closed',
      'Canceled',
    ]).toContain(shown.state);
    expect(shown.assignment_group.display_value).toEqual(expect.any(String));
    expect(shown.assignment_group.link).toContain(
      '/api/now/table/sys_user_group/',
    );

    const all = (
      await sn.getJson(
        `/api/now/table/incident?${query}&sysparm_display_value=all`,
      )
    ).result[0];
    expect(all.priority).toEqual({ display_value: '1 - Critical', value: '1' });
    expect(Object.keys(all.assignment_group).sort()).toEqual([
      'display_value',
      'link',
      'value',
    ]);
    expect(all.assignment_group.display_value).toBe(
      shown.assignment_group.display_value,
    );
  });

  describe('sysparm_query', () => {
    const list = async (
      query: string,
      fields = 'number,priority,state,opened_at',
    ) => {
      const response = await sn.get(
        `/api/now/table/incident?sysparm_query=${encodeURIComponent(
          query,
        )}&sysparm_fields=${fields}`,
      );
      expect(response.status).toBe(200);
      return (await response.json()).result as Array<Record<string, string>>;
    };
    /** Guards `every` checks against passing on an empty answer. */
    const some = async (query: string, fields?: string) => {
      const rows = await list(query, fields);
      expect(rows.length).toBeGreaterThan(0);
      return rows;
    };

    it('filters with = and != and counts match the filter', async () => {
      const all = await list('');
      const critical = await list('priority=1');
      const notCritical = await list('priority!=1');
      expect(critical.length).toBeGreaterThan(0);
      expect(critical.every(r => r.priority === '1')).toBe(true);
      expect(critical.length + notCritical.length).toBe(all.length);
    });

    it('combines ^ (AND), ^OR and ^NQ', async () => {
      const and = await some('priority=1^state=7');
      expect(and.every(r => r.priority === '1' && r.state === '7')).toBe(true);
      const or = await list('priority=1^ORpriority=2');
      expect(new Set(or.map(r => r.priority))).toEqual(new Set(['1', '2']));
      const nq = await list('priority=1^state=7^NQpriority=5');
      const expected = (await list('')).filter(
        r => (r.priority === '1' && r.state === '7') || r.priority === '5',
      );
      expect(numbers({ result: nq }).sort()).toEqual(
        numbers({ result: expected }).sort(),
      );
    });

    it('supports IN, NOT IN, LIKE, STARTSWITH, ENDSWITH, ISEMPTY and ISNOTEMPTY', async () => {
      const all = await list('', 'number,state,short_description,resolved_at');
      const open = await list('stateIN1,2,3', 'number,state');
      expect(open.length).toBe(
        all.filter(r => ['1', '2', '3'].includes(r.state)).length,
      );
      const notOpen = await list('stateNOT IN1,2,3', 'number,state');
      expect(open.length + notOpen.length).toBe(all.length);
      const like = await list(
        'short_descriptionLIKElatency',
        'number,short_description',
      );
      expect(like.length).toBe(
        all.filter(r => r.short_description.toLowerCase().includes('latency'))
          .length,
      );
      expect(like.length).toBeGreaterThan(0);
      expect(
        (await some('numberSTARTSWITHINC00100', 'number')).every(r =>
          r.number.startsWith('INC00100'),
        ),
      ).toBe(true);
      expect(
        (await some('numberENDSWITH7', 'number')).every(r =>
          r.number.endsWith('7'),
        ),
      ).toBe(true);
      const unresolved = await some('resolved_atISEMPTY', 'number,resolved_at');
      const resolved = await list(
        'resolved_atISNOTEMPTY',
        'number,resolved_at',
      );
      expect(unresolved.every(r => r.resolved_at === '')).toBe(true);
      expect(resolved.every(r => r.resolved_at !== '')).toBe(true);
      expect(unresolved.length + resolved.length).toBe(all.length);
    });

    it('compares numbers and UTC date-times with <, <=, >, >=', async () => {
      expect(
        (await some('priority<=2')).every(r => Number(r.priority) <= 2),
      ).toBe(true);
      expect(
        (await some('priority>3')).every(r => Number(r.priority) > 3),
      ).toBe(true);
      const since = await list(
        'opened_at>=2026-11-01 00:00:00^opened_at<2026-11-08 00:00:00',
      );
      expect(since.length).toBeGreaterThan(0);
      expect(
        since.every(
          r =>
            r.opened_at >= '2026-11-01 00:00:00' &&
            r.opened_at < '2026-11-08 00:00:00',
        ),
      ).toBe(true);
    });

    it('evaluates javascript:gs date helpers against the clock', async () => {
      // The clock stands at 2026-11-25 12:00:00 UTC.
      const week = await list('opened_at>javascript:gs.daysAgo(7)');
      expect(week.length).toBeGreaterThan(0);
      expect(week.every(r => r.opened_at > '2026-11-18 12:00:00')).toBe(true);
      const yesterday = await some(
        'opened_at>=javascript:gs.daysAgoStart(1)^opened_at<=javascript:gs.daysAgoEnd(1)',
      );
      expect(yesterday.every(r => r.opened_at.startsWith('2026-11-24'))).toBe(
        true,
      );
      const today = await some('opened_at>=javascript:gs.beginningOfToday()');
      expect(today.every(r => r.opened_at.startsWith('2026-11-25'))).toBe(true);
    });

    it('sorts with ORDERBY and ORDERBYDESC', async () => {
      const asc = await list('ORDERBYopened_at');
      expect(asc.map(r => r.opened_at)).toEqual(
        [...asc.map(r => r.opened_at)].sort(),
      );
      const desc = await list('priority=3^ORDERBYDESCopened_at');
      expect(desc.map(r => r.opened_at)).toEqual(
        [...desc.map(r => r.opened_at)].sort().reverse(),
      );
      const byPriority = await list('ORDERBYpriority^ORDERBYDESCnumber');
      expect(byPriority[0].priority).toBe('1');
    });

    it('ignores conditions on unknown fields, as ServiceNow does', async () => {
      const all = await list('');
      expect((await list('no_such_field=1')).length).toBe(all.length);
      const critical = await list('priority=1');
      expect((await list('priority=1^no_such_field=1')).length).toBe(
        critical.length,
      );
    });

    it('walks references with dot notation', async () => {
      const team = ORG_TEAMS[1].name;
      const rows = await list(
        `assignment_group.name=${team}`,
        'number,assignment_group.name',
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every(r => r['assignment_group.name'] === team)).toBe(true);
    });

    it('accepts field=value parameters instead of sysparm_query', async () => {
      const body = await sn.getJson(
        '/api/now/table/incident?priority=1&sysparm_fields=priority',
      );
      expect(body.result.length).toBeGreaterThan(0);
      expect(body.result.every((r: any) => r.priority === '1')).toBe(true);
    });
  });

  it('serves single records by sys_id and the CMDB the catalog annotates', async () => {
    const ci = ORG_SERVICES.find(s => s.servicenowCis.length > 0)!
      .servicenowCis[0];
    const body = await sn.getJson(`/api/now/table/cmdb_ci/${ciSysId(ci)}`);
    expect(body.result.name).toBe(ci);
    const v2 = await sn.getJson(
      `/api/now/v2/table/cmdb_ci/${ciSysId(ci)}?sysparm_fields=name`,
    );
    expect(v2.result).toEqual({ name: ci });
    const services = await sn.getJson(
      '/api/now/table/cmdb_ci_service?sysparm_fields=name',
    );
    expect(services.result.map((s: any) => s.name).sort()).toEqual(
      ORG_SERVICES.flatMap(s => s.servicenowService ?? []).sort(),
    );
    const groups = await sn.getJson(
      '/api/now/table/sys_user_group?sysparm_fields=name',
    );
    expect(groups.result.map((g: any) => g.name).sort()).toEqual(
      ORG_TEAMS.map(t => t.name).sort(),
    );
  });

  it('answers errors in the ServiceNow envelope', async () => {
    const missing = await sn.get(`/api/now/table/incident/${'0'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        message: 'No Record found',
        detail: "Record doesn't exist or ACL restricts the record retrieval",
      },
      status: 'failure',
    });
    const table = await sn.get('/api/now/table/no_such_table');
    expect(table.status).toBe(400);
    expect(await table.json()).toEqual({
      error: { message: 'Invalid table no_such_table', detail: null },
      status: 'failure',
    });
  });

  it('returns 404 for an empty list on v1 and 200 with [] on v2 and unversioned', async () => {
    const query = 'sysparm_query=number=INC9999999';
    expect((await sn.get(`/api/now/v1/table/incident?${query}`)).status).toBe(
      404,
    );
    expect(
      await (await sn.get(`/api/now/v2/table/incident?${query}`)).json(),
    ).toEqual({ result: [] });
    const latest = await sn.get(`/api/now/table/incident?${query}`);
    expect(latest.status).toBe(200);
    expect(latest.headers.get('x-total-count')).toBe('0');
  });
});

function linkTable(field: string): string {
  const tables: Record<string, string> = {
    assignment_group: 'sys_user_group',
    cmdb_ci: 'cmdb_ci',
    business_service: 'cmdb_ci_service',
    problem_id: 'problem',
    rfc: 'change_request',
    caused_by: 'change_request',
  };
  return tables[field] ?? 'sys_user';
}
