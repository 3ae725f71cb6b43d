import { ConfigReader } from '@backstage/config';
import { readJiraSiteConfig } from './config';

function read(site: object) {
  return readJiraSiteConfig('demo', new ConfigReader(site));
}

describe('readJiraSiteConfig', () => {
  it('reads a Cloud site with Basic auth and defaults', () => {
    const site = read({
      baseUrl: 'https://acme.atlassian.net/',
      auth: { email: 'itops@acme.example', apiToken: 't0ken' },
    });
    expect(site).toMatchObject({
      name: 'demo',
      baseUrl: 'https://acme.atlassian.net',
      deployment: 'cloud',
      auth: { kind: 'basic', username: 'itops@acme.example', secret: 't0ken' },
      atlassianApiUrl: 'https://api.atlassian.com',
      projects: [],
      incidents: { enabled: true, issueTypes: ['Incident'] },
      changes: { enabled: true, issueTypes: ['Change'] },
      sla: {
        enabled: true,
        resolutionMetric: 'Time to resolution',
        maxRequestsPerRun: 500,
      },
      oncall: { enabled: true, horizonDays: 14 },
      overlapMs: 60_000,
      pageSize: 100,
    });
    expect(site.incidents.priorities.highest).toBe(1);
    expect(site.changes.statuses['awaiting approval']).toBe('authorize');
  });

  it('reads the capacity and patch labels trimmed, with no default', () => {
    const auth = { email: 'itops@acme.example', apiToken: 't0ken' };
    const plain = read({ baseUrl: 'https://acme.atlassian.net', auth });
    expect('capacityLabel' in plain.incidents).toBe(false);
    expect('patchLabel' in plain.changes).toBe(false);
    const labelled = read({
      baseUrl: 'https://acme.atlassian.net',
      auth,
      incidents: { capacityLabel: ' capacity ' },
      changes: { patchLabel: 'security-patch' },
    });
    expect(labelled.incidents.capacityLabel).toBe('capacity');
    expect(labelled.changes.patchLabel).toBe('security-patch');
    const blank = read({
      baseUrl: 'https://acme.atlassian.net',
      auth,
      incidents: { capacityLabel: '  ' },
    });
    expect('capacityLabel' in blank.incidents).toBe(false);
  });

  it('reads Data Center with a PAT, and keeps on-call off there', () => {
    const site = read({
      baseUrl: 'https://jira.example.com/jira',
      deployment: 'datacenter',
      auth: { personalAccessToken: 'pat' },
    });
    expect(site.auth).toEqual({ kind: 'pat', token: 'pat' });
    expect(site.oncall.enabled).toBe(false);
  });

  it('reads OAuth 3LO and per-site overrides', () => {
    const site = read({
      baseUrl: 'https://acme.atlassian.net',
      cloudId: 'c-1',
      auth: {
        oauth: { clientId: 'id', clientSecret: 's', refreshToken: 'r' },
      },
      projects: ['PAY'],
      incidents: {
        jql: 'labels = outage',
        statuses: { 'Waiting for customer': 'on_hold' },
        priorities: { 'P1 - Critical': 1 },
      },
      changes: { outcomes: { 'Rolled back': 'unsuccessful' } },
      fields: { plannedStart: 'customfield_10042' },
      sync: { overlapSeconds: 0, pageSize: 500 },
      timeZone: 'Europe/Berlin',
    });
    expect(site.auth).toEqual({
      kind: 'oauth',
      clientId: 'id',
      clientSecret: 's',
      refreshToken: 'r',
      tokenUrl: 'https://auth.atlassian.com/oauth/token',
    });
    expect(site.incidents.jql).toBe('labels = outage');
    expect(site.incidents.statuses['waiting for customer']).toBe('on_hold');
    expect(site.incidents.priorities['p1 - critical']).toBe(1);
    expect(site.changes.outcomes['rolled back']).toBe('unsuccessful');
    expect(site.fields).toEqual({ plannedStart: 'customfield_10042' });
    expect(site.overlapMs).toBe(0);
    // Jira pages hold at most 100 issues with fields.
    expect(site.pageSize).toBe(100);
  });

  it.each([
    [{ baseUrl: 'https://a.example' }, /auth: credentials are required/],
    [
      { baseUrl: 'https://a.example', auth: { email: 'x' } },
      /Jira Cloud needs email and apiToken/,
    ],
    [
      { baseUrl: 'https://a.example', auth: { personalAccessToken: 'p' } },
      /personal access tokens are for Data Center/,
    ],
    [
      {
        baseUrl: 'https://a.example',
        deployment: 'server',
        auth: { personalAccessToken: 'p' },
      },
      /deployment: 'server' is not one of cloud, datacenter/,
    ],
    [
      {
        baseUrl: 'https://a.example',
        auth: { email: 'e', apiToken: 't' },
        incidents: { statuses: { Open: 'opened' } },
      },
      /incidents\.statuses\.Open: 'opened' is not one of new, in_progress/,
    ],
    [
      {
        baseUrl: 'https://a.example',
        auth: { email: 'e', apiToken: 't' },
        incidents: { priorities: { Highest: 0 } },
      },
      /priority must be 1 to 5, got 0/,
    ],
    [
      {
        baseUrl: 'https://a.example',
        auth: { email: 'e', apiToken: 't' },
        fields: { startDate: 'customfield_1' },
      },
      /fields\.startDate: unknown field role/,
    ],
    [
      {
        baseUrl: 'https://a.example',
        auth: { email: 'e', apiToken: 't' },
        timeZone: 'Mars/Olympus',
      },
      /timeZone: 'Mars\/Olympus' is not a known time zone/,
    ],
    [
      {
        baseUrl: 'https://a.example',
        deployment: 'datacenter',
        auth: { personalAccessToken: 'p' },
        oncall: { enabled: true },
      },
      /JSM Operations on-call exists on Jira Cloud only/,
    ],
    [
      {
        baseUrl: 'https://a.example',
        auth: { email: 'e', apiToken: 't' },
        sla: { maxRequestsPerRun: -1 },
      },
      /sla\.maxRequestsPerRun: must be a whole number of zero or more, got -1/,
    ],
    [
      { baseUrl: 'a.example', auth: { email: 'e', apiToken: 't' } },
      /baseUrl: 'a.example' is not an http\(s\) URL/,
    ],
  ])('rejects invalid config %#, naming the key', (site, message) => {
    expect(() => read(site)).toThrow(message);
  });
});
