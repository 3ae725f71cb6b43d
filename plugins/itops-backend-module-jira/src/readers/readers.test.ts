import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type {
  MappingKeyType,
  OnCallShiftRecord,
} from '@backstage-itops/plugin-itops-common';
import type {
  ItopsRecordReader,
  SyncBatch,
} from '@backstage-itops/plugin-itops-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { readJiraSiteConfig } from '../config';
import { createJiraSource } from '../createJiraSource';

const SITE = 'https://acme.atlassian.net';
const GATEWAY = 'https://gateway.example';
const server = setupServer();
registerMswTestHooks(server);

function source(site: object = {}, now = Date.parse('2026-03-10T12:00:00Z')) {
  return createJiraSource(
    readJiraSiteConfig(
      'acme',
      new ConfigReader({
        baseUrl: SITE,
        atlassianApiUrl: GATEWAY,
        auth: { email: 'itops@acme.example', apiToken: 'secret' },
        sla: { enabled: false },
        ...site,
      }),
    ),
    {
      now: () => now,
      httpOverrides: { requestsPerSecond: 1000, sleep: async () => {} },
    },
  );
}

async function readAll<T>(
  reader: ItopsRecordReader<T> | undefined,
  options: { full: boolean; watermark?: string; mapped?: string[] },
): Promise<SyncBatch<T>[]> {
  const batches: SyncBatch<T>[] = [];
  for await (const batch of reader!.read({
    full: options.full,
    watermark: options.watermark,
    signal: new AbortController().signal,
    mappedKeys: async (type: MappingKeyType) =>
      type === 'jsm-team' ? options.mapped ?? [] : [],
  })) {
    batches.push(batch);
  }
  return batches;
}

function incident(id: number, updated: string) {
  return {
    id: String(id),
    key: `OPS-${id}`,
    fields: {
      summary: `incident ${id}`,
      project: { key: 'OPS' },
      status: { name: 'Open', statusCategory: { key: 'new' } },
      priority: { id: '3', name: 'Medium' },
      created: '2026-03-01T00:00:00.000+0000',
      updated,
      components: [],
      labels: [],
    },
  };
}

