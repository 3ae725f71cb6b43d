import { type ServiceNowHarness, startServiceNow } from './testing';

describe('ServiceNow Change Management API', () => {
  let sn: ServiceNowHarness;
  beforeAll(async () => {
    sn = await startServiceNow();
  });
  afterAll(() => sn.close());

  const post = (path: string) =>
    fetch(`${sn.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
        accept: 'application/json',
      },
    });

  it('lists changes with typed {display_value, value} fields', async () => {
    const response = await sn.get(
      '/api/sn_chg_rest/change?sysparm_query=state=3&sysparm_limit=5',
    );
    expect(Number(response.headers.get('x-total-count'))).toBeGreaterThan(5);
    const { result } = await response.json();
    expect(result).toHaveLength(5);
    const [change] = result;
    expect(change.state).toEqual({ display_value: 'Closed', value: 3 });
    expect(change.active).toEqual({ display_value: 'false', value: false });
    expect(change.number.value).toMatch(/^CHG\d{7}$/);
    expect(change.start_date).toEqual({
      display_value: change.start_date.value,
      value: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      display_value_internal: change.start_date.value,
    });
    expect(typeof change.risk.value).toBe('number');
    expect(change.assignment_group.display_value).toEqual(expect.any(String));
    expect(change.assignment_group.value).toMatch(/^[0-9a-f]{32}$/);
  });

  it('lists and reads changes per type', async () => {
    const emergency = (await sn.getJson('/api/sn_chg_rest/change/emergency'))
      .result;
    expect(emergency.length).toBeGreaterThan(0);
    expect(emergency.every((c: any) => c.type.value === 'emergency')).toBe(
      true,
    );
    const id = emergency[0].sys_id.value;
    expect(
      (await sn.getJson(`/api/sn_chg_rest/v1/change/${id}`)).result.sys_id
        .value,
    ).toBe(id);
    expect(
      (await sn.getJson(`/api/sn_chg_rest/change/emergency/${id}`)).result.type
        .display_value,
    ).toBe('Emergency');
    expect(
      (await sn.get(`/api/sn_chg_rest/change/standard/${id}`)).status,
    ).toBe(404);
  });

  it('lists the tasks of a change', async () => {
    const normal = (
      await sn.getJson('/api/sn_chg_rest/change/normal?sysparm_limit=1')
    ).result[0];
    const tasks = (
      await sn.getJson(`/api/sn_chg_rest/change/${normal.sys_id.value}/task`)
    ).result;
    expect(tasks.length).toBeGreaterThan(1);
    expect(
      tasks.every((t: any) => t.change_request.value === normal.sys_id.value),
    ).toBe(true);
  });

  it('detects a change planned into a blackout and a change on the same CI at the same time', async () => {
    const blackout = (
      await sn.getJson(
        '/api/now/table/cmn_schedule_blackout?sysparm_query=nameLIKEcampaign',
      )
    ).result[0];
    const span = (
      await sn.getJson(
        `/api/now/table/cmn_schedule_span?sysparm_query=schedule=${blackout.sys_id}`,
      )
    ).result[0];
    const start = span.start_date_time.replace(
      /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/,
      '$1-$2-$3 $4:$5:$6',
    );
    const query = encodeURIComponent(
      `type=normal^start_date>=${start}^ORDERBYstart_date`,
    );
    const change = (
      await sn.getJson(
        `/api/sn_chg_rest/change?sysparm_query=${query}&sysparm_limit=1`,
      )
    ).result[0];

    const before = (
      await sn.getJson(
        `/api/sn_chg_rest/change/${change.sys_id.value}/conflict`,
      )
    ).result;
    expect(before).toMatchObject({ status: 'Not Run', conflicts: [] });
    const started = await post(
      `/api/sn_chg_rest/change/${change.sys_id.value}/conflict`,
    );
    expect(started.status).toBe(200);
    const after = (
      await sn.getJson(
        `/api/sn_chg_rest/change/${change.sys_id.value}/conflict`,
      )
    ).result;
    expect(after).toMatchObject({
      status: 'Conflict',
      last_run: '2026-11-25 12:00:00',
      record_count: '2',
    });
    const types = after.conflicts.map((c: any) => c.type.value).sort();
    expect(types).toEqual(['blackout', 'ci_already_scheduled']);
    const onBlackout = after.conflicts.find(
      (c: any) => c.type.value === 'blackout',
    );
    expect(onBlackout.schedule).toEqual({
      display_value: blackout.name,
      value: blackout.sys_id,
    });
    expect(onBlackout.change.value).toBe(change.sys_id.value);
    const onCi = after.conflicts.find(
      (c: any) => c.type.value === 'ci_already_scheduled',
    );
    expect(onCi.configuration_item.value).toBe(change.cmdb_ci.value);
    expect(onCi.conflicting_change.value).not.toBe(change.sys_id.value);
  });

  it('reports no conflicts for an ordinary past change, still with status "Conflict" as ServiceNow does', async () => {
    const change = (
      await sn.getJson(
        '/api/sn_chg_rest/change/standard?sysparm_query=state=3&sysparm_limit=1',
      )
    ).result[0];
    await post(`/api/sn_chg_rest/change/${change.sys_id.value}/conflict`);
    const report = (
      await sn.getJson(
        `/api/sn_chg_rest/change/${change.sys_id.value}/conflict`,
      )
    ).result;
    expect(report).toMatchObject({
      status: 'Conflict',
      record_count: '0',
      conflicts: [],
    });
  });
});
