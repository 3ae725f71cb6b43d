/**
 * Integration tests against the ServiceNow simulator over real HTTP: the
 * module's readers feed the real sync engine, which stores into SQLite and
 * PostgreSQL; every scenario ends by comparing the store with what the
 * simulator serves (read with plain fetch, not with the module's client).
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { ItopsSource } from '@backstage-itops/plugin-itops-node';
// The ITOps backend's test utilities exist for source modules' tests.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  computeEntityMapping,
  createTestDatabases,
  migrateItopsDatabase,
  replaceEntityMappingIfChanged,
  SyncEngine,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import {
  FixedClock,
  startSimulators,
  type RunningSimulators,
} from '@backstage-itops/simulator';
import { readInstanceOptions } from './config';
import { createServiceNowSource } from './createServiceNowSource';

jest.setTimeout(120_000);

const NOW = '2026-11-25T12:00:00Z';
const SEED = 7;
const databases = createTestDatabases();
type Knex = Awaited<ReturnType<typeof databases.init>>;

type Sims = RunningSimulators<'servicenow'>;

async function start(
  clock: FixedClock,
  servicenow: { auth?: { tokenLifetimeSeconds?: number } } = {},
): Promise<Sims> {
  return startSimulators({
    systems: ['servicenow'],
    ports: { servicenow: 0 },
    clock,
    seed: SEED,
    servicenow,
  });
}

const BASIC = { username: 'itops.integration', password: 'itops' };
const OAUTH = {
  clientId: 'itops-backstage',
  clientSecret: 'itops-secret',
  username: 'itops.integration',
  password: 'itops',
};

/**
 * The module's source for the simulator. Waits pass on the simulator's
 * clock instead of in real time, so a Retry-After of a minute takes none.
 */
function source(
  url: string,
  clock: FixedClock,
  auth: object = BASIC,
  extra: object = {},
): ItopsSource {
  const options = readInstanceOptions(
    'demo',
    new ConfigReader({
      baseUrl: url,
      auth,
      pageSize: 50,
      // The demo's custom columns (app-config.yaml), for the compliance fields.
      incidents: {
        assignedAtField: 'u_assigned_at',
        personalDataBreach: { field: 'u_gdpr_breach' },
        breachAwareAtField: 'u_breach_aware_at',
        authorityNotifiedAtField: 'u_dpa_notified_at',
        notificationDelayReasonField: 'u_dpa_delay_reason',
      },
      http: {
        requestsPerSecond: 10_000,
        retry: { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 120_000 },
      },
      ...extra,
    }),
  );
  return createServiceNowSource(options, {
    now: () => clock.now().getTime(),
    sleep: async ms => clock.advance(ms),
    logger: mockServices.logger.mock(),
  });
}

function engineFor(knex: Knex, src: ItopsSource): SyncEngine {
  return SyncEngine.create({
    knex,
    sources: [src],
    scheduler: mockServices.scheduler.mock(),
    config: new ConfigReader({}),
    logger: mockServices.logger.mock(),
  });
}

/** The catalog's teams and services, as examples/*.yaml annotate them. */
const ENTITIES = [
  ...['Platform SRE', 'Payments', 'Storefront', 'Data Platform'].map(team => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: team.toLowerCase().replace(/ /g, '-'),
      annotations: { 'itops.io/servicenow-assignment-group': team },
    },
    spec: { type: 'team', children: [] },
  })),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      annotations: { 'itops.io/servicenow-service': 'Payments API' },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  },
];

// ---- The simulator's data, read with plain fetch -------------------------

async function snGet(url: string, path: string): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    headers: {
      accept: 'application/json',
      authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    },
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function snTable(
  url: string,
  table: string,
  fields: string[],
  query = '',
): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for (let offset = 0; ; offset += 10_000) {
    const params = new URLSearchParams({
      sysparm_fields: fields.join(','),
      sysparm_exclude_reference_link: 'true',
      sysparm_limit: '10000',
      sysparm_offset: String(offset),
      sysparm_query: query,
    });
    const page = await snGet(url, `/api/now/table/${table}?${params}`);
    rows.push(...page.result);
    if (page.result.length < 10_000) {
      return rows;
    }
  }
}

