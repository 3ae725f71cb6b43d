import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
// The plugin's own test utilities, made for the source modules that extend it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  computeEntityMapping,
  createTestDatabases,
  exampleCatalog,
  ItopsReadStore,
  migrateItopsDatabase,
  replaceEntityMappingIfChanged,
  SyncEngine,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import type {
  ItopsCapability,
  ItopsRecordsByCapability,
} from '@backstage-itops/plugin-itops-common';
import type {
  ItopsRecordReader,
  ItopsSource,
} from '@backstage-itops/plugin-itops-node';
import {
  type createJiraSimulator,
  FixedClock,
  type StartOptions,
  startSimulators,
} from '@backstage-itops/simulator';
import type { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import {
  DatabaseOAuthTokenStore,
  migrateJiraDatabase,
} from './auth/OAuthTokenStore';
import { readJiraSiteConfig } from './config';
import { createJiraSource } from './createJiraSource';

jest.setTimeout(120_000);

const NOW = '2026-03-10T12:00:00.000Z';
const EMAIL = 'itops@acme.example';
const API_TOKEN = 'jira-api-token';
const databases = createTestDatabases();

type RawIssue = { id: string; key: string; fields: Record<string, any> };

/** A Jira simulator on a free port, with the clock the readers share. */
async function startJira(
  deployment: 'cloud' | 'datacenter' = 'cloud',
  simulator: Omit<NonNullable<StartOptions['jira']>, 'deployment'> = {},
) {
  const clock = new FixedClock(NOW);
  const sims = await startSimulators({
    systems: ['jira'],
    ports: { jira: 0 },
    clock,
    // Another seed is another site of the same organisation.
    seed: simulator.seed ?? 42,
    jira: { deployment, ...simulator },
  });
  const url = sims.urls.jira;
  const authorization =
    deployment === 'cloud'
      ? `Basic ${Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')}`
      : 'Bearer jira-dc-pat';
  /** The simulator's data, read with plain fetch, independent of the module. */
  const raw = async (pathAndQuery: string) => {
    const response = await fetch(`${url}${pathAndQuery}`, {
      headers: { authorization, accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    return response.json();
  };
  const rawIssues = async (issueType: string): Promise<RawIssue[]> => {
    const issues: RawIssue[] = [];
    for (let token: string | undefined; ; ) {
      const page = await raw(
        `/rest/api/3/search/jql?${new URLSearchParams({
          jql: `issuetype = "${issueType}"`,
          fields: '*all',
          maxResults: '100',
          ...(token ? { nextPageToken: token } : {}),
        })}`,
      );
      issues.push(...page.issues);
      if (page.isLast) {
        return issues;
      }
      token = page.nextPageToken;
    }
  };
  return { sims, url, clock, raw, rawIssues };
}

type Jira = Awaited<ReturnType<typeof startJira>>;

function jiraSource(
  jira: Jira,
  options: { site?: object; sleeps?: number[]; name?: string } = {},
) {
  const site = readJiraSiteConfig(
    options.name ?? 'demo',
    new ConfigReader({
      baseUrl: jira.url,
      atlassianApiUrl: jira.url,
      auth: { email: EMAIL, apiToken: API_TOKEN },
      ...options.site,
    }),
  );
  return createJiraSource(site, {
    now: () => jira.clock.now().getTime(),
    httpOverrides: {
      requestsPerSecond: 1000,
      maxConcurrency: 8,
      sleep: async ms => {
        options.sleeps?.push(ms);
      },
    },
  });
}

/** Wraps a reader to see which records each run yielded. */
function spyOn<C extends ItopsCapability>(source: ItopsSource, capability: C) {
  const reader = source.readers[capability] as ItopsRecordReader<
    ItopsRecordsByCapability[C]
  >;
  const yielded: ItopsRecordsByCapability[C][][] = [];
  const spy: ItopsRecordReader<ItopsRecordsByCapability[C]> = {
    async *read(request) {
      const run: ItopsRecordsByCapability[C][] = [];
      yielded.push(run);
      for await (const batch of reader.read(request)) {
        run.push(...batch.records);
        yield batch;
      }
    },
  };
  return {
    source: { ...source, readers: { ...source.readers, [capability]: spy } },
    yielded,
  };
}

function engine(knex: Knex, sources: ItopsSource[]) {
  return SyncEngine.create({
    knex,
    sources,
    scheduler: mockServices.scheduler.mock(),
    config: new ConfigReader({}),
    logger: mockServices.logger.mock(),
  });
}

const epoch = (jiraTime: string | null) =>
  jiraTime === null
    ? null
    : Date.parse(jiraTime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

async function storedIncidents(knex: Knex, instance = 'demo') {
  return new Map(
    (
      await knex('itops_incidents').where({
        source_type: 'jira',
        source_instance: instance,
      })
    ).map(row => [row.external_id, row]),
  );
}

/** The linked post-incident review of a raw issue, as the module reads it. */
function rawReview(issue: RawIssue) {
  const reviews = ((issue.fields.issuelinks ?? []) as any[])
    .map(link => link.outwardIssue ?? link.inwardIssue)
    .filter(linked => linked?.fields.issuetype.name === 'Post-incident review');
  const review =
    reviews.find(r => r.fields.status.statusCategory.key === 'done') ??
    reviews[0];
  return {
    reference: review?.key ?? null,
    completed: review
      ? review.fields.status.statusCategory.key === 'done'
      : null,
  };
}

function expectIncidentsMatch(stored: Map<string, any>, issues: RawIssue[]) {
  expect([...stored.keys()].sort()).toEqual(issues.map(i => i.id).sort());
  expect(issues.filter(i => rawReview(i).reference).length).toBeGreaterThan(0);
  for (const issue of issues) {
    const row = stored.get(issue.id);
    expect({
      reference: row.review_reference,
      completed:
        row.review_completed === null ? null : Boolean(row.review_completed),
    }).toEqual(rawReview(issue));
    expect({
      number: row.number,
      title: row.title,
      sourceState: row.source_state,
      priority: Number(row.priority),
      openedAt: Number(row.opened_at),
      resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    }).toEqual({
      number: issue.key,
      title: issue.fields.summary,
      sourceState: issue.fields.status.name,
      // The simulator uses the default scheme: ids 1..5 = Highest..Lowest.
      priority: Number(issue.fields.priority.id),
      openedAt: epoch(issue.fields.created),
      resolvedAt: epoch(issue.fields.resolutiondate),
    });
  }
}

/**
 * Payments' on-call as the simulator's rota has it: a weekly handover, the
 * escalation reaching next week's person at level 2.
 */
async function expectPaymentsOnCall(read: ItopsReadStore, now: number) {
  const onCall = await read.onCall('group:default/payments-team');
  const level = (n: number) =>
    onCall.escalationLevels.find(l => l.escalationLevel === n)!;
  expect(level(1).now).toHaveLength(1);
  expect(level(1).next).toHaveLength(1);
  const [current] = level(1).now;
  const [next] = level(1).next;
  expect(['Carla Diaz', 'Dev Patel']).toContain(current.personName);
  expect(current.personEmail).toMatch(/@acme\.example$/);
  expect(current.groupName).toBe('Payments');
  // The handover: the next shift starts when the current one ends, and
  // the current one shows its real start, a week before (weekly rota).
  expect(next.start).toBe(current.end);
  expect(Date.parse(current.end) - Date.parse(current.start)).toBe(
    7 * 86_400_000,
  );
  expect(Date.parse(current.start)).toBeLessThan(now - 2 * 86_400_000);
  expect(next.personName).not.toBe(current.personName);
  // The escalation reaches the other member now, with the same handovers.
  expect(level(2).now.map(s => [s.personName, s.start, s.end])).toEqual([
    [next.personName, current.start, current.end],
  ]);
}

describe.each(databases.eachSupportedId())('Jira source on %p', databaseId => {
  let jira: Jira;
  let knex: Knex;

  beforeEach(async () => {
    jira = await startJira();
    knex = await migrateItopsDatabase(await databases.init(databaseId));
  });

  afterEach(async () => {
    await jira.sims.close();
  });

  it('syncs incidents in full and then incrementally', async () => {
    const { source, yielded } = spyOn(jiraSource(jira), 'incidents');
    const sync = engine(knex, [source]);

    const full = await sync.runOnce(source, 'incidents', { full: true });
    expect(full).toMatchObject({ status: 'succeeded', rejected: 0 });
    const incidents = await jira.rawIssues('Incident');
    expect(full.written).toBe(incidents.length);
    expectIncidentsMatch(await storedIncidents(knex), incidents);

    // SLA data from JSM: compare with the request's own SLA answer.
    const stored = await storedIncidents(knex);
    const resolved = incidents.find(i => i.fields.resolutiondate !== null)!;
    const slas = await jira.raw(
      `/rest/servicedeskapi/request/${resolved.key}/sla`,
    );
    const resolution = slas.values.find(
      (s: any) => s.name === 'Time to resolution',
    );
    const response = slas.values.find(
      (s: any) => s.name === 'Time to first response',
    );
    const row = stored.get(resolved.id);
    expect(Boolean(row.sla_met)).toBe(!resolution.completedCycles[0].breached);
    expect(Number(row.acknowledged_at)).toBe(
      response.completedCycles[0].stopTime.epochMillis,
    );
    // Read from the search page's SLA fields: not one request per incident.
    expect(jira.sims.simulators.jira.stats().slaRequests).toBe(1);

    // The site moves on: new and progressed incidents.
    const before = new Map(incidents.map(i => [i.id, i.fields.updated]));
    for (let step = 0; step < 6; step++) {
      jira.clock.advance(10 * 60_000);
      jira.sims.simulators.jira.tick(jira.clock.now());
    }
    const after = await jira.rawIssues('Incident');
    const changed = after.filter(i => before.get(i.id) !== i.fields.updated);
    expect(changed.length).toBeGreaterThan(0);

    const incremental = await sync.runOnce(source, 'incidents');
    expect(incremental).toMatchObject({ status: 'succeeded', full: false });
    const ids = yielded[1].map(r => r.externalId);
    // Each changed incident once; nothing older than the overlap before the
    // previous watermark.
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(changed.map(i => i.id)));
    const previousWatermark = Math.max(
      ...incidents.map(i => epoch(i.fields.updated)!),
    );
    for (const record of yielded[1]) {
      expect(Date.parse(record.sourceUpdatedAt!)).toBeGreaterThanOrEqual(
        previousWatermark - 60_000,
      );
    }
    expect(ids.length).toBeLessThan(incidents.length / 4);
    expectIncidentsMatch(await storedIncidents(knex), after);
  });

  it("reads linked reviews' root cause from the site's field where config names it", async () => {
    // The field's id is the site's own: found by name, as an admin would.
    const fields: Array<{ id: string; name: string }> = await jira.raw(
      '/rest/api/3/field',
    );
    const field = fields.find(f => f.name === 'Root cause')!;
    expect(field.id).toMatch(/^customfield_\d+$/);
    // The demo (app-config.yaml) names this field of the same simulated
    // site (seed 42, Cloud); read as text, as this package parses no YAML.
    const demoConfig = fs.readFileSync(
      path.resolve(__dirname, '../../../app-config.yaml'),
      'utf8',
    );
    expect(demoConfig.match(/rootCauseField: (\S+)/)?.[1]).toBe(field.id);
    const source = jiraSource(jira, {
      site: { incidents: { postIncidentReview: { rootCauseField: field.id } } },
    });
    const run = await engine(knex, [source]).runOnce(source, 'incidents', {
      full: true,
    });
    expect(run).toMatchObject({ status: 'succeeded', rejected: 0 });

    // The simulator's reviews, read with plain fetch: v3 renders the
    // multi-line text field as a document.
    const causes = new Map(
      (await jira.rawIssues('Post-incident review')).map(review => {
        const value = review.fields[field.id];
        return [
          review.key,
          value === null ? null : value.content[0].content[0].text,
        ];
      }),
    );
    const reviewed = [...(await storedIncidents(knex)).values()].filter(
      row => row.review_reference,
    );
    expect(reviewed.length).toBeGreaterThan(0);
    for (const row of reviewed) {
      expect([row.review_reference, row.review_root_cause ?? null]).toEqual([
        row.review_reference,
        causes.get(row.review_reference),
      ]);
      expect(Boolean(row.review_root_cause_unknown)).toBe(false);
    }
    // Completed reviews with a root cause, and some left without one.
    const completed = reviewed.filter(row => Boolean(row.review_completed));
    expect(completed.some(row => row.review_root_cause)).toBe(true);
    expect(completed.some(row => !row.review_root_cause)).toBe(true);
  });

  it('stores the capacity label as the incident category when configured', async () => {
    const unconfigured = jiraSource(jira);
    await engine(knex, [unconfigured]).runOnce(unconfigured, 'incidents', {
      full: true,
    });
    // Unset: no category read at all, which CAP-01 reads as not configured.
    expect(await knex('itops_incidents').distinct('category')).toEqual([
      { category: null },
    ]);
    const source = jiraSource(jira, {
      site: { incidents: { capacityLabel: 'capacity' } },
    });
    await engine(knex, [source]).runOnce(source, 'incidents', { full: true });
    const incidents = await jira.rawIssues('Incident');
    const labelled = new Set(
      incidents
        .filter(i => (i.fields.labels as string[]).includes('capacity'))
        .map(i => i.id),
    );
    expect(labelled.size).toBeGreaterThan(0);
    const stored = await storedIncidents(knex);
    expect(stored.size).toBe(incidents.length);
    for (const [id, row] of stored) {
      expect(row.category).toBe(labelled.has(id) ? 'capacity' : '');
    }
  });

  it('syncs changes with the custom fields it discovered', async () => {
    const source = jiraSource(jira);
    const result = await engine(knex, [source]).runOnce(source, 'changes', {
      full: true,
    });
    expect(result).toMatchObject({ status: 'succeeded', rejected: 0 });
    const changes = await jira.rawIssues('Change');
    expect(result.written).toBe(changes.length);

    const fields: Array<{ id: string; name: string }> = await jira.raw(
      '/rest/api/3/field',
    );
    const idOf = (name: string) => fields.find(f => f.name === name)!.id;
    const rows = new Map(
      (await knex('itops_changes')).map(row => [row.external_id, row]),
    );
    for (const change of changes) {
      const row = rows.get(change.id);
      expect({
        number: row.number,
        type: row.type,
        plannedStart: Number(row.planned_start),
        plannedEnd: Number(row.planned_end),
        sourceState: row.source_state,
      }).toEqual({
        number: change.key,
        type: change.fields[idOf('Change type')].value.toLowerCase(),
        plannedStart: epoch(change.fields[idOf('Planned start')]),
        plannedEnd: epoch(change.fields[idOf('Planned end')]),
        sourceState: change.fields.status.name,
      });
    }
    const outcomes = [...rows.values()].map(row => row.outcome);
    expect(outcomes).toContain('successful');
    expect(outcomes).toContain('unsuccessful');
  });

  it('waits out a 429 with Retry-After and loses nothing', async () => {
    const sleeps: number[] = [];
    const source = jiraSource(jira, {
      sleeps,
      site: { sla: { enabled: false } },
    });
    jira.sims.faults.set('jira', {
      errors: { status: 429, count: 2, after: 2 },
    });
    const result = await engine(knex, [source]).runOnce(source, 'incidents', {
      full: true,
    });
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(jira.sims.faults.stats('jira').faults.errors).toBe(2);
    // The simulator answers Retry-After: 5 with its 429s.
    expect(sleeps).toEqual([5000, 5000]);
    jira.sims.faults.reset('jira');
    expectIncidentsMatch(
      await storedIncidents(knex),
      await jira.rawIssues('Incident'),
    );
  });

  it('maps incidents, changes and on-call to the example entities', async () => {
    await replaceEntityMappingIfChanged(
      knex,
      computeEntityMapping(exampleCatalog()),
    );
    const source = jiraSource(jira);
    const sync = engine(knex, [source]);
    for (const capability of ['incidents', 'changes', 'oncall'] as const) {
      if (capability === 'oncall') {
        // Into the week, so the current shift began days ago.
        jira.clock.advance(3 * 86_400_000);
      }
      expect(await sync.runOnce(source, capability)).toMatchObject({
        status: 'succeeded',
        rejected: 0,
      });
    }
    const now = jira.clock.now().getTime();
    const read = ItopsReadStore.create({ knex, clock: () => now });

    const incidents = await jira.rawIssues('Incident');
    const ofPaymentsApi = incidents.filter(
      i =>
        i.fields.project.key === 'PAY' &&
        i.fields.components.some((c: any) => c.name === 'payments-api'),
    );
    expect(ofPaymentsApi.length).toBeGreaterThan(0);
    const listed = await read.listIncidents('component:default/payments-api', {
      state: 'all',
      limit: 500,
      offset: 0,
      sort: '-opened_at',
    });
    expect(listed.totalCount).toBe(ofPaymentsApi.length);
    expect(listed.items.map(i => i.number).sort()).toEqual(
      ofPaymentsApi.map(i => i.key).sort(),
    );

    const changes = await read.listEntityChanges(
      'component:default/checkout-web',
      {
        from: now - 120 * 86_400_000,
        to: now + 60 * 86_400_000,
      },
    );
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every(c => c.number.startsWith('SHOP-'))).toBe(true);

    await expectPaymentsOnCall(read, now);
    // Data Platform runs no JSM on-call and no other group maps a team.
    const teams = await knex('itops_oncall_shifts').distinct('group_name');
    expect(teams.map(t => t.group_name).sort()).toEqual([
      'Payments',
      'Platform SRE',
      'Storefront',
    ]);
  });
});

/** slaMet and acknowledgedAt of stored incidents, by external id. */
async function storedSlaFacts(knex: Knex) {
  return new Map(
    [...(await storedIncidents(knex)).values()].map(row => [
      row.external_id,
      {
        slaMet: row.sla_met === null ? null : Boolean(row.sla_met),
        acknowledgedAt:
          row.acknowledged_at === null ? null : Number(row.acknowledged_at),
      },
    ]),
  );
}

describe.each(databases.eachSupportedId())(
  'Two Jira sites with the same project keys on %p',
  databaseId => {
    it('keep their issues apart for entities that name the site', async () => {
      // Two sites of the same organisation: the same project keys, other issues.
      const one = await startJira();
      const two = await startJira('cloud', { seed: 7 });
      try {
        const knex = await migrateItopsDatabase(
          await databases.init(databaseId),
        );
        const sourceOne = jiraSource(one, { name: 'one' });
        const sourceTwo = jiraSource(two, { name: 'two' });
        const sync = engine(knex, [sourceOne, sourceTwo]);
        for (const source of [sourceOne, sourceTwo]) {
          expect(
            await sync.runOnce(source, 'incidents', { full: true }),
          ).toMatchObject({ status: 'succeeded', rejected: 0 });
        }
        // The entity side as `itops.io/jira-site` + `itops.io/jira-project`
        // give it; and an entity naming no site, which sees both.
        const entity = (ref: string, keys: string[]) => ({
          entity: {
            entityRef: ref,
            kind: 'component',
            title: null,
            ownerRef: null,
            systemRef: null,
          },
          keys: keys.map(value => ({
            entityRef: ref,
            type: 'jira-project' as const,
            value,
            viaRef: ref,
          })),
        });
        const entities = [
          entity('component:default/pay-one', ['one:pay']),
          entity('component:default/pay-two', ['two:pay']),
          entity('component:default/pay-any', ['pay']),
        ];
        await replaceEntityMappingIfChanged(knex, {
          entities: entities.map(e => e.entity),
          keys: entities.flatMap(e => e.keys),
        });
        const read = ItopsReadStore.create({
          knex,
          clock: () => Date.parse(NOW),
        });
        const numbers = async (ref: string) =>
          (
            await read.listIncidents(ref, {
              state: 'all',
              limit: 500,
              offset: 0,
              sort: '-opened_at',
            })
          ).items.map(i => `${i.sourceInstance}/${i.number}`);
        const payOf = async (jira: Jira, site: string) =>
          (await jira.rawIssues('Incident'))
            .filter(i => i.fields.project.key === 'PAY')
            .map(i => `${site}/${i.key}`);
        const [expectOne, expectTwo] = [
          await payOf(one, 'one'),
          await payOf(two, 'two'),
        ];
        // Same keys on both sites (PAY-1 …), different issues.
        expect(expectOne.length).toBeGreaterThan(0);
        expect(expectTwo.length).toBeGreaterThan(0);
        expect((await numbers('component:default/pay-one')).sort()).toEqual(
          expectOne.sort(),
        );
        expect((await numbers('component:default/pay-two')).sort()).toEqual(
          expectTwo.sort(),
        );
        expect((await numbers('component:default/pay-any')).sort()).toEqual(
          [...expectOne, ...expectTwo].sort(),
        );
      } finally {
        await one.sims.close();
        await two.sims.close();
      }
    });
  },
);

/**
 * A source on the OAuth 2.0 (3LO) gateway of the simulator, each request
 * taking `stepMs` of the simulated clock, so that short-lived tokens expire
 * during a sync as they would against a real site.
 */
async function oauthSource(
  jira: Jira,
  knex: Knex,
  options: { stepMs: number; sleeps?: number[]; pageSize?: number },
) {
  await migrateJiraDatabase(knex);
  const simulator = jira.sims.simulators.jira as ReturnType<
    typeof createJiraSimulator
  >;
  const { clientId, clientSecret, refreshToken } = simulator.oauth;
  const site = readJiraSiteConfig(
    'gateway',
    new ConfigReader({
      baseUrl: jira.url,
      atlassianApiUrl: jira.url,
      cloudId: simulator.cloudId,
      auth: {
        oauth: {
          clientId,
          clientSecret,
          refreshToken,
          tokenUrl: `${jira.url}/oauth/token`,
        },
      },
      sync: { pageSize: options.pageSize ?? 100 },
    }),
  );
  return createJiraSource(site, {
    now: () => jira.clock.now().getTime(),
    tokenStore: new DatabaseOAuthTokenStore(knex),
    httpOverrides: {
      requestsPerSecond: 1000,
      maxConcurrency: 4,
      sleep: async ms => {
        options.sleeps?.push(ms);
      },
      fetch: (input, init) => {
        jira.clock.advance(options.stepMs);
        return globalThis.fetch(input, init);
      },
    },
  });
}

describe.each(databases.eachSupportedId())(
  'Malformed issues on %p',
  databaseId => {
    it('are skipped with a warning naming issue and field, keeping their stored version', async () => {
      const jira = await startJira();
      try {
        const knex = await migrateItopsDatabase(
          await databases.init(databaseId),
        );
        const logger = mockServices.logger.mock();
        const site = readJiraSiteConfig(
          'demo',
          new ConfigReader({
            baseUrl: jira.url,
            atlassianApiUrl: jira.url,
            auth: { email: EMAIL, apiToken: API_TOKEN },
          }),
        );
        const source = createJiraSource(site, {
          logger,
          now: () => jira.clock.now().getTime(),
          httpOverrides: { requestsPerSecond: 1000, maxConcurrency: 8 },
        });
        const sync = engine(knex, [source]);
        expect(
          await sync.runOnce(source, 'incidents', { full: true }),
        ).toMatchObject({ status: 'succeeded' });
        const clean = await storedIncidents(knex);

        const simulator = jira.sims.simulators.jira as ReturnType<
          typeof createJiraSimulator
        >;
        simulator.setMalformedIssues(true);
        const broken = (await jira.rawIssues('Incident'))
          .filter(
            i =>
              !i.key ||
              i.fields.created === 'yesterday at noon' ||
              i.fields.status.statusCategory.key === 'undefined',
          )
          .map(i => i.id);
        expect(broken).toHaveLength(3);
        const run = await sync.runOnce(source, 'incidents', { full: true });
        expect(run.status).toBe('succeeded');
        expect(run.written + 3).toBe(clean.size);
        // Counted as skipped, not as a gap of the capability.
        expect(run).toMatchObject({ rejected: 3, partial: [], deleted: 0 });
        const warnings = logger.warn.mock.calls.map(call => String(call[0]));
        for (const field of ['field created', 'field key', 'field status']) {
          expect(warnings.some(w => w.includes(field))).toBe(true);
        }
        const named = (await jira.rawIssues('Incident')).find(
          i => i.fields.created === 'yesterday at noon',
        )!;
        expect(warnings.join('\n')).toContain(
          `skipped issue ${named.key}: field created is unreadable ("yesterday at noon")`,
        );
        // Nothing stored is lost: the full run kept the skipped issues' copies.
        const after = await storedIncidents(knex);
        expect([...after.keys()].sort()).toEqual([...clean.keys()].sort());
        for (const id of broken) {
          expect(after.get(id).title).toBe(clean.get(id).title);
        }
      } finally {
        await jira.sims.close();
      }
    });
  },
);

describe.each(databases.eachSupportedId())(
  'Issues deleted upstream on %p',
  databaseId => {
    it('stay until the full reconcile, which removes them and nothing else', async () => {
      const jira = await startJira();
      try {
        const knex = await migrateItopsDatabase(
          await databases.init(databaseId),
        );
        const source = jiraSource(jira);
        const sync = engine(knex, [source]);
        await sync.runOnce(source, 'incidents', { full: true });
        const before = await storedIncidents(knex);
        const simulator = jira.sims.simulators.jira as ReturnType<
          typeof createJiraSimulator
        >;
        const deleted = simulator.deleteIssues(3);
        const deletedIds = [...before.values()]
          .filter(row => deleted.includes(row.number))
          .map(row => row.external_id);
        expect(deletedIds).toHaveLength(3);

        // `updated >=` cannot see a deletion: the incremental run keeps them.
        jira.clock.advance(10 * 60_000);
        expect(await sync.runOnce(source, 'incidents')).toMatchObject({
          status: 'succeeded',
          full: false,
        });
        expect((await storedIncidents(knex)).size).toBe(before.size);

        const reconcile = await sync.runOnce(source, 'incidents', {
          full: true,
        });
        expect(reconcile).toMatchObject({ status: 'succeeded', partial: [] });
        const after = await storedIncidents(knex);
        expect([...after.keys()].sort()).toEqual(
          [...before.keys()].filter(id => !deletedIds.includes(id)).sort(),
        );
        for (const [id, row] of after) {
          expect(row.content_hash).toBe(before.get(id).content_hash);
        }
        expectIncidentsMatch(after, await jira.rawIssues('Incident'));
      } finally {
        await jira.sims.close();
      }
    });
  },
);

describe.each(databases.eachSupportedId())('OAuth 3LO on %p', databaseId => {
  it('renews a 5-second token about every 4 s of sync, not per call', async () => {
    const jira = await startJira('cloud', {
      oauth: { accessTokenSeconds: 5 },
    });
    try {
      const knex = await migrateItopsDatabase(await databases.init(databaseId));
      // Small pages: a sync of some 20 requests over 10 s.
      const source = await oauthSource(jira, knex, {
        stepMs: 500,
        pageSize: 10,
      });
      const started = jira.clock.now().getTime();
      const result = await engine(knex, [source]).runOnce(source, 'incidents', {
        full: true,
      });
      expect(result).toMatchObject({ status: 'succeeded', rejected: 0 });
      expectIncidentsMatch(
        await storedIncidents(knex, 'gateway'),
        await jira.rawIssues('Incident'),
      );
      const { requests, tokenRequests, unauthorized } =
        jira.sims.simulators.jira.stats();
      const elapsedMs = jira.clock.now().getTime() - started;
      expect(requests - tokenRequests).toBeGreaterThan(15);
      expect(elapsedMs).toBeGreaterThan(8_000);
      // One token per ~4 s of sync (and the first), not one per call.
      expect(tokenRequests).toBeGreaterThan(1);
      expect(tokenRequests).toBeLessThanOrEqual(
        Math.ceil(elapsedMs / 4000) + 1,
      );
      // Renewed before expiry: never refused for an expired token.
      expect(unauthorized).toBe(0);
    } finally {
      await jira.sims.close();
    }
  });

  it.each([
    [2, [2000, 2000]],
    // Without Retry-After: exponential backoff.
    [undefined, [expect.any(Number), expect.any(Number)]],
  ])(
    'waits out token 429s (Retry-After %p) and loses nothing',
    async (retryAfterSeconds, expectedSleeps) => {
      const jira = await startJira('cloud', {
        oauth: { tokenRateLimit: { count: 2, retryAfterSeconds } },
      });
      try {
        const knex = await migrateItopsDatabase(
          await databases.init(databaseId),
        );
        const sleeps: number[] = [];
        const source = await oauthSource(jira, knex, { stepMs: 0, sleeps });
        const result = await engine(knex, [source]).runOnce(
          source,
          'incidents',
          { full: true },
        );
        expect(result).toMatchObject({ status: 'succeeded', rejected: 0 });
        expect(jira.sims.simulators.jira.stats()).toMatchObject({
          tokenRequests: 3,
          rateLimitedTokenRequests: 2,
        });
        expect(sleeps.slice(0, 2)).toEqual(expectedSleeps);
        // A wait either way.
        expect(sleeps.slice(0, 2).every(ms => ms > 0)).toBe(true);
        expectIncidentsMatch(
          await storedIncidents(knex, 'gateway'),
          await jira.rawIssues('Incident'),
        );
      } finally {
        await jira.sims.close();
      }
    },
  );
});

describe.each(databases.eachSupportedId())('JSM SLAs on %p', databaseId => {
  it('asks per issue, up to the cap, only where search cannot return SLAs', async () => {
    // The same world twice: with SLA fields in search, and without.
    const withFields = await startJira();
    const without = await startJira('cloud', { slaFields: false });
    try {
      const knex = await migrateItopsDatabase(await databases.init(databaseId));
      const reference = jiraSource(withFields);
      expect(
        await engine(knex, [reference]).runOnce(reference, 'incidents', {
          full: true,
        }),
      ).toMatchObject({ status: 'succeeded', partial: [] });
      expect(withFields.sims.simulators.jira.stats().slaRequests).toBe(0);
      const fromSearch = await storedSlaFacts(knex);
      expect(
        [...fromSearch.values()].filter(f => f.slaMet === false).length,
      ).toBeGreaterThan(0);

      const knex2 = await migrateItopsDatabase(
        await databases.init(databaseId),
      );
      const capped = jiraSource(without, {
        site: { sla: { maxRequestsPerRun: 10 } },
      });
      const run = await engine(knex2, [capped]).runOnce(capped, 'incidents', {
        full: true,
      });
      expect(run.status).toBe('succeeded');
      expect(run.partial).toEqual([
        expect.objectContaining({
          call: 'GET /rest/servicedeskapi/request/{issueKey}/sla',
          reason: 'per-run cap of 10 requests reached',
        }),
      ]);
      expect(without.sims.simulators.jira.stats().slaRequests).toBe(10);

      const uncapped = jiraSource(without);
      await engine(knex2, [uncapped]).runOnce(uncapped, 'incidents', {
        full: true,
      });
      // Per issue, the same facts as from the search fields.
      expect(await storedSlaFacts(knex2)).toEqual(fromSearch);
    } finally {
      await withFields.sims.close();
      await without.sims.close();
    }
  });
});

describe.each(databases.eachSupportedId())(
  'JSM Operations without /timeline on %p',
  databaseId => {
    it('takes now and next from /on-calls and finds the handovers there', async () => {
      const jira = await startJira('cloud', { ops: { timeline: false } });
      try {
        const knex = await migrateItopsDatabase(
          await databases.init(databaseId),
        );
        await replaceEntityMappingIfChanged(
          knex,
          computeEntityMapping(exampleCatalog()),
        );
        const source = jiraSource(jira);
        jira.clock.advance(3 * 86_400_000);
        const before = jira.sims.faults.stats('jira').requests;
        expect(
          await engine(knex, [source]).runOnce(source, 'oncall'),
        ).toMatchObject({ status: 'succeeded', rejected: 0 });
        const requests = jira.sims.faults.stats('jira').requests - before;
        const now = jira.clock.now().getTime();
        await expectPaymentsOnCall(
          ItopsReadStore.create({ knex, clock: () => now }),
          now,
        );
        // Three mapped teams: a bounded number of questions per team.
        expect(requests).toBeLessThan(3 * 80);
      } finally {
        await jira.sims.close();
      }
    });
  },
);

describe.each(databases.eachSupportedId())(
  'Jira source on Data Center on %p',
  databaseId => {
    it('syncs incidents and changes through /rest/api/2/search with a PAT, in the server zone', async () => {
      const jira = await startJira('datacenter');
      try {
        const knex = await migrateItopsDatabase(
          await databases.init(databaseId),
        );
        const source = jiraSource(jira, {
          site: {
            deployment: 'datacenter',
            auth: { personalAccessToken: 'jira-dc-pat' },
            sync: { pageSize: 40 },
          },
        });
        expect(Object.keys(source.readers).sort()).toEqual([
          'changes',
          'incidents',
        ]);
        const sync = engine(knex, [source]);
        const result = await sync.runOnce(source, 'incidents', { full: true });
        expect(result).toMatchObject({ status: 'succeeded', rejected: 0 });
        const search = async (issueType: string) =>
          jira.raw(
            `/rest/api/2/search?${new URLSearchParams({
              jql: `issuetype = "${issueType}"`,
              maxResults: '1000',
            })}`,
          );
        const all = await search('Incident');
        expect(result.written).toBe(all.total);
        // The server writes its own zone: +0100, which the module reads right.
        expect(all.issues[0].fields.created).toMatch(/\+0100$/);
        expectIncidentsMatch(await storedIncidents(knex), all.issues);
        // SLAs from the search's SLA fields on JSM Data Center too.
        expect(jira.sims.simulators.jira.stats().slaRequests).toBe(0);
        const stored = [...(await storedIncidents(knex)).values()];
        expect(
          stored.filter(row => row.sla_met !== null).length,
        ).toBeGreaterThan(0);

        // The classic change calendar fields of JSM Data Center.
        expect(
          await sync.runOnce(source, 'changes', { full: true }),
        ).toMatchObject({ status: 'succeeded', rejected: 0 });
        const fields: Array<{ id: string; name: string }> = await jira.raw(
          '/rest/api/2/field',
        );
        const idOf = (name: string) => fields.find(f => f.name === name)!.id;
        const changes = (await search('Change')).issues as RawIssue[];
        const rows = new Map(
          (await knex('itops_changes')).map(row => [row.external_id, row]),
        );
        expect(rows.size).toBe(changes.length);
        for (const change of changes) {
          const row = rows.get(change.id);
          expect([Number(row.planned_start), Number(row.planned_end)]).toEqual([
            epoch(change.fields[idOf('Change start date')]),
            epoch(change.fields[idOf('Change completion date')]),
          ]);
        }
      } finally {
        await jira.sims.close();
      }
    });
  },
);
