import { FixedClock } from '../world/clock';
import { createJiraSimulator } from './simulator';
import { NOW, searchAll, startJira } from './testing';

const scale = {
  services: 300,
  incidents: 400_000,
  changes: 40_000,
  backupJobs: 0,
  backupSessions: 0,
};

describe('scale mode', () => {
  it('starts at once and derives issues without holding them', () => {
    const started = Date.now();
    const simulator = createJiraSimulator({
      seed: 3,
      clock: new FixedClock(NOW),
      scale,
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(simulator.stats().issues).toBe(440_000);
  });

  it('pages the sync query from a date without scanning from the start', async () => {
    const jira = await startJira({ seed: 3, scale });
    try {
      const since = new Date(Date.parse(NOW) - 3 * 3_600_000);
      const jql = `updated >= "${since
        .toISOString()
        .slice(0, 16)
        .replace('T', ' ')}" ORDER BY updated ASC`;
      const started = Date.now();
      const { issues, pages } = await searchAll(jira, jql, {
        fields: ['updated', 'issuetype', 'components'],
        maxResults: 100,
      });
      expect(Date.now() - started).toBeLessThan(5000);
      // Updates are spread evenly over 90 days up to an hour before now.
      expect(issues.length).toBeGreaterThan(350);
      expect(issues.length).toBeLessThan(450);
      expect(pages).toBe(Math.ceil(issues.length / 100));
      expect(new Set(issues.map(i => i.key)).size).toBe(issues.length);
      const updated = issues.map(i =>
        Date.parse(i.fields.updated.replace('+0000', 'Z')),
      );
      expect(updated[0]).toBeGreaterThanOrEqual(since.getTime());
      expect(updated).toEqual([...updated].sort((a, b) => a - b));
      expect(issues.some(i => i.fields.issuetype.name === 'Change')).toBe(true);
      expect(issues[0].fields.components[0].name).toMatch(/^service-\d{5}$/);

      const one = await jira.get(
        `/rest/api/3/issue/${issues[0].key}?fields=updated`,
      );
      expect(one.body).toMatchObject({
        key: issues[0].key,
        fields: { updated: issues[0].fields.updated },
      });

      jira.simulator.insertShiftingRecord();
      const first = await jira.post('/rest/api/3/search/jql', {
        jql: 'project in (PAY, SHOP, OPS) ORDER BY updated ASC',
        fields: ['id'],
        maxResults: 1,
      });
      expect(first.body.issues[0]).toEqual({ id: String(10001 + 440_000) });
    } finally {
      await jira.close();
    }
  });
});
