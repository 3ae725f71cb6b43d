import { FixedClock } from '../world/clock';
import { createJiraSimulator } from './simulator';
import {
  basicAuth,
  type JiraTestServer,
  NOW,
  searchAll,
  startJira,
} from './testing';

describe('Jira simulator', () => {
  describe('Cloud authentication', () => {
    let jira: JiraTestServer;

    beforeEach(async () => {
      jira = await startJira();
    });

    afterEach(() => jira.close());

    it.each([
      ['no credentials', undefined],
      ['a wrong token', basicAuth('itops@acme.example', 'wrong')],
      ['a wrong user', basicAuth('someone@acme.example', 'jira-api-token')],
      ['a bearer token', 'Bearer jira-api-token'],
    ])('answers 401 to %s', async (_, authorization) => {
      const response = await fetch(
        `${jira.url}/rest/api/3/search/jql?jql=project%3DPAY`,
        {
          headers: authorization ? { authorization } : {},
        },
      );
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        errorMessages: [expect.any(String)],
        errors: {},
      });
    });

    it('accepts configured credentials and rotates tokens when they expire', async () => {
      expect((await jira.get('/rest/api/3/myself')).body.emailAddress).toBe(
        'itops@acme.example',
      );
      jira.simulator.expireAllTokens();
      expect((await jira.get('/rest/api/3/myself')).status).toBe(401);
      const rotated = jira.simulator.credentials();
      expect(rotated.apiToken).not.toBe('jira-api-token');
      const retried = await jira.get('/rest/api/3/myself', {
        authorization: basicAuth(rotated.email, rotated.apiToken),
      });
      expect(retried.status).toBe(200);
    });
  });

  it('speaks Data Center: PAT auth and /rest/api/2/search with startAt and total', async () => {
    const jira = await startJira({ deployment: 'datacenter' });
    try {
      const first = await jira.get(
        '/rest/api/2/search?jql=project%3DSHOP%20ORDER%20BY%20key%20ASC&maxResults=30',
      );
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        startAt: 0,
        maxResults: 30,
        total: expect.any(Number),
      });
      expect(first.body.issues[0].fields).toHaveProperty('summary');
      expect(typeof first.body.issues[0].fields.description).toBe('string');
      expect(
        first.body.issues[0].fields.assignee ??
          first.body.issues[0].fields.reporter,
      ).toHaveProperty('name');

      const keys: string[] = [];
      for (let startAt = 0; startAt < first.body.total; startAt += 30) {
        const page = await jira.post('/rest/api/2/search', {
          jql: 'project = SHOP ORDER BY key ASC',
          startAt,
          maxResults: 30,
        });
        expect(page.body.startAt).toBe(startAt);
        keys.push(...page.body.issues.map((i: any) => i.key));
      }
      expect(new Set(keys).size).toBe(first.body.total);

      // Times in the server's zone (Europe/Berlin: +0100 in March), the
      // classic change calendar's field names, SLA fields as on Cloud.
      const [issue] = first.body.issues;
      expect(issue.fields.created).toMatch(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0100$/,
      );
      const names = (await jira.get('/rest/api/2/field')).body.map(
        (f: any) => f.name,
      );
      expect(names).toEqual(
        expect.arrayContaining([
          'Change start date',
          'Change completion date',
          'Time to resolution',
        ]),
      );
      expect(names).not.toContain('Planned start');

      expect(
        (await jira.get('/rest/api/3/search/jql?jql=project%3DSHOP')).status,
      ).toBe(404);
      const basic = await jira.get('/rest/api/2/myself', {
        authorization: basicAuth('itops', 'jira-password'),
      });
      expect(basic.body).toMatchObject({ name: 'itops' });
      expect(
        (await jira.get('/rest/api/2/myself', { authorization: 'Bearer nope' }))
          .status,
      ).toBe(401);
    } finally {
      await jira.close();
    }
  });

  it('writes vendor-shaped errors for the server layer', () => {
    const simulator = createJiraSimulator({
      seed: 1,
      clock: new FixedClock(NOW),
    });
    const limited = simulator.errorResponse(429, 'Rate limit exceeded.');
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({
      'retry-after': expect.stringMatching(/^\d+$/),
      'x-ratelimit-limit': expect.any(String),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': expect.stringMatching(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/,
      ),
      'ratelimit-reason': 'jira-burst-based',
    });
    expect(JSON.parse(limited.body!)).toEqual({
      errorMessages: ['Rate limit exceeded.'],
      errors: {},
    });
    const unavailable = simulator.errorResponse(503, 'Service unavailable');
    expect(unavailable.headers).toMatchObject({
      'retry-after': expect.any(String),
    });
    expect(JSON.parse(unavailable.body!).errorMessages).toEqual([
      'Service unavailable',
    ]);
  });

  it('builds the same world from the same seed, another from another', async () => {
    const keysAndSummaries = async (seed: number) => {
      const jira = await startJira({ seed });
      try {
        const { issues } = await searchAll(
          jira,
          'project = OPS ORDER BY key ASC',
          { fields: ['summary', 'updated'] },
        );
        return issues.map(
          i => `${i.key} ${i.fields.summary} ${i.fields.updated}`,
        );
      } finally {
        await jira.close();
      }
    };
    const first = await keysAndSummaries(7);
    expect(await keysAndSummaries(7)).toEqual(first);
    expect(await keysAndSummaries(8)).not.toEqual(first);
  });

  describe('live mode', () => {
    let jira: JiraTestServer;

    beforeEach(async () => {
      jira = await startJira();
    });

    afterEach(() => jira.close());

    it('inserts a shifting record first in the updated ASC walk', async () => {
      const jql = 'project in (PAY, SHOP, OPS) ORDER BY updated ASC';
      const page = (nextPageToken?: string) =>
        jira.post('/rest/api/3/search/jql', {
          jql,
          fields: ['updated'],
          maxResults: 10,
          nextPageToken,
        });
      const first = await page();
      const keysBefore = first.body.issues.map((i: any) => i.key);

      jira.simulator.insertShiftingRecord();
      const full = (await searchAll(jira, jql, { fields: ['updated'] })).issues;
      const inserted = full[0].key;
      expect(keysBefore).not.toContain(inserted);
      expect(full.slice(1, 11).map(i => i.key)).toEqual(keysBefore);
      expect(jira.simulator.stats().issues).toBe(full.length);

      // The token walk goes on where it was; an offset walk would repeat
      // the last issue of the first page.
      const second = await page(first.body.nextPageToken);
      expect(second.body.issues[0].key).toBe(full[11].key);
      expect(full[10].key).toBe(keysBefore[9]);
    });

    it('opens, updates and resolves incidents on tick, bumping updated', async () => {
      const since = jira.clock.now();
      const countBefore = jira.simulator.stats().issues;
      for (let i = 0; i < 20; i++) {
        jira.clock.advance(60_000);
        jira.simulator.tick(jira.clock.now());
      }
      const changed = await searchAll(
        jira,
        `updated > "${since
          .toISOString()
          .slice(0, 16)
          .replace('T', ' ')}" ORDER BY updated ASC`,
        { fields: ['status', 'updated', 'created', 'resolutiondate'] },
      );
      expect(changed.issues.length).toBeGreaterThan(5);
      const created = changed.issues.filter(
        i =>
          Date.parse(i.fields.created.replace('+0000', 'Z')) > since.getTime(),
      );
      expect(created.length).toBe(jira.simulator.stats().issues - countBefore);
      expect(created.length).toBeGreaterThan(0);
      expect(changed.issues.some(i => i.fields.resolutiondate !== null)).toBe(
        true,
      );
    });
  });
});

