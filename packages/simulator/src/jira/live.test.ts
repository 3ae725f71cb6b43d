import { type JiraTestServer, searchAll, startJira } from './testing';

describe('Jira live mode', () => {
  let jira: JiraTestServer;
  beforeEach(async () => {
    jira = await startJira();
  });
  afterEach(() => jira.close());

  const openIncidents = async () =>
    (
      await searchAll(
        jira,
        'project in (PAY, SHOP, OPS) AND issuetype = Incident AND resolved is EMPTY',
        { fields: ['status'] },
      )
    ).issues.length;

  it('keeps a steady number of open incidents: they resolve as they arrive', async () => {
    const seeded = await openIncidents();
    const since = jira.clock.now();
    const counts: number[] = [];
    // Three hours of minutes, the open count read every ten.
    for (let minute = 1; minute <= 180; minute++) {
      jira.clock.advance(60_000);
      jira.simulator.tick(jira.clock.now());
      if (minute % 10 === 0) counts.push(await openIncidents());
    }
    expect(new Set(counts)).toEqual(new Set([seeded]));
    const created = (
      await searchAll(
        jira,
        `project in (PAY, SHOP, OPS) AND created > "${since
          .toISOString()
          .slice(0, 16)
          .replace('T', ' ')}"`,
        { fields: ['status', 'resolutiondate'] },
      )
    ).issues;
    expect(created.length).toBeGreaterThan(50);
    expect(created.some(issue => issue.fields.resolutiondate)).toBe(true);
  });
});