const iso = (sn: string) =>
  sn ? new Date(`${sn.replace(' ', 'T')}Z`).toISOString() : null;
const INCIDENT_STATES: Record<string, string> = {
  '1': 'new',
  '2': 'in_progress',
  '3': 'on_hold',
  '6': 'resolved',
  '7': 'closed',
  '8': 'cancelled',
};
const CHANGE_STATES: Record<string, string> = {
  '-5': 'new',
  '-4': 'assess',
  '-3': 'authorize',
  '-2': 'scheduled',
  '-1': 'implement',
  '0': 'review',
  '3': 'closed',
  '4': 'cancelled',
};

function keysOf(row: Record<string, string>): string[] {
  return [
    row.cmdb_ci && `servicenow-ci:${row.cmdb_ci}`,
    row.business_service && `servicenow-ci:${row.business_service}`,
    row['business_service.name'] &&
      `servicenow-service:${row['business_service.name'].toLowerCase()}`,
    row['assignment_group.name'] &&
      `servicenow-group:${row['assignment_group.name'].toLowerCase()}`,
  ]
    .filter(Boolean)
    .sort() as string[];
}

async function expectedIncidents(url: string) {
  const rows = await snTable(url, 'incident', [
    'sys_id',
    'number',
    'short_description',
    'state',
    'priority',
    'opened_at',
    'resolved_at',
    'closed_at',
    'sys_updated_on',
    'major_incident_state',
    'cmdb_ci',
    'business_service',
    'business_service.name',
    'assignment_group.name',
    'problem_id',
    'problem_id.number',
    'u_assigned_at',
    'u_gdpr_breach',
    'u_breach_aware_at',
    'u_dpa_notified_at',
    'u_dpa_delay_reason',
  ]);
  return rows
    .map(r => ({
      externalId: r.sys_id,
      number: r.number,
      title: r.short_description,
      state: INCIDENT_STATES[r.state],
      sourceState: r.state,
      priority: Number(r.priority),
      openedAt: iso(r.opened_at),
      resolvedAt: iso(r.resolved_at),
      closedAt: iso(r.closed_at),
      sourceUpdatedAt: iso(r.sys_updated_on),
      assignmentGroup: r['assignment_group.name'] || null,
      major: r.major_incident_state === 'accepted',
      assignedAt: iso(r.u_assigned_at),
      reviewReference: r['problem_id.number'] || r.problem_id || null,
      reviewUrl: r.problem_id
        ? `${url}/nav_to.do?uri=problem.do%3Fsys_id%3D${r.problem_id}`
        : null,
      personalDataBreach: r.u_gdpr_breach === 'true',
      breachAwareAt: iso(r.u_breach_aware_at),
      authorityNotifiedAt: iso(r.u_dpa_notified_at),
      notificationDelayReason: r.u_dpa_delay_reason || null,
      keys: keysOf(r),
    }))
    .sort(byExternalId);
}

async function expectedChanges(url: string) {
  const rows = await snTable(url, 'change_request', [
    'sys_id',
    'number',
    'short_description',
    'type',
    'state',
    'risk',
    'start_date',
    'end_date',
    'work_start',
    'work_end',
    'approval',
    'approval_set',
    'close_code',
    'sys_updated_on',
    'cmdb_ci',
    'business_service',
    'business_service.name',
    'assignment_group.name',
  ]);
  const risks: Record<string, string> = {
    '1': 'very_high',
    '2': 'high',
    '3': 'moderate',
    '4': 'low',
  };
  const outcomes: Record<string, string> = {
    successful: 'successful',
    successful_issues: 'successful_with_issues',
    unsuccessful: 'unsuccessful',
  };
  return rows
    .map(r => ({
      externalId: r.sys_id,
      number: r.number,
      title: r.short_description,
      type: r.type,
      state: CHANGE_STATES[r.state],
      risk: risks[r.risk] ?? null,
      plannedStart: iso(r.start_date),
      plannedEnd: iso(r.end_date),
      actualStart: iso(r.work_start),
      actualEnd: iso(r.work_end),
      approval: r.approval.replace(' ', '_'),
      approvedAt: iso(r.approval_set),
      outcome: outcomes[r.close_code] ?? null,
      sourceUpdatedAt: iso(r.sys_updated_on),
      implementerGroup: r['assignment_group.name'] || null,
      keys: keysOf(r),
    }))
    .sort(byExternalId);
}