describe('malformed issues switch', () => {
  it('breaks three incidents while on: a bad date, no key, an unknown status', async () => {
    const jira = await startJira({ malformedIssues: true });
    try {
      const search = async () =>
        (
          await jira.post('/rest/api/3/search/jql', {
            jql: 'issuetype = Incident ORDER BY updated ASC',
            fields: ['created', 'status'],
            maxResults: 5,
          })
        ).body.issues;
      const [a, b, c, d] = await search();
      expect(a.fields.created).toBe('yesterday at noon');
      expect(b.key).toBeUndefined();
      expect(c.fields.status.statusCategory.key).toBe('undefined');
      expect(d.fields.created).toMatch(/\+0000$/);
      jira.simulator.setMalformedIssues(false);
      const [fixed] = await search();
      expect(fixed.id).toBe(a.id);
      expect(fixed.fields.created).toMatch(/\+0000$/);
    } finally {
      await jira.close();
    }
  });
});

describe('deleted issues', () => {
  it('vanish from searches and look-ups, and from nothing else', async () => {
    const jira = await startJira();
    try {
      const keysOf = async () => {
        const keys: string[] = [];
        for (let token: string | undefined; ; ) {
          const page = await jira.post('/rest/api/3/search/jql', {
            jql: 'issuetype = Incident ORDER BY updated ASC',
            fields: ['summary'],
            maxResults: 100,
            ...(token ? { nextPageToken: token } : {}),
          });
          keys.push(...page.body.issues.map((i: any) => i.key));
          if (page.body.isLast) {
            return keys;
          }
          token = page.body.nextPageToken;
        }
      };
      const before = await keysOf();
      const count = jira.simulator.stats().issues;
      const deleted = jira.simulator.deleteIssues(3);
      expect(deleted).toHaveLength(3);
      const after = await keysOf();
      expect(after).toEqual(before.filter(key => !deleted.includes(key)));
      expect(jira.simulator.stats()).toMatchObject({
        issues: count - 3,
        deleted: 3,
      });
      expect((await jira.get(`/rest/api/3/issue/${deleted[0]}`)).status).toBe(
        404,
      );
      expect(
        (await jira.get(`/rest/servicedeskapi/request/${deleted[0]}/sla`))
          .status,
      ).toBe(404);
    } finally {
      await jira.close();
    }
  });
});
