import { ConfigReader } from '@backstage/config';
import type { JiraIssue } from './client/types';
import { readJiraSiteConfig } from './config';
import {
  issueMappingKeys,
  reviewOf,
  slaFacts,
  toChange,
  toIncident,
  userIdOf,
} from './mapping';

const site = readJiraSiteConfig(
  'demo',
  new ConfigReader({
    baseUrl: 'https://acme.atlassian.net',
    auth: { email: 'e', apiToken: 't' },
    incidents: { statuses: { 'Waiting for customer': 'on_hold' } },
  }),
);

function status(name: string, category: string) {
  return { name, statusCategory: { key: category } };
}

function issue(fields: Record<string, unknown>, key = 'PAY-12'): JiraIssue {
  return {
    id: '10042',
    key,
    fields: {
      summary: 'payments-api: elevated 5xx error rate',
      project: { key: 'PAY' },
      created: '2026-03-01T10:00:00.000+0100',
      updated: '2026-03-02T10:00:00.000+0000',
      resolutiondate: null,
      components: [{ id: '1', name: 'payments-api' }],
      labels: [],
      ...fields,
    },
  };
}

describe('reviewOf', () => {
  const link = (
    key: string,
    type: string,
    category: string,
    side: 'inwardIssue' | 'outwardIssue' = 'outwardIssue',
  ) => ({
    type: { name: 'Relates' },
    [side]: {
      id: '1',
      key,
      fields: {
        status: status(category, category),
        issuetype: { name: type },
      },
    },
  });

  it('takes a linked review of the configured type, done ones first', () => {
    const types = site.incidents.reviewIssueTypes;
    expect(types).toEqual(['post-incident review']);
    expect(
      reviewOf(
        issue({
          issuelinks: [
            link(
              'PAY-20',
              'Post-incident review',
              'indeterminate',
              'inwardIssue',
            ),
            link('PAY-21', 'post-incident REVIEW', 'done'),
          ],
        }),
        types,
        site.baseUrl,
      ),
    ).toEqual({
      reference: 'PAY-21',
      url: 'https://acme.atlassian.net/browse/PAY-21',
      completed: true,
      // No root cause field configured: the link cannot say.
      rootCauseUnknown: true,
    });
    expect(
      reviewOf(
        issue({
          issuelinks: [link('PAY-20', 'Post-incident review', 'new')],
        }),
        types,
        site.baseUrl,
      ),
    ).toMatchObject({ reference: 'PAY-20', completed: false });
  });

  it('ignores other linked issues, missing links and a site without reviews', () => {
    const types = site.incidents.reviewIssueTypes;
    expect(
      reviewOf(
        issue({ issuelinks: [link('PAY-3', 'Problem', 'done'), {}] }),
        types,
        site.baseUrl,
      ),
    ).toBeUndefined();
    expect(reviewOf(issue({}), types, site.baseUrl)).toBeUndefined();
    expect(
      reviewOf(
        issue({ issuelinks: [link('PAY-21', 'Post-incident review', 'done')] }),
        [],
        site.baseUrl,
      ),
    ).toBeUndefined();
  });

  it('reads configured review issue types', () => {
    const custom = readJiraSiteConfig(
      'demo',
      new ConfigReader({
        baseUrl: 'https://acme.atlassian.net',
        auth: { email: 'e', apiToken: 't' },
        incidents: { postIncidentReview: { issueTypes: [' PIR '] } },
      }),
    );
    expect(custom.incidents.reviewIssueTypes).toEqual(['pir']);
  });
});

