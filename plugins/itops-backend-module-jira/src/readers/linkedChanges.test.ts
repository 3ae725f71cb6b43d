import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { IncidentRecord } from '@backstage-itops/plugin-itops-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { readJiraSiteConfig } from '../config';
import { createJiraSource } from '../createJiraSource';

/*
 * The incident's linked changes (issue links to change issues) through the
 * real incident reader over HTTP.
 */

const SITE = 'https://acme.atlassian.net';
const server = setupServer();
registerMswTestHooks(server);

function source(site: object = {}) {
  return createJiraSource(
    readJiraSiteConfig(
      'acme',
      new ConfigReader({
        baseUrl: SITE,
        auth: { email: 'itops@acme.example', apiToken: 'secret' },
        sla: { enabled: false },
        ...site,
      }),
    ),
    {
      now: () => Date.parse('2026-03-10T12:00:00Z'),
      httpOverrides: { requestsPerSecond: 1000, sleep: async () => {} },
    },
  );
}

const linked = (id: number, key: string, type: string) => ({
  id: String(id),
  key,
  self: `${SITE}/rest/api/3/issue/${id}`,
  fields: {
    summary: `${type} ${key}`,
    status: { name: 'Done', statusCategory: { key: 'done' } },
    issuetype: { name: type },
  },
});

function incident(id: number, issuelinks?: unknown[]) {
  return {
    id: String(id),
    key: `OPS-${id}`,
    fields: {
      summary: `incident ${id}`,
      project: { key: 'OPS' },
      status: { name: 'Open', statusCategory: { key: 'new' } },
      priority: { id: '3', name: 'Medium' },
      created: '2026-03-01T00:00:00.000+0000',
      updated: '2026-03-09T10:00:00.000+0000',
      components: [],
      labels: [],
      ...(issuelinks ? { issuelinks } : {}),
    },
  };
}

function serve(issues: ReturnType<typeof incident>[]) {
  const fields: string[][] = [];
  server.use(
    http.get(`${SITE}/rest/api/3/field`, () => HttpResponse.json([])),
    http.get(`${SITE}/rest/api/3/myself`, () =>
      HttpResponse.json({ accountId: 'x', timeZone: 'UTC' }),
    ),
    http.get(`${SITE}/rest/api/3/search/jql`, ({ request }) => {
      fields.push(
        new URL(request.url).searchParams.get('fields')?.split(',') ?? [],
      );
      return HttpResponse.json({ issues, isLast: true });
    }),
  );
  return fields;
}

async function read(site: object = {}): Promise<IncidentRecord[]> {
  const records: IncidentRecord[] = [];
  for await (const batch of source(site).readers.incidents!.read({
    full: true,
    signal: new AbortController().signal,
    mappedKeys: async () => [],
  })) {
    records.push(...(batch.records as IncidentRecord[]));
  }
  return records;
}

const LINKS = [
  // The change caused the incident: "CHG-5 causes OPS-1".
  { type: { name: 'Causes' }, inwardIssue: linked(105, 'CHG-5', 'Change') },
  // The incident causes the change (e.g. a fix raised for it).
  { type: { name: 'Causes' }, outwardIssue: linked(106, 'CHG-6', 'Change') },
  { type: { name: 'Relates' }, outwardIssue: linked(107, 'CHG-7', 'change') },
  // Not a change.
  { type: { name: 'Relates' }, outwardIssue: linked(8, 'OPS-8', 'Task') },
  // The same change twice: listed once.
  { type: { name: 'Relates' }, inwardIssue: linked(107, 'CHG-7', 'Change') },
];

describe('Jira incident linked changes', () => {
  it('lists linked change issues in the same search, all related by default', async () => {
    const fields = serve([incident(1, LINKS)]);
    const [record] = await read();
    expect(fields).toHaveLength(1);
    expect(fields[0]).toContain('issuelinks');
    expect(record.linkedChanges).toEqual([
      {
        externalId: '105',
        reference: 'CHG-5',
        relation: 'related',
        url: `${SITE}/browse/CHG-5`,
      },
      {
        externalId: '106',
        reference: 'CHG-6',
        relation: 'related',
        url: `${SITE}/browse/CHG-6`,
      },
      {
        externalId: '107',
        reference: 'CHG-7',
        relation: 'related',
        url: `${SITE}/browse/CHG-7`,
      },
    ]);
  });

  it('names the cause only through a configured link type, on the causing side', async () => {
    serve([incident(1, LINKS)]);
    const [record] = await read({
      incidents: { linkedChanges: { causedByLinkTypes: ['causes'] } },
    });
    expect(
      record.linkedChanges?.map(link => [link.reference, link.relation]),
    ).toEqual([
      ['CHG-5', 'caused_by'],
      ['CHG-6', 'related'],
      ['CHG-7', 'related'],
    ]);
  });

  it('uses the configured change issue types', async () => {
    serve([
      incident(1, [
        { type: { name: 'Relates' }, outwardIssue: linked(9, 'RFC-9', 'RFC') },
        ...LINKS,
      ]),
    ]);
    const [record] = await read({ changes: { issueTypes: ['RFC'] } });
    expect(record.linkedChanges?.map(link => link.reference)).toEqual([
      'RFC-9',
    ]);
  });

  it('gives an empty list for no links, and keeps stored links when the field is missing', async () => {
    serve([incident(1, []), incident(2)]);
    const [none, missing] = await read();
    expect(none.linkedChanges).toEqual([]);
    expect(none.unknown ?? []).not.toContain('linkedChanges');
    expect(missing.linkedChanges).toBeUndefined();
    expect(missing.unknown).toContain('linkedChanges');
  });

  it('reads no change links while changes are not synced', async () => {
    serve([incident(1, LINKS)]);
    const [record] = await read({
      changes: { enabled: false },
      incidents: { postIncidentReview: { enabled: false } },
    });
    expect(record.linkedChanges).toBeUndefined();
    expect(record.unknown ?? []).not.toContain('linkedChanges');
  });
});
