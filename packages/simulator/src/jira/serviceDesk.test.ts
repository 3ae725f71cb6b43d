import { type JiraTestServer, NOW, startJira } from './testing';

const now = Date.parse(NOW);

function expectJsmDate(value: any) {
  expect(value).toEqual({
    iso8601: expect.stringMatching(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/,
    ),
    jira: expect.stringMatching(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/,
    ),
    friendly: expect.any(String),
    epochMillis: expect.any(Number),
  });
  expect(Date.parse(value.iso8601.replace('+0000', 'Z'))).toBe(
    Math.floor(value.epochMillis / 1000) * 1000,
  );
}

describe('JSM servicedeskapi', () => {
  let jira: JiraTestServer;

  beforeAll(async () => {
    jira = await startJira();
  });

  afterAll(() => jira.close());

  it('lists one service desk per project with its request types', async () => {
    const desks = await jira.get('/rest/servicedeskapi/servicedesk');
    expect(desks.status).toBe(200);
    expect(desks.body).toMatchObject({ size: 3, start: 0, isLastPage: true });
    expect(desks.body.values.map((d: any) => d.projectKey)).toEqual([
      'PAY',
      'SHOP',
      'OPS',
    ]);
    const types = await jira.get(
      `/rest/servicedeskapi/servicedesk/${desks.body.values[2].id}/requesttype`,
    );
    expect(types.body.values.map((t: any) => t.issueTypeId)).toEqual([
      '10004',
      '10005',
      '10006',
    ]);
  });

  it('pages requests with the JSM envelope and links', async () => {
    const seen = new Set<string>();
    const pages: any[] = [];
    do {
      const start = pages.length * 25;
      const page = await jira.get(
        `/rest/servicedeskapi/request?serviceDeskId=1&limit=25&start=${start}`,
      );
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({
        start,
        limit: 25,
        size: page.body.values.length,
      });
      expect(page.body._links).toMatchObject({ base: jira.url, context: '' });
      pages.push(page.body);
      for (const request of page.body.values) {
        expect(request.serviceDeskId).toBe('1');
        expect(request.issueKey).toMatch(/^PAY-\d+$/);
        expectJsmDate(request.createdDate);
        expect(request.currentStatus.statusCategory).toMatch(
          /^(NEW|INDETERMINATE|DONE)$/,
        );
        seen.add(request.issueKey);
      }
    } while (!pages[pages.length - 1].isLastPage);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.map(p => p._links.next === undefined)).toEqual(
      pages.map(p => p.isLastPage),
    );
    expect(pages[0]._links.next).toContain('start=25');
    // Every issue is a request except post-incident reviews, which
    // agents create.
    const count = await jira.post('/rest/api/3/search/approximate-count', {
      jql: 'project = PAY AND issuetype != "Post-incident review"',
    });
    expect(seen.size).toBe(count.body.count);
  });

  it('filters open and closed requests', async () => {
    const open = await jira.get(
      '/rest/servicedeskapi/request?requestStatus=OPEN_REQUESTS&limit=100',
    );
    const closed = await jira.get(
      '/rest/servicedeskapi/request?requestStatus=CLOSED_REQUESTS&limit=1',
    );
    expect(open.body.values.length).toBeGreaterThan(0);
    expect(
      open.body.values.every(
        (r: any) => r.currentStatus.statusCategory !== 'DONE',
      ),
    ).toBe(true);
    expect(closed.body.values[0].currentStatus.statusCategory).toBe('DONE');
  });

  it('reports SLA cycles of incidents', async () => {
    const open = await jira.post('/rest/api/3/search/jql', {
      jql: 'issuetype = Incident AND statusCategory != Done ORDER BY created ASC',
      fields: ['priority'],
      maxResults: 1,
    });
    const openKey = open.body.issues[0].key;
    const sla = await jira.get(`/rest/servicedeskapi/request/${openKey}/sla`);
    expect(sla.status).toBe(200);
    expect(sla.body).toMatchObject({ size: 2, start: 0, isLastPage: true });
    const resolution = sla.body.values.find(
      (v: any) => v.name === 'Time to resolution',
    );
    const cycle = resolution.ongoingCycle;
    expect(resolution.completedCycles).toEqual([]);
    for (const date of [cycle.startTime, cycle.breachTime]) {
      expectJsmDate(date);
    }
    expect(cycle.elapsedTime.millis).toBe(now - cycle.startTime.epochMillis);
    expect(cycle.remainingTime.millis).toBe(
      cycle.goalDuration.millis - cycle.elapsedTime.millis,
    );
    expect(cycle.breached).toBe(cycle.remainingTime.millis < 0);
    expect(cycle.goalDuration).toEqual({
      millis: expect.any(Number),
      friendly: expect.stringMatching(/^\d+h$/),
    });
    expect(typeof cycle.paused).toBe('boolean');

    const done = await jira.post('/rest/api/3/search/jql', {
      jql: 'issuetype = Incident AND statusCategory = Done',
      fields: ['key'],
      maxResults: 100,
    });
    let breached = 0;
    for (const { key } of done.body.issues) {
      const slas = (await jira.get(`/rest/servicedeskapi/request/${key}/sla`))
        .body.values;
      for (const metric of slas) {
        expect(metric.ongoingCycle).toBeUndefined();
        const [completed] = metric.completedCycles;
        expectJsmDate(completed.stopTime);
        expect(completed.breached).toBe(
          completed.stopTime.epochMillis > completed.breachTime.epochMillis,
        );
        breached += completed.breached ? 1 : 0;
      }
    }
    expect(breached).toBeGreaterThan(0);
    expect(breached).toBeLessThan(done.body.issues.length);

    const single = await jira.get(
      `/rest/servicedeskapi/request/${openKey}/sla/${resolution.id}`,
    );
    expect(single.body).toEqual(resolution);
  });

  it('answers unknown requests in the JSM error shape', async () => {
    const missing = await jira.get('/rest/servicedeskapi/request/PAY-99999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      errorMessage: expect.any(String),
      i18nErrorMessage: { i18nKey: expect.any(String), parameters: [] },
    });
  });
});