describe('toIncident', () => {
  it('maps an open incident', () => {
    const record = toIncident(
      issue({
        status: status('Work in progress', 'indeterminate'),
        priority: { id: '2', name: 'High' },
        labels: ['major-incident', 'Security'],
      }),
      { siteUrl: site.baseUrl, config: site.incidents },
    );
    expect(record).toEqual({
      externalId: '10042',
      url: 'https://acme.atlassian.net/browse/PAY-12',
      sourceUpdatedAt: '2026-03-02T10:00:00.000Z',
      keys: [
        { type: 'jira-project', value: 'PAY' },
        { type: 'jira-component', value: 'PAY/payments-api' },
      ],
      number: 'PAY-12',
      title: 'payments-api: elevated 5xx error rate',
      state: 'in_progress',
      sourceState: 'Work in progress',
      priority: 2,
      openedAt: '2026-03-01T09:00:00.000Z',
      major: true,
      security: true,
    });
  });

  it('reads the capacity label as the category, an empty one without it, none unconfigured', () => {
    const config = { ...site.incidents, capacityLabel: 'capacity' };
    const labelled = toIncident(
      issue({ status: status('Open', 'new'), labels: ['Capacity', 'db'] }),
      { siteUrl: site.baseUrl, config },
    );
    const other = toIncident(
      issue({ status: status('Open', 'new'), labels: ['degradation'] }),
      { siteUrl: site.baseUrl, config },
    );
    expect(labelled.category).toBe('capacity');
    expect(other.category).toBe('');
    const unconfigured = toIncident(
      issue({ status: status('Open', 'new'), labels: ['capacity'] }),
      { siteUrl: site.baseUrl, config: site.incidents },
    );
    expect('category' in unconfigured).toBe(false);
  });

  it('maps states through overrides first, then the status category', () => {
    const state = (name: string, category: string) =>
      toIncident(issue({ status: status(name, category) }), {
        siteUrl: site.baseUrl,
        config: site.incidents,
      }).state;
    expect(state('Waiting for customer', 'indeterminate')).toBe('on_hold');
    expect(state('Pending', 'indeterminate')).toBe('on_hold');
    expect(state('Closed', 'done')).toBe('closed');
    expect(state('Fixed', 'done')).toBe('resolved');
    expect(state('Triage', 'new')).toBe('new');
    expect(state('Investigating', 'indeterminate')).toBe('in_progress');
  });

  it('maps priorities by name, then by default-scheme id, else medium', () => {
    const priority = (value: unknown) =>
      toIncident(issue({ status: status('Open', 'new'), priority: value }), {
        siteUrl: site.baseUrl,
        config: site.incidents,
      }).priority;
    expect(priority({ id: '1', name: 'Highest' })).toBe(1);
    expect(priority({ id: '10000', name: 'Lowest' })).toBe(5);
    expect(priority({ id: '4', name: 'P4 custom' })).toBe(4);
    expect(priority({ id: '10001', name: 'Whatever' })).toBe(3);
    expect(priority(null)).toBe(3);
  });

  it('takes the resolution time and the SLA facts', () => {
    const record = toIncident(
      issue({
        status: status('Resolved', 'done'),
        resolutiondate: '2026-03-01T14:00:00.000+0000',
      }),
      {
        siteUrl: site.baseUrl,
        config: site.incidents,
        sla: { slaMet: true, acknowledgedAt: '2026-03-01T09:20:00.000Z' },
      },
    );
    expect(record).toMatchObject({
      state: 'resolved',
      resolvedAt: '2026-03-01T14:00:00.000Z',
      slaMet: true,
      acknowledgedAt: '2026-03-01T09:20:00.000Z',
    });
  });
});

describe('slaFacts', () => {
  const metrics = {
    resolutionMetric: 'Time to resolution',
    responseMetric: 'Time to first response',
  };
  it('reads completed cycles, breached ongoing cycles and the first response', () => {
    expect(
      slaFacts(
        [
          {
            name: 'Time to first response',
            completedCycles: [
              { stopTime: { epochMillis: Date.UTC(2026, 2, 1, 9, 20) } },
            ],
          },
          {
            name: 'Time to resolution',
            completedCycles: [{ breached: false }],
          },
        ],
        metrics,
      ),
    ).toEqual({ slaMet: true, acknowledgedAt: '2026-03-01T09:20:00.000Z' });
    expect(
      slaFacts(
        [{ name: 'time to resolution', ongoingCycle: { breached: true } }],
        metrics,
      ),
    ).toEqual({ slaMet: false });
    // Still running within its goal: not decided yet.
    expect(
      slaFacts(
        [{ name: 'Time to resolution', ongoingCycle: { breached: false } }],
        metrics,
      ),
    ).toEqual({});
    expect(slaFacts(undefined, metrics)).toEqual({});
  });
});

describe('issueMappingKeys', () => {
  it('adds affected services as project-scoped component keys, once each', () => {
    expect(
      issueMappingKeys(
        issue({
          components: [{ name: 'ledger' }],
          customfield_10300: [
            { id: 'a', name: 'payments-ledger' },
            { id: 'b', name: 'ledger' },
          ],
        }),
        { affectedServicesField: 'customfield_10300' },
      ),
    ).toEqual([
      { type: 'jira-project', value: 'PAY' },
      { type: 'jira-component', value: 'PAY/ledger' },
      { type: 'jira-component', value: 'PAY/payments-ledger' },
    ]);
  });

  it('scopes each key to the site as well, for entities that name it', () => {
    expect(
      issueMappingKeys(issue({ components: [{ name: 'ledger' }] }), {
        site: 'onprem',
      }),
    ).toEqual([
      { type: 'jira-project', value: 'PAY' },
      { type: 'jira-project', value: 'onprem:PAY' },
      { type: 'jira-component', value: 'PAY/ledger' },
      { type: 'jira-component', value: 'onprem:PAY/ledger' },
    ]);
  });
});

describe('component labels', () => {
  it('map labels with the configured prefix, and none without one', () => {
    const labelled = issue({
      labels: ['service:checkout', 'outage', 'service:'],
    });
    expect(
      issueMappingKeys(labelled, { componentLabelPrefix: 'service:' }),
    ).toEqual([
      { type: 'jira-project', value: 'PAY' },
      { type: 'jira-component', value: 'PAY/payments-api' },
      { type: 'jira-component', value: 'PAY/checkout' },
    ]);
    expect(issueMappingKeys(labelled)).toHaveLength(2);
  });
});

