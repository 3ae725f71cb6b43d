import { ORG_PEOPLE, ORG_TEAMS } from '../world/org';
import { type JiraTestServer, NOW, startJira } from './testing';

const WEEK = 7 * 86_400_000;

describe('JSM Operations on-call', () => {
  let jira: JiraTestServer;
  let base: string;
  let accounts: Map<string, string>;

  beforeAll(async () => {
    jira = await startJira();
    const tenant = await jira.get('/_edge/tenant_info');
    base = `/jsm/ops/api/${tenant.body.cloudId}/v1`;
    accounts = new Map();
    for (const person of ORG_PEOPLE) {
      const found = await jira.post('/rest/api/3/search/jql', {
        jql: `assignee = "${person.email}" OR reporter = "${person.email}"`,
        fields: ['assignee', 'reporter'],
        maxResults: 1,
      });
      const issue = found.body.issues[0];
      const user = [issue.fields.assignee, issue.fields.reporter].find(
        u => u?.emailAddress === person.email,
      );
      accounts.set(user.accountId, person.userName);
    }
  });

  afterAll(() => jira.close());

  it('has one schedule per team that runs its on-call in JSM', async () => {
    const teams = await jira.get(`${base}/teams`);
    expect(teams.body.map((t: any) => t.teamName)).toEqual(
      ORG_TEAMS.filter(t => t.jsmOps).map(t => t.name),
    );
    const schedules = await jira.get(`${base}/schedules`);
    expect(schedules.status).toBe(200);
    expect(schedules.body.links).toEqual({ next: null });
    expect(schedules.body.values).toHaveLength(teams.body.length);
    for (const schedule of schedules.body.values) {
      expect(schedule).toMatchObject({
        id: expect.any(String),
        timezone: 'Etc/UTC',
        enabled: true,
      });
      expect(teams.body.map((t: any) => t.teamId)).toContain(schedule.teamId);
    }
    const paged = await jira.get(`${base}/schedules?size=2`);
    expect(paged.body.values).toHaveLength(2);
    expect(paged.body.links.next).toContain('offset=2');
  });

  it('tells who is on call now, at a date and next, handing over weekly', async () => {
    const schedules = (await jira.get(`${base}/schedules`)).body.values;
    for (const schedule of schedules) {
      const team = ORG_TEAMS.find(t => `${t.name}_schedule` === schedule.name)!;
      const now = await jira.get(`${base}/schedules/${schedule.id}/on-calls`);
      expect(now.status).toBe(200);
      const [participant] = now.body.onCallParticipants;
      expect(participant.type).toBe('user');
      expect(team.members).toContain(accounts.get(participant.id));

      const explicit = await jira.get(
        `${base}/schedules/${schedule.id}/on-calls?date=${encodeURIComponent(
          NOW,
        )}`,
      );
      expect(explicit.body).toEqual(now.body);

      const timeline = await jira.get(
        `${base}/schedules/${schedule.id}/timeline?interval=2&intervalUnit=weeks`,
      );
      const periods = timeline.body.finalTimeline.rotations[0].periods;
      expect(periods[0].responder.id).toBe(participant.id);
      expect(periods[0].startDate).toBe(NOW);
      const handover = periods[1].startDate;
      expect(Date.parse(periods[2].startDate) - Date.parse(handover)).toBe(
        WEEK,
      );
      expect(periods[1].responder.id).not.toBe(participant.id);

      const next = await jira.get(
        `${base}/schedules/${schedule.id}/next-on-calls`,
      );
      expect(next.body.nextOnCallParticipants[0]).toMatchObject({
        id: periods[1].responder.id,
        type: 'user',
      });
      const atHandover = await jira.get(
        `${base}/schedules/${schedule.id}/on-calls?date=${encodeURIComponent(
          handover,
        )}`,
      );
      expect(atHandover.body.onCallParticipants[0].id).toBe(
        periods[1].responder.id,
      );

      const rotations = await jira.get(
        `${base}/schedules/${schedule.id}/rotations`,
      );
      expect(rotations.body.values[0]).toMatchObject({
        type: 'weekly',
        length: 1,
      });
      expect(rotations.body.values[0].participants).toHaveLength(
        team.members.length,
      );
    }
  });

  it('nests the people of escalations, or names everyone with flat=true', async () => {
    const [schedule] = (await jira.get(`${base}/schedules`)).body.values;
    const path = `${base}/schedules/${schedule.id}`;
    const [primary, escalation] = (
      await jira.get(`${path}/on-calls?flat=false`)
    ).body.onCallParticipants;
    expect(escalation).toMatchObject({
      type: 'escalation',
      onCallParticipants: [
        { type: 'user', escalationTime: 15, id: expect.any(String) },
      ],
    });
    const backup = escalation.onCallParticipants[0].id;
    expect(backup).not.toBe(primary.id);
    // The escalation reaches whoever is on call next week.
    const [nextPrimary] = (await jira.get(`${path}/next-on-calls`)).body
      .nextOnCallParticipants;
    expect(nextPrimary.id).toBe(backup);
    const flat = await jira.get(`${path}/on-calls?flat=true`);
    expect(flat.body).toEqual({
      onCallRecipients: [primary.name, escalation.onCallParticipants[0].name],
    });
    expect((await jira.get(`${path}/on-calls?flat=maybe`)).status).toBe(400);
    // The timeline names the policy, not the person.
    const rotations = (await jira.get(`${path}/timeline`)).body.finalTimeline
      .rotations;
    expect(rotations[1].periods[0].responder).toMatchObject({
      type: 'escalation',
      id: escalation.id,
    });
  });

  it('answers /timeline 404 when switched off, the documented calls still', async () => {
    const bare = await startJira({ ops: { timeline: false } });
    try {
      const tenant = await bare.get('/_edge/tenant_info');
      const path = `/jsm/ops/api/${tenant.body.cloudId}/v1/schedules`;
      const [schedule] = (await bare.get(path)).body.values;
      expect((await bare.get(`${path}/${schedule.id}/timeline`)).status).toBe(
        404,
      );
      expect((await bare.get(`${path}/${schedule.id}/on-calls`)).status).toBe(
        200,
      );
      expect(
        (await bare.get(`${path}/${schedule.id}/next-on-calls`)).status,
      ).toBe(200);
    } finally {
      await bare.close();
    }
  });

  it('resolves on-call account ids to people through the user API', async () => {
    const [schedule] = (await jira.get(`${base}/schedules`)).body.values;
    const [participant] = (
      await jira.get(`${base}/schedules/${schedule.id}/on-calls`)
    ).body.onCallParticipants;
    const user = await jira.get(
      `/rest/api/3/user?accountId=${encodeURIComponent(participant.id)}`,
    );
    const person = ORG_PEOPLE.find(
      p => p.userName === accounts.get(participant.id),
    )!;
    expect(user.body).toMatchObject({
      accountId: participant.id,
      emailAddress: person.email,
      displayName: person.displayName,
    });
    const found = await jira.get(
      `/rest/api/3/user/search?query=${encodeURIComponent(person.email)}`,
    );
    expect(found.body.map((u: any) => u.accountId)).toEqual([participant.id]);
    expect((await jira.get('/rest/api/3/user?accountId=nobody')).status).toBe(
      404,
    );
  });

  it('rejects team ids and bad dates', async () => {
    const [team] = (await jira.get(`${base}/teams`)).body;
    const wrong = await jira.get(`${base}/schedules/${team.teamId}/on-calls`);
    expect(wrong.status).toBe(404);
    expect(wrong.body.message).toContain(
      `No schedule exists with id [${team.teamId}]`,
    );
    const [schedule] = (await jira.get(`${base}/schedules`)).body.values;
    expect(
      (await jira.get(`${base}/schedules/${schedule.id}/on-calls?date=soon`))
        .status,
    ).toBe(400);
    expect(
      (await jira.get('/jsm/ops/api/not-this-site/v1/schedules')).status,
    ).toBe(404);
  });
});
