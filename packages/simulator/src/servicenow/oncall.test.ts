import { ORG_PEOPLE, ORG_TEAMS } from '../world/org';
import { type ServiceNowHarness, startServiceNow } from './testing';

describe('ServiceNow on-call (whoisoncall)', () => {
  let sn: ServiceNowHarness;
  let groupIds: Record<string, string>;
  let userNames: Record<string, string>;
  beforeAll(async () => {
    sn = await startServiceNow();
    const groups = await sn.getJson(
      '/api/now/table/sys_user_group?sysparm_fields=sys_id,name',
    );
    groupIds = Object.fromEntries(
      groups.result.map((g: any) => [g.name, g.sys_id]),
    );
    const users = await sn.getJson(
      '/api/now/table/sys_user?sysparm_fields=sys_id,user_name',
    );
    userNames = Object.fromEntries(
      users.result.map((u: any) => [u.sys_id, u.user_name]),
    );
  });
  afterAll(() => sn.close());

  const whoIsOnCall = async (group: string, dateTime: string) => {
    const body = await sn.getJson(
      `/api/now/on_call_rota/whoisoncall?group_ids=${
        groupIds[group]
      }&date_time=${encodeURIComponent(dateTime)}`,
    );
    return body.result as any[];
  };

  it('answers an escalation chain of the group members, primary first', async () => {
    const team = ORG_TEAMS.find(t => t.members.length === 3)!;
    const chain = await whoIsOnCall(team.name, '2026-11-20 12:00:00');
    expect(chain.map(e => e.order)).toEqual([1, 2, 3]);
    expect(new Set(chain.map(e => userNames[e.userId]))).toEqual(
      new Set(team.members),
    );
    for (const entry of chain) {
      expect(entry).toMatchObject({
        group: groupIds[team.name],
        rota: expect.stringMatching(/^[0-9a-f]{32}$/),
        roster: expect.stringMatching(/^[0-9a-f]{32}$/),
        memberId: expect.stringMatching(/^[0-9a-f]{32}$/),
        isOverride: false,
        isDevice: false,
      });
    }
  });

  it('hands over to the next member a week later', async () => {
    const team = ORG_TEAMS[1];
    const before = await whoIsOnCall(team.name, '2026-11-10 12:00:00');
    const after = await whoIsOnCall(team.name, '2026-11-17 12:00:00');
    expect(after[0].userId).not.toBe(before[0].userId);
    expect(after[0].userId).toBe(before[1].userId);
  });

  it('hands over at 09:00 UTC on the rotation weekday', async () => {
    const team = ORG_TEAMS[0];
    const handover = [];
    for (let day = 16; day <= 22; day++) {
      const before = await whoIsOnCall(team.name, `2026-11-${day} 08:59:59`);
      const after = await whoIsOnCall(team.name, `2026-11-${day} 09:00:00`);
      if (before[0].userId !== after[0].userId) {
        handover.push(day);
      }
    }
    expect(handover).toHaveLength(1);
  });

  it('shows a planned cover as an override', async () => {
    const overrides = [];
    for (let hour = 0; hour < 24 * 7; hour += 6) {
      const at = new Date(Date.parse('2026-11-25T00:00:00Z') + hour * 3600_000);
      const text = at.toISOString().slice(0, 19).replace('T', ' ');
      for (const team of ORG_TEAMS) {
        overrides.push(
          ...(await whoIsOnCall(team.name, text)).filter(e => e.isOverride),
        );
      }
    }
    expect(overrides.length).toBeGreaterThan(0);
    expect(overrides.every(e => e.order === 1)).toBe(true);
  });

  it('answers every group when none is given, and resolves users through sys_user', async () => {
    const body = await sn.getJson('/api/now/on_call_rota/whoisoncall');
    const primaries = body.result.filter((e: any) => e.order === 1);
    expect(primaries).toHaveLength(ORG_TEAMS.length);
    const user = await sn.getJson(
      `/api/now/table/sys_user/${primaries[0].userId}?sysparm_fields=user_name,name,email`,
    );
    expect(ORG_PEOPLE.map(p => p.userName)).toContain(user.result.user_name);
  });

  it('refuses a malformed date_time with 400', async () => {
    const response = await sn.get(
      '/api/now/on_call_rota/whoisoncall?date_time=tomorrow',
    );
    expect(response.status).toBe(400);
    expect((await response.json()).status).toBe('failure');
  });

  it('keeps rotas, coverage, member rotation spans and the cover in its tables, as whoisoncall answers', async () => {
    const rows = async (table: string, query: string) =>
      (
        await sn.getJson(
          `/api/now/table/${table}?sysparm_exclude_reference_link=true&sysparm_query=${encodeURIComponent(
            query,
          )}`,
        )
      ).result as any[];
    const fromSchedule = (text: string) =>
      Date.parse(
        `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(
          6,
          8,
        )}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13, 15)}Z`,
      );
    const WEEK = 7 * 86_400_000;
    for (const team of ORG_TEAMS) {
      const [rota] = await rows('cmn_rota', `group=${groupIds[team.name]}`);
      const [coverage] = await rows(
        'cmn_schedule_span',
        `schedule=${rota.schedule}`,
      );
      expect(coverage).toMatchObject({ repeat_type: 'daily' });
      const [roster] = await rows('cmn_rota_roster', `rota=${rota.sys_id}`);
      const members = await rows('cmn_rota_member', `roster=${roster.sys_id}`);
      const spans = await rows(
        'cmn_schedule_span',
        `scheduleIN${members.map(m => m.rotation_schedule).join(',')}`,
      );
      const covers = await rows(
        'roster_schedule_span',
        `roster=${roster.sys_id}^type=on_call`,
      );
      // A cover sits on the covering user's own schedule.
      const personal = await rows(
        'cmn_schedule',
        `sys_idIN${covers.map(c => c.schedule).join(',')}`,
      );
      const userIdOf = (schedule: string) =>
        personal.find(p => p.sys_id === schedule)?.document_key;
      for (let hour = 0; hour < 24 * 21; hour += 7) {
        const at = Date.parse('2026-11-20T00:00:00Z') + hour * 3_600_000;
        const cover = covers.find(
          c =>
            fromSchedule(c.start_date_time) <= at &&
            at < fromSchedule(c.end_date_time),
        );
        const rotating = spans.find(span => {
          const start = fromSchedule(span.start_date_time);
          const period = Number(span.repeat_count) * WEEK;
          return at >= start && (at - start) % period < WEEK;
        });
        const member = members.find(
          m => m.rotation_schedule === rotating?.schedule,
        );
        const [primary] = await whoIsOnCall(
          team.name,
          new Date(at).toISOString().slice(0, 19).replace('T', ' '),
        );
        expect(primary.isOverride).toBe(Boolean(cover));
        expect(primary.userId).toBe(
          cover ? userIdOf(cover.schedule) : member.member,
        );
      }
    }
  });
});