describe('toChange', () => {
  const fields = {
    changeType: 'customfield_1',
    changeRisk: 'customfield_2',
    plannedStart: 'customfield_3',
    plannedEnd: 'customfield_4',
    approvals: 'customfield_5',
  };

  it('maps a failed normal change with its window, risk and outcome', () => {
    const record = toChange(
      issue(
        {
          status: status('Failed', 'done'),
          resolution: { name: 'Done' },
          customfield_1: { value: 'Normal', id: '1' },
          customfield_2: { value: 'Critical', id: '2' },
          customfield_3: '2026-03-05T22:00:00.000+0000',
          customfield_4: '2026-03-06T01:00:00.000+0000',
        },
        'PAY-30',
      ),
      { siteUrl: site.baseUrl, config: site.changes, fields },
    );
    expect(record).toEqual({
      externalId: '10042',
      url: 'https://acme.atlassian.net/browse/PAY-30',
      sourceUpdatedAt: '2026-03-02T10:00:00.000Z',
      keys: [
        { type: 'jira-project', value: 'PAY' },
        { type: 'jira-component', value: 'PAY/payments-api' },
      ],
      number: 'PAY-30',
      title: 'payments-api: elevated 5xx error rate',
      type: 'normal',
      state: 'closed',
      sourceState: 'Failed',
      approval: 'approved',
      plannedStart: '2026-03-05T22:00:00.000Z',
      plannedEnd: '2026-03-06T01:00:00.000Z',
      risk: 'very_high',
      outcome: 'unsuccessful',
      sourceOutcome: 'Done',
      openedAt: '2026-03-01T09:00:00.000Z',
    });
    // Without changes.patchLabel Jira changes carry no category at all.
    expect('category' in record).toBe(false);
  });

  it('reads the patch label as the category, and an empty one without it', () => {
    const config = { ...site.changes, patchLabel: 'security-patch' };
    const labelled = toChange(
      issue({ status: status('Closed', 'done'), labels: ['Security-Patch'] }),
      { siteUrl: site.baseUrl, config, fields },
    );
    const other = toChange(
      issue({ status: status('Closed', 'done'), labels: ['hotfix'] }),
      { siteUrl: site.baseUrl, config, fields },
    );
    expect(labelled.category).toBe('security-patch');
    expect(other.category).toBe('');
  });

  it('reads reporter and assignee ids: accountId on Cloud, key or name on Data Center', () => {
    const cloud = toChange(
      issue({
        status: status('Closed', 'done'),
        reporter: { accountId: '712020:aaa', displayName: 'A' },
        assignee: { accountId: '712020:bbb', emailAddress: 'b@x.example' },
      }),
      { siteUrl: site.baseUrl, config: site.changes, fields },
    );
    expect(cloud).toMatchObject({
      requestedBy: '712020:aaa',
      implementedBy: '712020:bbb',
    });
    expect(userIdOf({ name: 'jsmith', key: 'JIRAUSER1' })).toBe('JIRAUSER1');
    expect(userIdOf({ name: 'jsmith' })).toBe('jsmith');
    expect(userIdOf({ displayName: 'No id' })).toBeUndefined();
    expect(userIdOf(null)).toBeUndefined();
    const unassigned = toChange(
      issue({ status: status('Closed', 'done'), assignee: null }),
      { siteUrl: site.baseUrl, config: site.changes, fields },
    );
    expect('implementedBy' in unassigned).toBe(false);
  });

  it('derives approval from the workflow, or reads the approvals field', () => {
    const change = (statusName: string, category: string, extra = {}) =>
      toChange(
        issue({
          status: status(statusName, category),
          customfield_1: { value: 'Emergency' },
          ...extra,
        }),
        { siteUrl: site.baseUrl, config: site.changes, fields },
      );
    expect(change('Planning', 'new')).toMatchObject({
      type: 'emergency',
      state: 'new',
      approval: 'not_requested',
    });
    expect(change('Awaiting approval', 'indeterminate')).toMatchObject({
      state: 'authorize',
      approval: 'requested',
    });
    expect(change('Canceled', 'done').approval).toBeUndefined();
    expect(
      change('Awaiting implementation', 'indeterminate', {
        customfield_5: [
          {
            finalDecision: 'approved',
            completedDate: { iso8601: '2026-03-04T10:00:00+0000' },
          },
        ],
      }),
    ).toMatchObject({
      state: 'scheduled',
      approval: 'approved',
      approvedAt: '2026-03-04T10:00:00.000Z',
    });
    expect(
      change('Declined', 'done', {
        customfield_5: [{ finalDecision: 'declined' }],
      }),
    ).toMatchObject({ state: 'cancelled', approval: 'rejected' });
  });

  it('falls back to a normal change when the type is unknown', () => {
    const record = toChange(
      issue({ status: status('Implementing', 'indeterminate') }),
      { siteUrl: site.baseUrl, config: site.changes, fields: {} },
    );
    expect(record).toMatchObject({
      type: 'normal',
      state: 'implement',
      approval: 'approved',
    });
    expect(record.plannedStart).toBeUndefined();
  });
});
