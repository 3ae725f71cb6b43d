import { basic, type ServiceNowHarness, startServiceNow } from './testing';

describe('ServiceNow quirks', () => {
  let sn: ServiceNowHarness;
  afterEach(() => sn.close());

  const integration = basic('itops.integration', 'sn-demo-4f7c1a');

  it('answers with its own clock in the Date header', async () => {
    sn = await startServiceNow();
    const response = await sn.get('/api/now/table/incident?sysparm_limit=1');
    expect(response.headers.get('date')).toBe(
      new Date('2026-11-25T12:00:00Z').toUTCString(),
    );
  });

  it('hides the changes incidents link to from the integration user, and only from it', async () => {
    sn = await startServiceNow();
    const report = sn.simulator.setQuirks({
      aclHiddenChangeLinks: { count: 2 },
    });
    expect(report.hiddenChangeLinks).toHaveLength(2);
    const [{ incident, change }] = report.hiddenChangeLinks;
    const fields =
      'sysparm_fields=caused_by,caused_by.number,rfc,rfc.number&sysparm_display_value=all&sysparm_exclude_reference_link=true';
    const asIntegration = await (
      await sn.get(`/api/now/table/incident/${incident}?${fields}`, {
        authorization: integration,
      })
    ).json();
    const link =
      asIntegration.result.caused_by.value === change ? 'caused_by' : 'rfc';
    // The incident still holds the sys_id; what is behind it is blank.
    expect(asIntegration.result[link]).toEqual({
      display_value: '',
      value: change,
    });
    expect(asIntegration.result[`${link}.number`].value).toBe('');
    const byId = await sn.get(`/api/now/table/change_request/${change}`, {
      authorization: integration,
    });
    expect(byId.status).toBe(404);
    const list = await (
      await sn.get(
        `/api/now/table/change_request?sysparm_fields=sys_id&sysparm_query=sys_id=${change}`,
        { authorization: integration },
      )
    ).json();
    expect(list.result).toEqual([]);

    // The admin sees the change.
    const asAdmin = await sn.getJson(
      `/api/now/table/incident/${incident}?${fields}`,
    );
    expect(asAdmin.result[`${link}.number`].value).toMatch(/^CHG\d+$/);

    // Switched off, the integration user sees it again.
    sn.simulator.setQuirks({});
    const again = await sn.get(`/api/now/table/change_request/${change}`, {
      authorization: integration,
    });
    expect(again.status).toBe(200);
  });

  it('carries change categories, security patches among them, and hides a column a field ACL covers', async () => {
    sn = await startServiceNow();
    const url =
      '/api/now/table/change_request?sysparm_fields=number,category,opened_at';
    const open = await sn.getJson(url);
    const categories = new Set(
      open.result.map((r: Record<string, string>) => r.category),
    );
    expect(categories).toEqual(new Set(['Security', 'Software']));
    expect(open.result.every((r: Record<string, string>) => r.opened_at)).toBe(
      true,
    );
    sn.simulator.setQuirks({ hiddenColumns: { change_request: ['category'] } });
    const hidden = await (
      await sn.get(url, { authorization: integration })
    ).json();
    expect(hidden.result.length).toBe(open.result.length);
    expect(hidden.result.some((r: object) => 'category' in r)).toBe(false);
    expect(hidden.result[0].opened_at).toBeTruthy();
    // The query still matches on it, as field ACLs do not change queries.
    const patches = await (
      await sn.get(`${url}&sysparm_query=category=Security`, {
        authorization: integration,
      })
    ).json();
    expect(patches.result.length).toBeGreaterThan(0);
    expect(patches.result.length).toBeLessThan(open.result.length);
  });

  it('carries incident subcategories, capacity among them, and hides them behind a field ACL', async () => {
    sn = await startServiceNow();
    const url =
      '/api/now/table/incident?sysparm_fields=number,category,subcategory';
    const open = await sn.getJson(url);
    const subcategories = new Set(
      open.result.map((r: Record<string, string>) => r.subcategory),
    );
    expect(subcategories).toEqual(new Set(['capacity', '']));
    sn.simulator.setQuirks({ hiddenColumns: { incident: ['subcategory'] } });
    const hidden = await (
      await sn.get(url, { authorization: integration })
    ).json();
    expect(hidden.result.length).toBe(open.result.length);
    expect(hidden.result.some((r: object) => 'subcategory' in r)).toBe(false);
    expect(hidden.result[0].category).toBeTruthy();
  });

  it('records requester and implementer of changes, the same person on some', async () => {
    sn = await startServiceNow();
    const rows = (
      await sn.getJson(
        '/api/now/table/change_request?sysparm_exclude_reference_link=true&sysparm_fields=number,requested_by,assigned_to',
      )
    ).result as Array<Record<string, string>>;
    expect(rows.every(r => r.requested_by && r.assigned_to)).toBe(true);
    const self = rows.filter(r => r.requested_by === r.assigned_to);
    expect(self.length).toBeGreaterThan(0);
    expect(self.length).toBeLessThan(rows.length / 4);
  });

  it('hides rows by ACL after the limit, counting them in X-Total-Count', async () => {
    sn = await startServiceNow({
      quirks: { aclHidden: { tables: ['incident'], share: 0.2 } },
    });
    const all = await sn.getJson(
      '/api/now/table/incident?sysparm_fields=sys_id',
    );
    let visible = 0;
    let shortPages = 0;
    for (let offset = 0; ; offset += 20) {
      const response = await sn.get(
        `/api/now/table/incident?sysparm_fields=sys_id&sysparm_limit=20&sysparm_offset=${offset}`,
        { authorization: integration },
      );
      expect(Number(response.headers.get('x-total-count'))).toBe(
        all.result.length,
      );
      const page = await response.json();
      visible += page.result.length;
      const next = /rel="next"/.test(response.headers.get('link') ?? '');
      if (next && page.result.length < 20) {
        shortPages++;
      }
      if (!next) {
        break;
      }
    }
    expect(shortPages).toBeGreaterThan(0);
    expect(visible).toBeLessThan(all.result.length * 0.9);
    expect(visible).toBeGreaterThan(all.result.length * 0.7);
    // The same rows every time, and 404 by sys_id.
    const hidden = [];
    for (const { sys_id } of all.result) {
      const one = await sn.get(`/api/now/table/incident/${sys_id}`, {
        authorization: integration,
      });
      if (one.status === 404) {
        hidden.push(sys_id);
      }
      if (hidden.length > 2) break;
    }
    expect(hidden.length).toBeGreaterThan(0);
  });

  it('refuses token requests with 429, with and without Retry-After', async () => {
    sn = await startServiceNow({
      quirks: { tokenRateLimit: { count: 1, retryAfterSeconds: 7 } },
    });
    const token = () =>
      fetch(`${sn.url}/oauth_token.do`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=itops-backstage&client_secret=itops-secret',
      });
    const refused = await token();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect((await token()).status).toBe(200);
    sn.simulator.setQuirks({ tokenRateLimit: { count: 1 } });
    const bare = await token();
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect((await token()).status).toBe(200);
  });

  it("shows display values in the user's time zone, values in UTC", async () => {
    sn = await startServiceNow({
      quirks: { userTimeZones: { 'itops.integration': 'America/Los_Angeles' } },
    });
    const path =
      '/api/now/table/incident?sysparm_query=ORDERBYDESCsys_updated_on&sysparm_limit=1&sysparm_fields=sys_updated_on&sysparm_display_value=all';
    const [row] = (
      await (await sn.get(path, { authorization: integration })).json()
    ).result;
    const [asAdmin] = (await sn.getJson(path)).result;
    expect(asAdmin.sys_updated_on.display_value).toBe(
      asAdmin.sys_updated_on.value,
    );
    expect(row.sys_updated_on.value).toBe(asAdmin.sys_updated_on.value);
    const shift =
      Date.parse(`${row.sys_updated_on.value.replace(' ', 'T')}Z`) -
      Date.parse(`${row.sys_updated_on.display_value.replace(' ', 'T')}Z`);
    expect(shift).toBe(8 * 3_600_000); // November: PST, UTC-8
  });

  it('dates rows ahead of and behind the clock, and says which', async () => {
    sn = await startServiceNow();
    const report = sn.simulator.setQuirks({
      futureDated: { tables: ['incident'], count: 2, aheadSeconds: 86_400 },
      pastDated: { tables: ['change_request'], count: 1, ageSeconds: 3600 },
    });
    expect(report.futureDated.incident).toHaveLength(2);
    const future = await sn.getJson(
      `/api/now/table/incident?sysparm_query=${encodeURIComponent(
        'sys_updated_on>2026-11-25 12:00:00',
      )}&sysparm_fields=sys_id,sys_updated_on`,
    );
    expect(future.result).toEqual(
      report.futureDated.incident.map(id =>
        expect.objectContaining({
          sys_id: id,
          sys_updated_on: '2026-11-26 12:00:00',
        }),
      ),
    );
    const [changed] = report.pastDated.change_request;
    const { result } = await sn.getJson(
      `/api/now/table/change_request/${changed}?sysparm_fields=short_description,sys_updated_on`,
    );
    expect(result.sys_updated_on).toBe('2026-11-25 11:00:00');
    expect(result.short_description).toMatch(/\(re-imported\)$/);
  });

  it('deletes rows with an audit trail that integration users may be refused', async () => {
    sn = await startServiceNow();
    const before = await sn.getJson(
      '/api/now/table/incident?sysparm_fields=sys_id',
    );
    const report = sn.simulator.setQuirks({
      deleted: { tables: ['incident'], count: 2 },
      deniedTables: { sys_audit_delete: 403 },
    });
    const after = await sn.getJson(
      '/api/now/table/incident?sysparm_fields=sys_id',
    );
    expect(after.result).toHaveLength(before.result.length - 2);
    const audit = await sn.getJson(
      '/api/now/table/sys_audit_delete?sysparm_query=tablename=incident&sysparm_fields=documentkey,payload,sys_created_on',
    );
    expect(audit.result.map((r: any) => r.documentkey).sort()).toEqual(
      [...report.deleted.incident].sort(),
    );
    expect(audit.result[0].payload).toContain(
      `<sys_id>${audit.result[0].documentkey}</sys_id>`,
    );
    const denied = await sn.get('/api/now/table/sys_audit_delete', {
      authorization: integration,
    });
    expect(denied.status).toBe(403);
    sn.simulator.setQuirks({ deniedTables: { sys_audit_delete: 404 } });
    expect(
      (
        await sn.get('/api/now/table/sys_audit_delete', {
          authorization: integration,
        })
      ).status,
    ).toBe(404);
  });

  it('writes malformed values into distinct rows', async () => {
    sn = await startServiceNow();
    const report = sn.simulator.setQuirks({
      malformed: [
        { table: 'incident', values: { opened_at: '31/11/2026 25:00' } },
        { table: 'incident', values: { state: '42' } },
      ],
    });
    expect(new Set(report.malformed.map(m => m.sysId)).size).toBe(2);
    const { result } = await sn.getJson(
      `/api/now/table/incident/${report.malformed[1].sysId}?sysparm_fields=state`,
    );
    expect(result.state).toBe('42');
  });
});