// ---- What the store holds ------------------------------------------------

const ms = (value: unknown) =>
  value === null || value === undefined
    ? null
    : new Date(Number(value)).toISOString();

async function storedKeys(
  knex: Knex,
  kind: string,
): Promise<Map<string, string[]>> {
  const rows = await knex('itops_record_keys').where('record_table', kind);
  const byRecord = new Map<string, string[]>();
  for (const row of rows) {
    const id = String(row.record_id);
    byRecord.set(id, [
      ...(byRecord.get(id) ?? []),
      `${row.key_type}:${row.key_value}`,
    ]);
  }
  return byRecord;
}

async function storedIncidents(knex: Knex) {
  const keys = await storedKeys(knex, 'incident');
  const rows = await knex('itops_incidents');
  return rows
    .map(r => ({
      externalId: r.external_id,
      number: r.number,
      title: r.title,
      state: r.state,
      sourceState: r.source_state,
      priority: Number(r.priority),
      openedAt: ms(r.opened_at),
      resolvedAt: ms(r.resolved_at),
      closedAt: ms(r.closed_at),
      sourceUpdatedAt: ms(r.source_updated_at),
      assignmentGroup: r.assignment_group,
      major: Boolean(r.major),
      assignedAt: ms(r.assigned_at),
      reviewReference: r.review_reference,
      reviewUrl: r.review_url,
      personalDataBreach: Boolean(r.personal_data_breach),
      breachAwareAt: ms(r.breach_aware_at),
      authorityNotifiedAt: ms(r.authority_notified_at),
      notificationDelayReason: r.notification_delay_reason,
      keys: (keys.get(String(r.id)) ?? []).sort(),
    }))
    .sort(byExternalId);
}

async function storedChanges(knex: Knex) {
  const keys = await storedKeys(knex, 'change');
  const rows = await knex('itops_changes');
  return rows
    .map(r => ({
      externalId: r.external_id,
      number: r.number,
      title: r.title,
      type: r.type,
      state: r.state,
      risk: r.risk,
      plannedStart: ms(r.planned_start),
      plannedEnd: ms(r.planned_end),
      actualStart: ms(r.actual_start),
      actualEnd: ms(r.actual_end),
      approval: r.approval,
      approvedAt: ms(r.approved_at),
      outcome: r.outcome,
      sourceUpdatedAt: ms(r.source_updated_at),
      implementerGroup: r.implementer_group,
      keys: (keys.get(String(r.id)) ?? []).sort(),
    }))
    .sort(byExternalId);
}

function byExternalId(a: { externalId: string }, b: { externalId: string }) {
  return a.externalId < b.externalId ? -1 : 1;
}

async function expectIncidentsMatch(knex: Knex, url: string) {
  const expected = await expectedIncidents(url);
  expect(expected.length).toBeGreaterThan(100);
  expect(await storedIncidents(knex)).toEqual(expected);
}

async function expectChangesMatch(knex: Knex, url: string) {
  const expected = await expectedChanges(url);
  expect(expected.length).toBeGreaterThan(50);
  expect(await storedChanges(knex)).toEqual(expected);
}

async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  await migrateItopsDatabase(knex);
  await replaceEntityMappingIfChanged(knex, computeEntityMapping(ENTITIES));
  return knex;
}