describe('incident reader', () => {
  function searchRecorder(pages: Array<ReturnType<typeof incident>[]>) {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get(`${SITE}/rest/api/3/field`, () =>
        HttpResponse.json([{ id: 'summary', name: 'Summary' }]),
      ),
      http.get(`${SITE}/rest/api/3/myself`, () =>
        HttpResponse.json({ accountId: 'x', timeZone: 'Europe/Berlin' }),
      ),
      http.get(`${SITE}/rest/api/3/search/jql`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        queries.push(params);
        const index = Number(params.get('nextPageToken') ?? 0);
        return HttpResponse.json({
          issues: pages[index],
          ...(index + 1 < pages.length
            ? { nextPageToken: String(index + 1), isLast: false }
            : { isLast: true }),
        });
      }),
    );
    return queries;
  }

  it('reads in full with an explicit field list, watermarking the newest update', async () => {
    const queries = searchRecorder([
      [incident(1, '2026-03-09T10:00:00.000+0000')],
      [incident(2, '2026-03-10T11:00:00.000+0000')],
    ]);
    const batches = await readAll(source().readers.incidents, { full: true });
    expect(queries[0].get('jql')).toBe(
      'issuetype IN ("Incident") ORDER BY updated ASC',
    );
    expect(queries[0].get('fields')!.split(',')).toEqual(
      expect.arrayContaining(['summary', 'status', 'priority', 'updated']),
    );
    expect(batches.map(b => b.watermark)).toEqual([
      '2026-03-09T10:00:00.000Z',
      '2026-03-10T11:00:00.000Z',
    ]);
  });

  it('reads incrementally in the user time zone and drops what the minute rounding re-reads', async () => {
    const queries = searchRecorder([
      [
        // Before watermark − overlap: read only because JQL has minutes.
        incident(1, '2026-03-10T10:59:00.100+0000'),
        // Within the overlap: read again on purpose (index lag).
        incident(2, '2026-03-10T10:59:40.000+0000'),
        incident(3, '2026-03-10T11:30:00.000+0000'),
      ],
      // A page shift shows #3 again, unchanged: yielded once.
      [
        incident(3, '2026-03-10T11:30:00.000+0000'),
        incident(4, '2026-03-10T11:31:00.000+0000'),
      ],
    ]);
    const batches = await readAll(
      source({ projects: ['OPS', 'SEC "X"'] }).readers.incidents,
      { full: false, watermark: '2026-03-10T11:00:30.000Z' },
    );
    // 11:00:30 minus 60 s is 10:59:30 UTC, 11:59 in Berlin.
    expect(queries[0].get('jql')).toBe(
      'project IN ("OPS", "SEC \\"X\\"") AND issuetype IN ("Incident") AND updated >= "2026/03/10 11:59" ORDER BY updated ASC',
    );
    expect(batches.map(b => b.records.map(r => r.externalId))).toEqual([
      ['2', '3'],
      ['4'],
    ]);
    expect(batches[1].watermark).toBe('2026-03-10T11:31:00.000Z');
  });

  it('finds the linked post-incident review in the same search page', async () => {
    const linked = (key: string, type: string, category: string) => ({
      id: key.replace(/\D/g, ''),
      key,
      fields: {
        summary: `${type} ${key}`,
        status: { name: category, statusCategory: { key: category } },
        issuetype: { name: type },
      },
    });
    const reviewed = {
      ...incident(1, '2026-03-09T10:00:00.000+0000'),
    };
    reviewed.fields = {
      ...reviewed.fields,
      issuelinks: [
        {
          type: { name: 'Relates' },
          outwardIssue: linked('OPS-7', 'Task', 'done'),
        },
        {
          type: { name: 'Relates' },
          inwardIssue: linked('OPS-8', 'Post-incident review', 'indeterminate'),
        },
        {
          type: { name: 'Post-Incident Reviews' },
          outwardIssue: linked('OPS-9', 'Post-incident review', 'done'),
        },
      ],
    } as typeof reviewed.fields;
    const queries = searchRecorder([
      [reviewed, incident(2, '2026-03-10T11:00:00.000+0000')],
    ]);
    const [batch] = await readAll(source().readers.incidents, { full: true });
    expect(queries).toHaveLength(1);
    expect(queries[0].get('fields')!.split(',')).toContain('issuelinks');
    expect(batch.records).toMatchObject([
      {
        number: 'OPS-1',
        postIncidentReview: {
          reference: 'OPS-9',
          url: `${SITE}/browse/OPS-9`,
          completed: true,
        },
      },
      { number: 'OPS-2' },
    ]);
    expect(
      (batch.records[1] as { postIncidentReview?: unknown }).postIncidentReview,
    ).toBeUndefined();

    // Turned off, and no changes to link, the links are not even asked for.
    const off = searchRecorder([[reviewed]]);
    const [offBatch] = await readAll(
      source({
        incidents: { postIncidentReview: { enabled: false } },
        changes: { enabled: false },
      }).readers.incidents,
      { full: true },
    );
    expect(off[0].get('fields')!.split(',')).not.toContain('issuelinks');
    expect(
      (offBatch.records[0] as { postIncidentReview?: unknown })
        .postIncidentReview,
    ).toBeUndefined();
  });

  it('reads the review root cause from the configured field, one search per page', async () => {
    const review = (key: string) => ({
      type: { name: 'Relates' },
      outwardIssue: {
        id: key.replace(/\D/g, ''),
        key,
        fields: {
          status: { name: 'Done', statusCategory: { key: 'done' } },
          issuetype: { name: 'Post-incident review' },
        },
      },
    });
    const withReview = (id: number, key: string) => {
      const base = incident(id, '2026-03-09T10:00:00.000+0000');
      return {
        ...base,
        fields: { ...base.fields, issuelinks: [review(key)] },
      };
    };
    const searches: URLSearchParams[] = [];
    server.use(
      http.get(`${SITE}/rest/api/3/field`, () =>
        HttpResponse.json([{ id: 'summary', name: 'Summary' }]),
      ),
      http.get(`${SITE}/rest/api/3/myself`, () =>
        HttpResponse.json({ accountId: 'x', timeZone: 'UTC' }),
      ),
      http.get(`${SITE}/rest/api/3/search/jql`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        searches.push(params);
        if (params.get('jql')!.startsWith('key in')) {
          // Cloud answers rich-text fields as Atlassian Documents.
          return HttpResponse.json({
            isLast: true,
            issues: [
              {
                id: '9',
                key: 'OPS-9',
                fields: {
                  customfield_10050: {
                    type: 'doc',
                    version: 1,
                    content: [
                      {
                        type: 'paragraph',
                        content: [
                          { type: 'text', text: 'Certificate expired:' },
                          { type: 'text', text: ' no renewal alert' },
                        ],
                      },
                    ],
                  },
                },
              },
              { id: '8', key: 'OPS-8', fields: { customfield_10050: null } },
            ],
          });
        }
        return HttpResponse.json({
          isLast: true,
          issues: [withReview(1, 'OPS-9'), withReview(2, 'OPS-8')],
        });
      }),
    );
    const configured = {
      incidents: {
        postIncidentReview: { rootCauseField: 'customfield_10050' },
      },
    };
    const [batch] = await readAll(source(configured).readers.incidents, {
      full: true,
    });
    expect(searches).toHaveLength(2);
    expect(searches[1].get('jql')).toBe('key in ("OPS-9", "OPS-8")');
    expect(searches[1].get('fields')).toBe('customfield_10050');
    const [withCause, empty] = batch.records as Array<{
      postIncidentReview?: Record<string, unknown>;
    }>;
    expect(withCause.postIncidentReview).toEqual({
      reference: 'OPS-9',
      url: `${SITE}/browse/OPS-9`,
      completed: true,
      rootCause: 'Certificate expired: no renewal alert',
    });
    // Read and empty: a review without a root cause, known as such.
    expect(empty.postIncidentReview).toEqual({
      reference: 'OPS-8',
      url: `${SITE}/browse/OPS-8`,
      completed: true,
    });

    // Without the field the source says it cannot tell, and asks nothing more.
    searches.length = 0;
    const [unconfigured] = await readAll(source().readers.incidents, {
      full: true,
    });
    expect(searches).toHaveLength(1);
    expect(
      (unconfigured.records[0] as { postIncidentReview?: unknown })
        .postIncidentReview,
    ).toMatchObject({ reference: 'OPS-9', rootCauseUnknown: true });
  });

  it('selects incidents by configured JQL instead of the issue type', async () => {
    const queries = searchRecorder([[]]);
    await readAll(
      source({ incidents: { jql: 'labels = outage' }, timeZone: 'UTC' }).readers
        .incidents,
      { full: false, watermark: '2026-03-10T11:00:30.000Z' },
    );
    expect(queries[0].get('jql')).toBe(
      '(labels = outage) AND updated >= "2026/03/10 10:59" ORDER BY updated ASC',
    );
  });
});