describe('JSM SLA fields in issue search', () => {
  it('returns the same SLA objects as the request SLA endpoint', async () => {
    const jira = await startJira();
    try {
      const fields: any[] = (await jira.get('/rest/api/3/field')).body;
      const slaFields = fields.filter(
        f => f.schema?.custom === 'com.atlassian.servicedesk:sd-sla-field',
      );
      expect(slaFields.map(f => f.name).sort()).toEqual([
        'Time to first response',
        'Time to resolution',
      ]);
      const page = await jira.post('/rest/api/3/search/jql', {
        jql: 'issuetype in (Incident, Change) ORDER BY updated DESC',
        fields: ['issuetype', ...slaFields.map(f => f.id)],
        maxResults: 100,
      });
      const incident = page.body.issues.find(
        (i: any) => i.fields.issuetype.name === 'Incident',
      );
      const change = page.body.issues.find(
        (i: any) => i.fields.issuetype.name === 'Change',
      );
      const slas = await jira.get(
        `/rest/servicedeskapi/request/${incident.key}/sla`,
      );
      for (const field of slaFields) {
        expect(incident.fields[field.id]).toEqual(
          slas.body.values.find((v: any) => v.name === field.name),
        );
        // Changes carry no SLA: the field is there, empty.
        expect(change.fields[field.id]).toBeNull();
      }
      expect(jira.simulator.stats().slaRequests).toBe(1);
    } finally {
      await jira.close();
    }
  });

  it('has no SLA fields when switched off, the SLA endpoint still', async () => {
    const jira = await startJira({ slaFields: false });
    try {
      const fields: any[] = (await jira.get('/rest/api/3/field')).body;
      expect(
        fields.filter(f => f.schema?.type === 'sd-servicelevelagreement'),
      ).toEqual([]);
      const page = await jira.post('/rest/api/3/search/jql', {
        jql: 'issuetype = Incident',
        fields: ['*all'],
        maxResults: 1,
      });
      const [issue] = page.body.issues;
      expect(
        (await jira.get(`/rest/servicedeskapi/request/${issue.key}/sla`)).body
          .values,
      ).toHaveLength(2);
    } finally {
      await jira.close();
    }
  });
});