describe('ServiceNow module against the simulator', () => {
  it.each(databases.eachSupportedId())(
    'full sync stores exactly what the instance has, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        const requests: Record<string, number> = {};
        for (const capability of [
          'incidents',
          'changes',
          'freezeWindows',
          'oncall',
        ] as const) {
          const before = sims.faults.stats('servicenow').requests;
          const result = await engine.runOnce(src, capability, { full: true });
          expect(result).toMatchObject({ status: 'succeeded', full: true });
          requests[capability] =
            sims.faults.stats('servicenow').requests - before;
        }
        // Sampling and bisecting whoisoncall for the four mapped teams
        // together stays within a modest request budget per run.
        expect(requests.oncall).toBeLessThan(160);
        await expectIncidentsMatch(knex, url);
        await expectChangesMatch(knex, url);
        await expectFreezeWindowsMatch(knex, url);
        await expectOnCallMatches(knex, url, clock);
        // What the demo shows: the example team and service get their
        // records through the keys their annotations give them.
        // The team also collects what it owns (payments-api's freeze).
        expect(await kindsOf(knex, 'group:default/payments')).toEqual([
          'change',
          'freeze',
          'incident',
          'oncall',
        ]);
        expect(await kindsOf(knex, 'component:default/payments-api')).toEqual([
          'change',
          'freeze',
          'incident',
        ]);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'incremental sync after live mutations reads only what changed, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        const first = await engine.runOnce(src, 'incidents', { full: true });
        await engine.runOnce(src, 'changes', { full: true });
        for (let i = 0; i < 12; i++) {
          clock.advance(20 * 60_000);
          sims.simulators.servicenow.tick(clock.now());
        }
        const incremental = await engine.runOnce(src, 'incidents');
        const changes = await engine.runOnce(src, 'changes');
        expect(incremental).toMatchObject({ status: 'succeeded', full: false });
        expect(changes).toMatchObject({ status: 'succeeded', full: false });
        expect(incremental.written).toBeGreaterThan(0);
        expect(incremental.written).toBeLessThan(first.written / 4);
        await expectIncidentsMatch(knex, url);
        await expectChangesMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'rides out a 429 storm by honouring Retry-After, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        sims.faults.set('servicenow', {
          rateLimit: { limit: 2, windowSeconds: 60 },
        });
        const src = source(url, clock);
        const startedAt = clock.now().getTime();
        const result = await engineFor(knex, src).runOnce(src, 'incidents', {
          full: true,
        });
        expect(result.status).toBe('succeeded');
        const { rateLimited } = sims.faults.stats('servicenow').faults;
        expect(rateLimited).toBeGreaterThanOrEqual(5);
        // Each 429 waited for its window to end (Retry-After), so exactly
        // one request per window was refused rather than a burst of retries.
        const elapsed = clock.now().getTime() - startedAt;
        expect(elapsed).toBeGreaterThanOrEqual(rateLimited * 59_000);
        expect(elapsed).toBeLessThanOrEqual(rateLimited * 61_000);
        sims.faults.reset('servicenow');
        await expectIncidentsMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'renews an OAuth token that expires mid-sync, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        sims.faults.set('servicenow', { expireTokens: { after: 4 } });
        const src = source(url, clock, OAUTH);
        const result = await engineFor(knex, src).runOnce(src, 'incidents', {
          full: true,
        });
        expect(result.status).toBe('succeeded');
        const stats = sims.faults.stats('servicenow');
        expect(stats.faults.tokenExpiries).toBe(1);
        const simulator = await snGet(url, '/__admin/stats');
        // The first token, and the one obtained after the 401.
        expect(simulator.simulator.tokensIssued).toBe(2);
        expect(simulator.simulator.unauthorized).toBe(1);
        await expectIncidentsMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'renews client_credentials tokens before they expire during a long sync, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      // Tokens live three minutes; a rate limit stretches the sync to
      // several minutes of the simulator's time.
      const sims = await start(clock, { auth: { tokenLifetimeSeconds: 180 } });
      try {
        const url = sims.urls.servicenow;
        sims.faults.set('servicenow', {
          rateLimit: { limit: 3, windowSeconds: 60 },
        });
        const src = source(url, clock, {
          clientId: OAUTH.clientId,
          clientSecret: OAUTH.clientSecret,
          refreshBeforeExpirySeconds: 60,
        });
        const result = await engineFor(knex, src).runOnce(src, 'incidents', {
          full: true,
        });
        expect(result.status).toBe('succeeded');
        sims.faults.reset('servicenow');
        const simulator = await snGet(url, '/__admin/stats');
        expect(simulator.simulator.tokensIssued).toBeGreaterThan(1);
        // Renewed ahead of time: the instance never refused a token.
        expect(simulator.simulator.unauthorized).toBe(0);
        await expectIncidentsMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'does not skip or lose rows when an insert shifts the pages, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        const before = (await expectedIncidents(url)).length;
        sims.faults.set('servicenow', { shiftRecords: { after: 3 } });
        const src = source(url, clock);
        const result = await engineFor(knex, src).runOnce(src, 'incidents', {
          full: true,
        });
        expect(result.status).toBe('succeeded');
        expect(sims.faults.stats('servicenow').faults.shiftedRecords).toBe(1);
        sims.faults.reset('servicenow');
        const after = await expectedIncidents(url);
        expect(after).toHaveLength(before + 1);
        // The second walk wrote only the row the first one missed.
        expect(result.written).toBe(after.length);
        await expectIncidentsMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it('walks again for a row behind the cursor without the engine, too', async () => {
    const clock = new FixedClock(NOW);
    const sims = await start(clock);
    try {
      const url = sims.urls.servicenow;
      sims.faults.set('servicenow', { shiftRecords: { after: 3 } });
      const reader = source(url, clock).readers.incidents!;
      // A caller that cannot say what was delivered: the reader counts
      // rows itself and walks again in full; re-reads are idempotent upserts.
      const read: string[] = [];
      for await (const batch of reader.read({
        full: true,
        signal: new AbortController().signal,
        mappedKeys: async () => [],
      })) {
        read.push(...batch.records.map(r => r.externalId));
      }
      sims.faults.reset('servicenow');
      const expected = (await expectedIncidents(url)).map(i => i.externalId);
      expect(new Set(read)).toEqual(new Set(expected));
      expect(read).toHaveLength(2 * expected.length - 1);
    } finally {
      await sims.close();
    }
  });

  it.each(databases.eachSupportedId())(
    'drops a record deleted in the instance at the next full sync, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      // The instance first has one incident more (a late import) …
      const first = await start(clock);
      let deletedId: string;
      try {
        const before = new Set(
          (await expectedIncidents(first.urls.servicenow)).map(
            i => i.externalId,
          ),
        );
        first.simulators.servicenow.insertShiftingRecord();
        const withExtra = await expectedIncidents(first.urls.servicenow);
        deletedId = withExtra.find(i => !before.has(i.externalId))!.externalId;
        const src = source(first.urls.servicenow, clock);
        await engineFor(knex, src).runOnce(src, 'incidents', { full: true });
        await expectIncidentsMatch(knex, first.urls.servicenow);
      } finally {
        await first.close();
      }
      // … which is then deleted: the same seeded world without it.
      const second = await start(clock);
      try {
        const url = second.urls.servicenow;
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        const ids = async () =>
          (await knex('itops_incidents').select('external_id')).map(
            r => r.external_id,
          );
        // An incremental sync cannot see deletions …
        await engine.runOnce(src, 'incidents', { full: false });
        expect(await ids()).toContain(deletedId);
        // … the full reconcile removes the record and its keys.
        const full = await engine.runOnce(src, 'incidents', { full: true });
        expect(full.deleted).toBe(1);
        expect(await ids()).not.toContain(deletedId);
        await expectIncidentsMatch(knex, url);
      } finally {
        await second.close();
      }
    },
  );
});