describe('change reader', () => {
  it('discovers the custom fields by name and asks for them explicitly', async () => {
    const requested: string[][] = [];
    server.use(
      http.get(`${SITE}/rest/api/3/field`, () =>
        HttpResponse.json([
          { id: 'summary', name: 'Summary', custom: false },
          { id: 'customfield_10311', name: 'Change type', custom: true },
          { id: 'customfield_10307', name: 'Planned start', custom: true },
          { id: 'customfield_10305', name: 'Planned end', custom: true },
          { id: 'customfield_10400', name: 'Time to resolution', custom: true },
        ]),
      ),
      http.get(`${SITE}/rest/api/3/search/jql`, ({ request }) => {
        requested.push(
          new URL(request.url).searchParams.get('fields')!.split(','),
        );
        return HttpResponse.json({
          issues: [
            {
              id: '20001',
              key: 'SHOP-7',
              fields: {
                summary: 'Deploy checkout 2.1.0',
                project: { key: 'SHOP' },
                status: {
                  name: 'Awaiting implementation',
                  statusCategory: { key: 'indeterminate' },
                },
                updated: '2026-03-10T09:00:00.000+0000',
                components: [{ name: 'checkout' }],
                labels: [],
                customfield_10311: { value: 'Standard', id: '1' },
                customfield_10307: '2026-03-12T22:00:00.000+0000',
                customfield_10305: '2026-03-13T00:00:00.000+0000',
              },
            },
          ],
          isLast: true,
        });
      }),
    );
    const [batch] = await readAll(
      source({ fields: { changeRisk: 'customfield_99' } }).readers.changes,
      { full: true },
    );
    expect(requested[0]).toEqual(
      expect.arrayContaining([
        'customfield_10311',
        'customfield_10307',
        'customfield_10305',
        'customfield_99',
      ]),
    );
    expect(requested[0]).not.toContain('customfield_10400');
    expect(batch.records).toEqual([
      expect.objectContaining({
        number: 'SHOP-7',
        type: 'standard',
        state: 'scheduled',
        approval: 'approved',
        plannedStart: '2026-03-12T22:00:00.000Z',
        plannedEnd: '2026-03-13T00:00:00.000Z',
        keys: [
          { type: 'jira-project', value: 'SHOP' },
          { type: 'jira-project', value: 'acme:SHOP' },
          { type: 'jira-component', value: 'SHOP/checkout' },
          { type: 'jira-component', value: 'acme:SHOP/checkout' },
        ],
      }),
    ]);
  });
});

