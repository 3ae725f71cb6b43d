import { type ServiceNowHarness, startServiceNow } from './testing';

type Row = Record<string, string>;

describe('ServiceNow demo world', () => {
  let sn: ServiceNowHarness;
  let incidents: Row[];
  let changes: Row[];
  beforeAll(async () => {
    sn = await startServiceNow();
    const list = async (table: string) =>
      (
        await sn.getJson(
          `/api/now/table/${table}?sysparm_exclude_reference_link=true`,
        )
      ).result;
    incidents = await list('incident');
    changes = await list('change_request');
  });
  afterAll(() => sn.close());

  const share = (rows: Row[], test: (row: Row) => boolean) =>
    rows.filter(test).length / rows.length;
  const hours = (from: string, to: string) =>
    (Date.parse(`${to.replace(' ', 'T')}Z`) -
      Date.parse(`${from.replace(' ', 'T')}Z`)) /
    3600_000;

  it('has about 90 days of incidents, mostly priority 3 and 4', () => {
    const opened = incidents.map(i => i.opened_at).sort();
    expect(opened[0] >= '2026-08-27').toBe(true);
    expect(opened[0] < '2026-08-29').toBe(true);
    expect(opened[opened.length - 1] <= '2026-11-25 12:00:00').toBe(true);
    expect(
      share(incidents, i => i.priority === '3' || i.priority === '4'),
    ).toBeGreaterThan(0.7);
    expect(new Set(incidents.map(i => i.priority))).toEqual(
      new Set(['1', '2', '3', '4', '5']),
    );
  });

  it('covers every incident state, with open ones and long-tailed resolution times', () => {
    expect(new Set(incidents.map(i => i.state))).toEqual(
      new Set(['1', '2', '3', '6', '7', '8']),
    );
    const durations = incidents
      .filter(i => i.resolved_at)
      .map(i => hours(i.opened_at, i.resolved_at))
      .sort((a, b) => a - b);
    const median = durations[Math.floor(durations.length / 2)];
    expect(durations[durations.length - 1]).toBeGreaterThan(10 * median);
    for (const incident of incidents) {
      const open = ['1', '2', '3'].includes(incident.state);
      expect(incident.resolved_at === '').toBe(open || incident.state === '8');
      expect(incident.sys_updated_on >= incident.opened_at).toBe(true);
      expect(incident.active).toBe(
        String(incident.state !== '7' && incident.state !== '8'),
      );
    }
  });

  it('has major and security incidents', () => {
    const major = incidents.filter(i => i.major_incident_state === 'accepted');
    expect(major.length).toBeGreaterThan(0);
    expect(major.every(i => i.priority === '1')).toBe(true);
    expect(incidents.some(i => i.category === 'security')).toBe(true);
  });

  it('plans changes in a weekly rhythm with a standard/normal/emergency mix, past and upcoming', () => {
    const weekday = (c: Row) =>
      new Date(`${c.start_date.replace(' ', 'T')}Z`).getUTCDay();
    const midweek = changes.filter(c => [2, 3, 4].includes(weekday(c))).length;
    const weekend = changes.filter(c => [0, 6].includes(weekday(c))).length;
    expect(midweek).toBeGreaterThan(4 * weekend);
    expect(new Set(changes.map(c => c.type))).toEqual(
      new Set(['standard', 'normal', 'emergency']),
    );
    expect(share(changes, c => c.type === 'standard')).toBeGreaterThan(0.4);
    const upcoming = changes.filter(c => c.start_date > '2026-11-25 12:00:00');
    expect(upcoming.length).toBeGreaterThan(10);
    expect(
      upcoming.every(
        c => ['-5', '-4', '-3', '-2'].includes(c.state) && c.work_start === '',
      ),
    ).toBe(true);
    expect(
      upcoming.some(c => c.state === '-3' && c.approval === 'requested'),
    ).toBe(true);
    const closed = changes.filter(c => c.state === '3');
    expect(closed.every(c => c.work_start && c.work_end && c.close_code)).toBe(
      true,
    );
    expect(new Set(closed.map(c => c.close_code))).toEqual(
      new Set(['successful', 'successful_issues', 'unsuccessful']),
    );
    expect(changes.some(c => c.state === '4')).toBe(true);
    expect(
      changes
        .filter(c => c.type === 'normal' && c.approval === 'approved')
        .every(c => c.approval_set),
    ).toBe(true);
  });

  it('follows failed changes with an incident on the same service', () => {
    const failed = changes.filter(
      c =>
        c.close_code === 'unsuccessful' && c.work_end < '2026-11-25 10:00:00',
    );
    expect(failed.length).toBeGreaterThan(0);
    for (const change of failed) {
      const fallout = incidents.find(i => i.caused_by === change.sys_id);
      expect(fallout).toBeDefined();
      expect(fallout!.business_service).toBe(change.business_service);
      expect(fallout!.opened_at > change.work_end).toBe(true);
    }
  });

  it('names the fix of a change-caused incident in rfc: a later change on its service', () => {
    const caused = incidents.filter(i => i.caused_by);
    const fixed = caused.filter(i => i.rfc);
    expect(fixed.length).toBeGreaterThan(0);
    const byId = new Map(changes.map(c => [c.sys_id, c]));
    for (const incident of fixed) {
      const fix = byId.get(incident.rfc)!;
      expect(fix).toBeDefined();
      expect(fix.sys_id).not.toBe(incident.caused_by);
      expect(fix.business_service).toBe(incident.business_service);
      expect(fix.start_date > incident.opened_at).toBe(true);
    }
    // Incidents no change caused link none.
    expect(incidents.filter(i => !i.caused_by).every(i => !i.rfc)).toBe(true);
  });

  it('holds a year-end and an upcoming short freeze, which only emergency changes and two deliberate clashes enter', async () => {
    const blackouts = (await sn.getJson('/api/now/table/cmn_schedule_blackout'))
      .result;
    // The spans of the blackout schedules (on-call schedules have theirs).
    const spans = (
      await sn.getJson(
        `/api/now/table/cmn_schedule_span?sysparm_exclude_reference_link=true&sysparm_query=scheduleIN${blackouts
          .map((b: Row) => b.sys_id)
          .join(',')}`,
      )
    ).result;
    expect(blackouts).toHaveLength(2);
    expect(spans.map((s: Row) => s.schedule).sort()).toEqual(
      blackouts.map((b: Row) => b.sys_id).sort(),
    );
    const yearEnd = spans.find((s: Row) => s.name === 'Year-end change freeze');
    expect(yearEnd.start_date_time).toBe('20261215T000000');
    expect(yearEnd.end_date_time).toBe('20270105T235959');
    const campaign = spans.find((s: Row) => s !== yearEnd);
    expect(
      campaign.start_date_time > '20261125T120000' &&
        campaign.start_date_time < '20261215T000000',
    ).toBe(true);
    const compact = (text: string) =>
      text.replace(/[-:]/g, '').replace(' ', 'T');
    const plannedIn = (span: Row) =>
      changes.filter(
        c =>
          c.type !== 'emergency' &&
          compact(c.start_date) >= span.start_date_time &&
          compact(c.start_date) <= span.end_date_time,
      );
    expect(plannedIn(yearEnd)).toEqual([]);
    const clashes = plannedIn(campaign);
    expect(clashes.map(c => c.type).sort()).toEqual(['normal', 'standard']);
    expect(clashes[0].cmdb_ci).toBe(clashes[1].cmdb_ci);
  });

  it('links change tasks and problems to their records', async () => {
    const tasks = (
      await sn.getJson(
        '/api/now/table/change_task?sysparm_exclude_reference_link=true',
      )
    ).result;
    expect(tasks.length).toBeGreaterThan(0);
    const changeIds = new Set(changes.map(c => c.sys_id));
    expect(tasks.every((t: Row) => changeIds.has(t.change_request))).toBe(true);
    const problems = (
      await sn.getJson(
        '/api/now/table/problem?sysparm_exclude_reference_link=true',
      )
    ).result;
    expect(problems.length).toBeGreaterThan(0);
    const byId = new Map(incidents.map(i => [i.sys_id, i]));
    for (const problem of problems) {
      expect(byId.get(problem.first_reported_by_task)?.problem_id).toBe(
        problem.sys_id,
      );
    }
  });

  it('records routing times and GDPR breaches notified on time, late with reasons and late without', () => {
    const routed = incidents.filter(i => i.u_assigned_at);
    expect(routed.every(i => i.u_assigned_at >= i.opened_at)).toBe(true);
    expect(share(incidents, i => i.u_assigned_at !== '')).toBeGreaterThan(0.9);
    const breaches = incidents.filter(i => i.u_gdpr_breach === 'true');
    expect(breaches.every(b => b.category === 'security')).toBe(true);
    const delay = (b: Row) => hours(b.u_breach_aware_at, b.u_dpa_notified_at);
    const notified = breaches.filter(b => b.u_dpa_notified_at);
    expect(notified.some(b => delay(b) <= 72)).toBe(true);
    expect(notified.some(b => delay(b) > 72 && b.u_dpa_delay_reason)).toBe(
      true,
    );
    expect(notified.some(b => delay(b) > 72 && !b.u_dpa_delay_reason)).toBe(
      true,
    );
    // Reasons are only given for late notifications.
    expect(breaches.every(b => !b.u_dpa_delay_reason || delay(b) > 72)).toBe(
      true,
    );
  });

  it('links most P1/P2 incidents to a problem record as their review, not all', () => {
    const urgent = incidents.filter(
      i => i.priority === '1' || i.priority === '2',
    );
    const reviewed = share(urgent, i => i.problem_id !== '');
    expect(reviewed).toBeGreaterThan(0.7);
    expect(reviewed).toBeLessThan(1);
  });

  it('is the same world for the same seed and a different one for another seed', async () => {
    const again = await startServiceNow();
    const other = await startServiceNow({ seed: 8 });
    try {
      const path =
        '/api/now/table/incident?sysparm_limit=20&sysparm_fields=sys_id,number,priority,opened_at';
      expect(await again.getJson(path)).toEqual(await sn.getJson(path));
      expect(await other.getJson(path)).not.toEqual(await sn.getJson(path));
    } finally {
      await again.close();
      await other.close();
    }
  });
});