/** The kinds of records that share a mapping key with an entity. */
async function kindsOf(knex: Knex, entityRef: string): Promise<string[]> {
  const rows = await knex('itops_entity_keys as ek')
    .join('itops_record_keys as rk', join =>
      join
        .on('rk.key_type', 'ek.key_type')
        .andOn('rk.key_value', 'ek.key_value'),
    )
    .where('ek.entity_ref', entityRef)
    .distinct('rk.record_table');
  return rows.map(r => r.record_table).sort();
}

// ---- Freeze windows and on-call -------------------------------------------

async function expectFreezeWindowsMatch(knex: Knex, url: string) {
  const schedules = await snTable(url, 'cmn_schedule_blackout', [
    'sys_id',
    'name',
    'condition',
  ]);
  const spans = await snTable(url, 'cmn_schedule_span', [
    'sys_id',
    'schedule',
    'start_date_time',
    'end_date_time',
  ]);
  const fromSchedule = (text: string) =>
    new Date(
      `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(
        9,
        11,
      )}:${text.slice(11, 13)}:${text.slice(13, 15)}Z`,
    ).toISOString();
  const expected = [];
  for (const span of spans) {
    const schedule = schedules.find(s => s.sys_id === span.schedule)!;
    const cis = schedule.condition
      ? await snTable(
          url,
          'cmdb_ci',
          ['sys_id', 'name', 'sys_class_name'],
          schedule.condition,
        )
      : [];
    expected.push({
      externalId: span.sys_id,
      name: schedule.name,
      start: fromSchedule(span.start_date_time),
      end: fromSchedule(span.end_date_time),
      keys: cis
        .flatMap(ci => [
          `servicenow-ci:${ci.sys_id}`,
          ...(ci.sys_class_name === 'cmdb_ci_service'
            ? [`servicenow-service:${ci.name.toLowerCase()}`]
            : []),
        ])
        .sort(),
    });
  }
  expect(expected.length).toBe(2);
  expect(
    expected.some(e => e.keys.includes('servicenow-service:payments api')),
  ).toBe(true);
  const keys = await storedKeys(knex, 'freeze');
  const stored = (await knex('itops_freeze_windows')).map(r => ({
    externalId: r.external_id,
    name: r.name,
    start: ms(r.start_at),
    end: ms(r.end_at),
    keys: (keys.get(String(r.id)) ?? []).sort(),
  }));
  expect(stored.sort(byExternalId)).toEqual(expected.sort(byExternalId));
}