describe('on-call reader', () => {
  const OPS = `${GATEWAY}/jsm/ops/api/cloud-1/v1`;

  function opsApi(
    options: { timeline?: boolean; timelineStatus?: number } = {},
  ) {
    const timelines: URLSearchParams[] = [];
    const onCalls: URLSearchParams[] = [];
    // Carla until the 16th 09:00, then Dev; the escalation reaches the other.
    const handover = Date.parse('2026-03-16T09:00:00Z');
    const previous = Date.parse('2026-03-09T09:00:00Z');
    const following = Date.parse('2026-03-23T09:00:00Z');
    const onCallAt = (at: number) => {
      if (at < previous || at >= following) {
        return ['712020:erin', '712020:carla'];
      }
      return at < handover
        ? ['712020:carla', '712020:gone']
        : ['712020:gone', '712020:carla'];
    };
    const participants = ([primary, backup]: string[]) => [
      { id: primary, type: 'user' },
      {
        id: 'esc-1',
        type: 'escalation',
        name: 'Payments_escalation',
        onCallParticipants: [{ id: backup, type: 'user', escalationTime: 15 }],
      },
    ];
    server.use(
      http.get(`${OPS}/schedules/:id/on-calls`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        onCalls.push(params);
        return HttpResponse.json({
          onCallParticipants: participants(
            onCallAt(Date.parse(params.get('date')!)),
          ),
        });
      }),
      http.get(`${OPS}/schedules/:id/next-on-calls`, ({ request }) => {
        const at = Date.parse(new URL(request.url).searchParams.get('date')!);
        const next = at < handover ? handover : following;
        return HttpResponse.json({
          nextOnCallParticipants: participants(onCallAt(next)),
        });
      }),
      http.get(`${SITE}/_edge/tenant_info`, ({ request }) =>
        request.headers.has('authorization')
          ? HttpResponse.json({}, { status: 400 })
          : HttpResponse.json({ cloudId: 'cloud-1' }),
      ),
      http.get(`${OPS}/teams`, () =>
        HttpResponse.json({
          values: [
            { teamId: 't-pay', teamName: 'Payments' },
            { teamId: 't-sre', teamName: 'Platform SRE' },
            { teamId: 't-web', teamName: 'Storefront' },
          ],
          links: { next: null },
        }),
      ),
      http.get(`${OPS}/schedules`, ({ request }) => {
        const offset = Number(
          new URL(request.url).searchParams.get('offset') ?? 0,
        );
        return offset === 0
          ? HttpResponse.json({
              values: [
                {
                  id: 's-pay',
                  name: 'Payments_schedule',
                  teamId: 't-pay',
                  enabled: true,
                },
              ],
              links: {
                next: '/jsm/ops/api/cloud-1/v1/schedules?offset=1&size=1',
              },
            })
          : HttpResponse.json({
              values: [
                {
                  id: 's-sre',
                  name: 'SRE_schedule',
                  teamId: 't-sre',
                  enabled: true,
                },
                {
                  id: 's-web',
                  name: 'Web_schedule',
                  teamId: 't-web',
                  enabled: true,
                },
              ],
              links: { next: null },
            });
      }),
      http.get(`${OPS}/schedules/:id/timeline`, ({ params, request }) => {
        timelines.push(new URL(request.url).searchParams);
        if (options.timeline === false) {
          const status = options.timelineStatus ?? 404;
          return HttpResponse.json(
            { message: 'Refused', code: status },
            { status },
          );
        }
        return HttpResponse.json({
          finalTimeline: {
            rotations: [
              {
                id: `${params.id}-weekly`,
                order: 0,
                periods: [
                  {
                    startDate: '2026-03-09T09:00:00Z',
                    endDate: '2026-03-16T09:00:00Z',
                    responder: { id: '712020:carla', type: 'user' },
                  },
                  {
                    startDate: '2026-03-16T09:00:00Z',
                    endDate: '2026-03-23T09:00:00Z',
                    responder: { id: '712020:gone', type: 'user' },
                  },
                  {
                    startDate: '2026-03-23T09:00:00Z',
                    endDate: '2026-03-24T12:00:00Z',
                    responder: { id: '712020:erin', type: 'user' },
                  },
                ],
              },
              {
                id: `${params.id}-escalation`,
                order: 1,
                periods: [
                  {
                    startDate: '2026-03-09T09:00:00Z',
                    endDate: '2026-03-24T12:00:00Z',
                    responder: { id: 'esc-1', type: 'escalation' },
                  },
                ],
              },
            ],
          },
        });
      }),
      http.get(`${SITE}/rest/api/3/user`, ({ request }) =>
        new URL(request.url).searchParams.get('accountId') === '712020:carla'
          ? HttpResponse.json({
              accountId: '712020:carla',
              displayName: 'Carla Diaz',
              emailAddress: 'carla.diaz@acme.example',
            })
          : HttpResponse.json({ errorMessages: ['gone'] }, { status: 404 }),
      ),
    );
    return { timelines, onCalls };
  }

  it('reads now and next from /on-calls, later shifts from the timeline, for mapped teams only', async () => {
    const { timelines, onCalls } = opsApi();
    const batches = await readAll<OnCallShiftRecord>(source().readers.oncall, {
      full: true,
      mapped: ['payments', 't-sre'],
    });
    const shifts = batches.flatMap(b => b.records);
    expect(new Set(shifts.map(s => s.groupName))).toEqual(
      new Set(['Payments', 'Platform SRE']),
    );
    expect(shifts.filter(s => s.groupName === 'Payments')).toEqual([
      {
        externalId: 's-pay/1/2026-03-09T09:00:00.000Z/712020:carla',
        scheduleName: 'Payments_schedule',
        groupName: 'Payments',
        personName: 'Carla Diaz',
        personEmail: 'carla.diaz@acme.example',
        start: '2026-03-09T09:00:00.000Z',
        end: '2026-03-16T09:00:00.000Z',
        escalationLevel: 1,
        keys: [
          { type: 'jsm-team', value: 'Payments' },
          { type: 'jsm-team', value: 't-pay' },
        ],
      },
      // The escalation resolved to its person, one level down.
      expect.objectContaining({
        // An account Jira no longer shows keeps its id as the name.
        personName: '712020:gone',
        start: '2026-03-09T09:00:00.000Z',
        escalationLevel: 2,
      }),
      expect.objectContaining({
        personName: '712020:gone',
        start: '2026-03-16T09:00:00.000Z',
        end: '2026-03-23T09:00:00.000Z',
        escalationLevel: 1,
      }),
      expect.objectContaining({
        personName: 'Carla Diaz',
        start: '2026-03-16T09:00:00.000Z',
        escalationLevel: 2,
      }),
      // After next: the timeline's first responders only.
      expect.objectContaining({
        personName: '712020:erin',
        start: '2026-03-23T09:00:00.000Z',
        end: '2026-03-24T12:00:00.000Z',
        escalationLevel: 1,
      }),
    ]);
    expect(onCalls[0].get('flat')).toBe('false');
    expect(onCalls[0].get('date')).toBe('2026-03-10T12:00:00.000Z');
    // Two schedules, one question each: the timeline gave the handovers.
    expect(onCalls).toHaveLength(2);
    // From a week ago, to see the last handover, over the 14-day horizon.
    expect(timelines[0].get('date')).toBe('2026-03-03T12:00:00.000Z');
    expect(timelines[0].get('interval')).toBe('21');
    expect(timelines[0].get('intervalUnit')).toBe('days');
  });

  it.each([404, 403, 400, 503])(
    'finds the handovers through /on-calls where the unverified /timeline answers %i, and says so',
    async status => {
      const { onCalls } = opsApi({ timeline: false, timelineStatus: status });
      const batches = await readAll<OnCallShiftRecord>(
        source().readers.oncall,
        {
          full: true,
          mapped: ['payments'],
        },
      );
      expect(batches.flatMap(b => b.partial ?? [])).toContainEqual(
        expect.objectContaining({
          call: 'GET /v1/schedules/{id}/timeline',
          reason: `HTTP ${status}`,
          recordsComplete: true,
        }),
      );
      const shifts = batches.flatMap(b => b.records);
      expect(
        shifts.map(s => [s.personName, s.escalationLevel, s.start, s.end]),
      ).toEqual([
        [
          'Carla Diaz',
          1,
          '2026-03-09T09:00:00.000Z',
          '2026-03-16T09:00:00.000Z',
        ],
        [
          '712020:gone',
          2,
          '2026-03-09T09:00:00.000Z',
          '2026-03-16T09:00:00.000Z',
        ],
        [
          '712020:gone',
          1,
          '2026-03-16T09:00:00.000Z',
          '2026-03-23T09:00:00.000Z',
        ],
        [
          'Carla Diaz',
          2,
          '2026-03-16T09:00:00.000Z',
          '2026-03-23T09:00:00.000Z',
        ],
      ]);
      // Bounded: a few dozen questions for three handovers, not one per hour.
      expect(onCalls.length).toBeLessThan(80);
    },
  );

  it('asks JSM Operations nothing when the catalog maps no team', async () => {
    const teams = jest.fn();
    server.use(http.get(`${OPS}/teams`, teams));
    const batches = await readAll(source().readers.oncall, {
      full: true,
      mapped: [],
    });
    expect(batches).toEqual([{ records: [] }]);
    expect(teams).not.toHaveBeenCalled();
  });
});
