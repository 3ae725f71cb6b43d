import { type JiraTestServer, NOW, searchAll, startJira } from './testing';

/** Parses Jira's `2026-03-04T10:20:30.123+0000` (offset without colon). */
function parseJiraTime(text: string): number {
  expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/);
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

const DAY = 86_400_000;
const now = Date.parse(NOW);

describe('Jira Cloud issue search', () => {
  let jira: JiraTestServer;
  let everything: any[];

  beforeAll(async () => {
    jira = await startJira();
    everything = (await searchAll(jira, 'project in (PAY, SHOP, OPS)')).issues;
  });

  afterAll(() => jira.close());

  const keysOf = (issues: any[]) => issues.map(issue => issue.key).sort();

  async function keysFor(jql: string): Promise<string[]> {
    return keysOf((await searchAll(jira, jql, { fields: ['key'] })).issues);
  }

  it('walks every matching issue exactly once with nextPageToken', async () => {
    const jql = 'project in (PAY, SHOP, OPS) ORDER BY updated ASC';
    const { issues, pages } = await searchAll(jira, jql, {
      fields: ['updated'],
      maxResults: 17,
    });
    expect(pages).toBe(Math.ceil(everything.length / 17));
    expect(new Set(issues.map(i => i.key)).size).toBe(issues.length);
    expect(keysOf(issues)).toEqual(keysOf(everything));
    const updated = issues.map(i => parseJiraTime(i.fields.updated));
    expect(updated).toEqual([...updated].sort((a, b) => a - b));

    const count = await jira.post('/rest/api/3/search/approximate-count', {
      jql,
    });
    expect(count).toMatchObject({
      status: 200,
      body: { count: issues.length },
    });
  });

  it('labels some incidents, and only incidents, as capacity incidents', async () => {
    const capacity = await searchAll(jira, 'labels = capacity', {
      fields: ['issuetype', 'labels'],
    });
    const incidents = everything.filter(
      issue => issue.fields.issuetype.name === 'Incident',
    );
    expect(capacity.issues.length).toBeGreaterThan(0);
    expect(capacity.issues.length).toBeLessThan(incidents.length / 3);
    expect(
      capacity.issues.every(i => i.fields.issuetype.name === 'Incident'),
    ).toBe(true);
  });

  it('links post-incident reviews to most resolved Highest/High incidents', async () => {
    const { issues } = await searchAll(
      jira,
      'issuetype = Incident AND priority in (Highest, High) AND statusCategory = Done',
      { fields: ['issuelinks', 'resolutiondate'] },
    );
    const reviewsOf = (issue: any) =>
      (issue.fields.issuelinks as any[])
        .map(link => link.outwardIssue)
        .filter(
          linked => linked?.fields.issuetype.name === 'Post-incident review',
        );
    const reviewed = issues.filter(issue => reviewsOf(issue).length > 0);
    expect(reviewed.length).toBeGreaterThan(issues.length / 2);
    expect(reviewed.length).toBeLessThan(issues.length);
    const categories = new Set(
      reviewed.map(
        issue => reviewsOf(issue)[0].fields.status.statusCategory.key,
      ),
    );
    expect(categories).toEqual(new Set(['done', 'indeterminate']));
    // The review is an issue of its own, linked back to the incident.
    const [first] = reviewed;
    const review = await jira.get(
      `/rest/api/3/issue/${reviewsOf(first)[0].key}?fields=issuelinks,created`,
    );
    expect(review.body.fields.issuelinks[0].inwardIssue.key).toBe(first.key);
    expect(parseJiraTime(review.body.fields.created)).toBeGreaterThan(
      parseJiraTime(first.fields.resolutiondate),
    );
  });

  it('pages with GET as with POST and ends with isLast and no token', async () => {
    const jql = encodeURIComponent('project = OPS ORDER BY created DESC');
    const pages: any[] = [];
    let token = '';
    do {
      const page = await jira.get(
        `/rest/api/3/search/jql?jql=${jql}&maxResults=40&fields=key${
          token ? `&nextPageToken=${encodeURIComponent(token)}` : ''
        }`,
      );
      expect(page.status).toBe(200);
      pages.push(page.body);
      token = page.body.nextPageToken;
    } while (!pages[pages.length - 1].isLast);
    expect(pages.length).toBeGreaterThan(1);
    for (const body of pages) {
      expect(body).not.toHaveProperty('total');
      expect(body).not.toHaveProperty('startAt');
    }
    expect(pages.slice(0, -1).map(p => p.issues.length)).toEqual(
      pages.slice(0, -1).map(() => 40),
    );
    expect(pages.slice(0, -1).map(p => typeof p.nextPageToken)).toEqual(
      pages.slice(0, -1).map(() => 'string'),
    );
    expect(pages[pages.length - 1].nextPageToken).toBeUndefined();
    const seen = pages.flatMap(p => p.issues.map((i: any) => i.key));
    expect(seen.sort()).toEqual(
      keysOf(everything.filter(i => i.fields.project.key === 'OPS')),
    );
  });

  it('returns only ids unless fields are asked for', async () => {
    const bare = await jira.get(
      `/rest/api/3/search/jql?jql=${encodeURIComponent('project = PAY')}`,
    );
    expect(bare.status).toBe(200);
    expect(bare.body.issues).toHaveLength(50);
    for (const issue of bare.body.issues) {
      expect(Object.keys(issue)).toEqual(['id']);
    }

    const some = await jira.post('/rest/api/3/search/jql', {
      jql: 'project = PAY',
      fields: ['summary', 'status'],
      maxResults: 1,
      expand: 'names',
    });
    const [issue] = some.body.issues;
    expect(issue).toMatchObject({
      id: expect.any(String),
      key: expect.stringMatching(/^PAY-\d+$/),
    });
    expect(Object.keys(issue.fields).sort()).toEqual(['status', 'summary']);
    expect(issue.fields.status.statusCategory).toMatchObject({
      key: expect.stringMatching(/^(new|indeterminate|done)$/),
      id: expect.any(Number),
    });
    expect(some.body.names).toEqual({ summary: 'Summary', status: 'Status' });

    const excluded = await jira.post('/rest/api/3/search/jql', {
      jql: 'project = PAY',
      fields: ['*all', '-description'],
      maxResults: 1,
    });
    const fields = excluded.body.issues[0].fields;
    expect(fields).not.toHaveProperty('description');
    expect(fields).toHaveProperty('created');
    expect(fields).toHaveProperty('components');
  });

  it('caps maxResults at 100 with fields and 5000 with ids only', async () => {
    const full = await jira.post('/rest/api/3/search/jql', {
      jql: 'project in (PAY, SHOP)',
      fields: ['summary'],
      maxResults: 1000,
    });
    expect(full.body.issues).toHaveLength(100);
    const ids = await jira.post('/rest/api/3/search/jql', {
      jql: 'project in (PAY, SHOP, OPS)',
      fields: ['id'],
      maxResults: 5000,
    });
    expect(ids.body.issues).toHaveLength(everything.length);
    expect(ids.body.isLast).toBe(true);
  });

  describe('JQL', () => {
    const is = (issue: any, type: string) =>
      issue.fields.issuetype.name === type;
    const time = (issue: any, field: string) =>
      issue.fields[field] === null ? null : parseJiraTime(issue.fields[field]);

    const cases: Array<[string, (issue: any) => boolean]> = [
      [
        'issuetype = Incident AND priority in (Highest, High)',
        i =>
          is(i, 'Incident') &&
          ['Highest', 'High'].includes(i.fields.priority.name),
      ],
      [
        'issuetype = Incident AND statusCategory != Done',
        i => is(i, 'Incident') && i.fields.status.statusCategory.key !== 'done',
      ],
      ['created >= -7d', i => time(i, 'created')! >= now - 7 * DAY],
      ['updated < "-4w"', i => time(i, 'updated')! < now - 28 * DAY],
      [
        'resolutiondate >= "2026-03-01" AND resolutiondate < "2026/03/05 10:00"',
        i => {
          const resolved = time(i, 'resolutiondate');
          return (
            resolved !== null &&
            resolved >= Date.parse('2026-03-01T00:00:00Z') &&
            resolved < Date.parse('2026-03-05T10:00:00Z')
          );
        },
      ],
      [
        'resolutiondate IS EMPTY AND project = SHOP',
        i =>
          i.fields.resolutiondate === null && i.fields.project.key === 'SHOP',
      ],
      [
        'updated >= startOfDay(-1)',
        i => time(i, 'updated')! >= Date.parse('2026-03-09T00:00:00Z'),
      ],
      [
        'NOT project = PAY AND labels IN (major-incident, "change-failure")',
        i =>
          i.fields.project.key !== 'PAY' &&
          i.fields.labels.some((l: string) =>
            ['major-incident', 'change-failure'].includes(l),
          ),
      ],
      [
        'project = SHOP OR component = ledger',
        i =>
          i.fields.project.key === 'SHOP' ||
          i.fields.components.some((c: any) => c.name === 'ledger'),
      ],
      [
        'project = SHOP AND component NOT IN (checkout, search)',
        i =>
          i.fields.project.key === 'SHOP' &&
          i.fields.components.every(
            (c: any) => !['checkout', 'search'].includes(c.name),
          ),
      ],
      ['assignee IS EMPTY', i => i.fields.assignee === null],
      [
        'assignee != EMPTY AND issuetype = Incident',
        i => i.fields.assignee !== null && is(i, 'Incident'),
      ],
      [
        'priority > Medium AND (project = OPS)',
        i =>
          ['Highest', 'High'].includes(i.fields.priority.name) &&
          i.fields.project.key === 'OPS',
      ],
      [
        'status in ("Work in progress", Pending)',
        i => ['Work in progress', 'Pending'].includes(i.fields.status.name),
      ],
      ['summary ~ latency', i => /latency/i.test(i.fields.summary)],
      [
        'issuetype != Incident AND NOT (project = OPS OR project = SHOP)',
        i => !is(i, 'Incident') && i.fields.project.key === 'PAY',
      ],
    ];

    it.each(cases)('%s', async (jql, predicate) => {
      const expected = keysOf(everything.filter(predicate));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(everything.length);
      expect(await keysFor(jql)).toEqual(expected);
    });

    it('finds changes by their site-specific custom fields', async () => {
      const fieldList = await jira.get('/rest/api/3/field');
      const byName = new Map<string, any>(
        fieldList.body.map((f: any) => [f.name, f]),
      );
      const changeType = byName.get('Change type');
      const plannedStart = byName.get('Planned start');
      expect(changeType).toMatchObject({
        custom: true,
        id: expect.stringMatching(/^customfield_\d{5}$/),
      });
      expect(plannedStart.schema).toMatchObject({ type: 'datetime' });
      expect(byName.get('Change risk')).toBeDefined();
      expect(byName.get('Affected services')).toBeDefined();

      const changes = everything.filter(i => is(i, 'Change'));
      const emergency = keysOf(
        changes.filter(i => i.fields[changeType.id].value === 'Emergency'),
      );
      expect(emergency.length).toBeGreaterThan(0);
      expect(await keysFor('"Change type" = Emergency')).toEqual(emergency);
      expect(
        await keysFor(`cf[${changeType.schema.customId}] = Emergency`),
      ).toEqual(emergency);

      const upcoming = keysOf(
        changes.filter(i => {
          const start = parseJiraTime(i.fields[plannedStart.id]);
          return start >= now && start <= now + 30 * DAY;
        }),
      );
      expect(upcoming.length).toBeGreaterThan(5);
      expect(
        await keysFor(
          'issuetype = Change AND "Planned start" >= now() AND "Planned start" <= 30d',
        ),
      ).toEqual(upcoming);
    });

    it('orders by several keys', async () => {
      const { issues } = await searchAll(
        jira,
        'project = PAY ORDER BY priority DESC, created ASC',
        {
          fields: ['priority', 'created'],
          maxResults: 30,
        },
      );
      const pairs = issues.map(i => [
        Number(i.fields.priority.id),
        parseJiraTime(i.fields.created),
      ]);
      expect(new Set(pairs.map(([rank]) => rank)).size).toBeGreaterThan(2);
      expect(pairs).toEqual(
        [...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]),
      );
      const newest = await searchAll(
        jira,
        'project = PAY ORDER BY created DESC',
        { fields: ['created'] },
      );
      const created = newest.issues.map(i => parseJiraTime(i.fields.created));
      expect(created).toEqual([...created].sort((a, b) => b - a));
    });

    it.each([
      [
        'project = NOPE',
        "The value 'NOPE' does not exist for the field 'project'.",
      ],
      [
        'nofield = 1',
        "Field 'nofield' does not exist or you do not have permission to view it.",
      ],
      [
        'project > PAY',
        "The operator '>' is not supported by the 'project' field.",
      ],
      [
        'created > "yesterday"',
        "Date value 'yesterday' for field 'created' is invalid.",
      ],
      [
        'project = PAY AND (status = Open',
        "Error in the JQL Query: Expecting ')' before the end of the query.",
      ],
      [
        'project PAY',
        "Error in the JQL Query: Expecting operator but got 'PAY'.",
      ],
      [
        'summary ~ "unterminated',
        "Error in the JQL Query: The quoted string 'unterminated' has not been completed.",
      ],
      ['ORDER BY created', 'Unbounded JQL queries are not allowed here.'],
    ])('rejects %s with 400', async (jql, message) => {
      const response = await jira.post('/rest/api/3/search/jql', { jql });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errorMessages: [expect.any(String)],
        errors: {},
      });
      expect(response.body.errorMessages[0]).toContain(message);
    });
  });

  it('rejects a token with another JQL or garbage', async () => {
    const first = await jira.post('/rest/api/3/search/jql', {
      jql: 'project = PAY',
      maxResults: 5,
    });
    const token = first.body.nextPageToken;
    expect(token).toEqual(expect.any(String));
    const other = await jira.post('/rest/api/3/search/jql', {
      jql: 'project = SHOP',
      nextPageToken: token,
    });
    expect(other.status).toBe(400);
    const garbage = await jira.post('/rest/api/3/search/jql', {
      jql: 'project = PAY',
      nextPageToken: 'bm9wZQ',
    });
    expect(garbage.status).toBe(400);
    expect(garbage.body.errorMessages).toHaveLength(1);
  });

  it('answers the removed search endpoints with 410 Gone', async () => {
    for (const version of ['2', '3']) {
      const get = await jira.get(
        `/rest/api/${version}/search?jql=project%3DPAY`,
      );
      expect(get.status).toBe(410);
      expect(get.body.errorMessages[0]).toContain('/rest/api/3/search/jql');
      const post = await jira.post(`/rest/api/${version}/search`, {
        jql: 'project = PAY',
      });
      expect(post.status).toBe(410);
    }
  });

  it('seeds failed changes followed by incidents', () => {
    const failed = everything.filter(i => i.fields.status.name === 'Failed');
    expect(failed.length).toBeGreaterThan(0);
    const followUps = everything.filter(i =>
      i.fields.labels.includes('change-failure'),
    );
    expect(followUps.length).toBeGreaterThan(0);
    for (const incident of followUps) {
      const changeKey = /change ([A-Z]+-\d+)/.exec(
        incident.fields.description.content[0].content[0].text,
      )![1];
      const change = everything.find(i => i.key === changeKey);
      expect(change.fields.status.name).toBe('Failed');
      expect(parseJiraTime(incident.fields.created)).toBeGreaterThan(
        parseJiraTime(change.fields.resolutiondate) - 60 * 60_000,
      );
    }
  });
});