/**
 * For every mapped group and escalation level, the stored shift covering
 * now names whom `whoisoncall` names, and ends exactly where `whoisoncall`
 * starts naming someone else.
 */
async function expectOnCallMatches(knex: Knex, url: string, clock: FixedClock) {
  const groups = await snTable(url, 'sys_user_group', ['sys_id', 'name']);
  const users = await snTable(url, 'sys_user', ['sys_id', 'name']);
  const userName = new Map(users.map(u => [u.sys_id, u.name]));
  const who = async (at: number) => {
    const params = new URLSearchParams({
      group_ids: groups.map(g => g.sys_id).join(','),
      date_time: new Date(at).toISOString().slice(0, 19).replace('T', ' '),
    });
    const body = await snGet(
      url,
      `/api/now/on_call_rota/whoisoncall?${params}`,
    );
    return body.result as Array<{
      group: string;
      order: number;
      userId: string;
    }>;
  };
  const stored = await knex('itops_oncall_shifts');
  const now = clock.now().getTime();
  const current = await who(now);
  expect(current.length).toBeGreaterThan(0);
  let checked = 0;
  for (const escalatee of current) {
    const groupName = groups.find(g => g.sys_id === escalatee.group)!.name;
    const shift = stored.find(
      s =>
        s.group_name === groupName &&
        Number(s.escalation_level) === escalatee.order &&
        Number(s.start_at) <= now &&
        Number(s.end_at) > now,
    );
    expect(shift?.person_name).toBe(userName.get(escalatee.userId));
    const end = Number(shift.end_at);
    const atEnd = (await who(end)).find(
      e => e.group === escalatee.group && e.order === escalatee.order,
    );
    const beforeEnd = (await who(end - 60_000)).find(
      e => e.group === escalatee.group && e.order === escalatee.order,
    );
    expect(beforeEnd?.userId).toBe(escalatee.userId);
    expect(atEnd?.userId).not.toBe(escalatee.userId);
    // The next shift of the lane starts where this one ends.
    const next = stored.find(
      s =>
        s.group_name === groupName &&
        Number(s.escalation_level) === escalatee.order &&
        Number(s.start_at) === end,
    );
    expect(next?.person_name).toBe(userName.get(atEnd!.userId));
    checked++;
  }
  expect(checked).toBe(current.length);
}
