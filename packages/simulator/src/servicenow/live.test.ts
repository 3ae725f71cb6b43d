import { type ServiceNowHarness, startServiceNow } from './testing';

describe('ServiceNow live mode and shifting records', () => {
  let sn: ServiceNowHarness;
  beforeEach(async () => {
    sn = await startServiceNow();
  });
  afterEach(() => sn.close());

  const since = (stamp: string) =>
    sn.getJson(
      `/api/now/table/incident?sysparm_query=${encodeURIComponent(
        `sys_updated_on>=${stamp}^ORDERBYsys_updated_on`,
      )}&sysparm_fields=number,state,sys_updated_on`,
    );

  it('opens, progresses and resolves incidents on each tick, visible to an incremental sync', async () => {
    const total = Number(
      (await sn.get('/api/now/table/incident?sysparm_limit=1')).headers.get(
        'x-total-count',
      ),
    );
    expect((await since('2026-11-25 12:00:01')).result).toEqual([]);

    const states = new Set<string>();
    for (let minute = 1; minute <= 30; minute++) {
      sn.clock.advance(60_000);
      sn.simulator.tick(sn.clock.now());
      for (const row of (await since('2026-11-25 12:00:01')).result) {
        states.add(row.state);
      }
    }
    const changed = (await since('2026-11-25 12:00:01')).result;
    expect(changed.length).toBeGreaterThan(5);
    expect(
      changed.every((r: any) => r.sys_updated_on > '2026-11-25 12:00:00'),
    ).toBe(true);
    expect([...states]).toEqual(expect.arrayContaining(['1', '2', '6']));
    const after = Number(
      (await sn.get('/api/now/table/incident?sysparm_limit=1')).headers.get(
        'x-total-count',
      ),
    );
    expect(after).toBeGreaterThan(total);
  });

  it('keeps a steady number of open incidents: they resolve as they arrive', async () => {
    const openCount = async () =>
      Number(
        (
          await sn.get(
            `/api/now/table/incident?sysparm_limit=1&sysparm_query=${encodeURIComponent(
              'active=true^stateIN1,2,3',
            )}`,
          )
        ).headers.get('x-total-count'),
      );
    const seeded = await openCount();
    const counts: number[] = [];
    // Three hours of minutes: without the steady state the open count
    // grew by about ten every half hour.
    for (let minute = 1; minute <= 180; minute++) {
      sn.clock.advance(60_000);
      sn.simulator.tick(sn.clock.now());
      counts.push(await openCount());
    }
    expect(new Set(counts)).toEqual(new Set([seeded]));
    // Still moving: new incidents keep arriving and resolving.
    const opened = await sn.getJson(
      `/api/now/table/incident?sysparm_query=${encodeURIComponent(
        'opened_at>2026-11-25 12:00:00',
      )}&sysparm_fields=number,state`,
    );
    expect(opened.result.length).toBeGreaterThan(50);
    expect(
      opened.result.some((r: any) => r.state === '6' || r.state === '7'),
    ).toBe(true);
  });

  it('inserts a record that sorts first, so the next offset page repeats a record', async () => {
    const order = encodeURIComponent('ORDERBYsys_updated_on');
    const page = (offset: number) =>
      sn.getJson(
        `/api/now/table/incident?sysparm_query=${order}&sysparm_limit=10&sysparm_offset=${offset}&sysparm_fields=sys_id,number,sys_updated_on`,
      );
    const first = await page(0);
    sn.simulator.insertShiftingRecord();
    const second = await page(10);
    expect(second.result[0].sys_id).toBe(first.result[9].sys_id);
    const head = await page(0);
    expect(head.result[0].sys_updated_on < first.result[0].sys_updated_on).toBe(
      true,
    );
    const bySysId = await sn.getJson(
      `/api/now/table/incident?sysparm_query=${encodeURIComponent(
        'ORDERBYsys_id',
      )}&sysparm_limit=1&sysparm_fields=sys_id`,
    );
    expect(bySysId.result[0].sys_id).toBe(head.result[0].sys_id);
  });
});

describe('ServiceNow live mode for changes', () => {
  it('moves scheduled changes through implement, review and closed as their windows pass', async () => {
    const sn = await startServiceNow();
    try {
      const query = encodeURIComponent('state=-2^ORDERBYstart_date');
      const next = (
        await sn.getJson(
          `/api/now/table/change_request?sysparm_query=${query}&sysparm_limit=1`,
        )
      ).result[0];
      const state = async () =>
        (
          await sn.getJson(
            `/api/now/table/change_request/${next.sys_id}?sysparm_fields=state,work_start,work_end,close_code,sys_updated_on`,
          )
        ).result;
      const until = async (text: string) => {
        const target = Date.parse(`${text.replace(' ', 'T')}Z`);
        sn.clock.advance(Math.max(0, target - sn.clock.now().getTime()));
        sn.simulator.tick(sn.clock.now());
      };
      await until(next.start_date);
      expect(await state()).toMatchObject({
        state: '-1',
        work_start: next.start_date,
        sys_updated_on: next.start_date,
      });
      await until(next.end_date);
      expect(await state()).toMatchObject({
        state: '0',
        work_end: next.end_date,
      });
      sn.clock.advance(2 * 3600_000);
      sn.simulator.tick(sn.clock.now());
      expect(await state()).toMatchObject({
        state: '3',
        close_code: 'successful',
      });
    } finally {
      await sn.close();
    }
  });
});
