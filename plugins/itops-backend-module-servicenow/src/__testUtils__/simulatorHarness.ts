/**
 * The ServiceNow simulator and the ITOps store side by side, for the
 * module's tests over real HTTP: the module's readers feed the real sync
 * engine, which stores into SQLite and PostgreSQL, and the expected data is
 * read from the simulator with plain fetch, not with the module's client.
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
  type ServiceNowSimulator,
  type ServiceNowSimulatorOptions,
} from '@backstage-itops/simulator';
import { readInstanceOptions } from '../config';
import {
  createServiceNowSource,
  type ServiceNowSourceDependencies,
} from '../createServiceNowSource';

export const NOW = '2026-11-25T12:00:00Z';
const SEED = 7;
export const databases = createTestDatabases();
export type Knex = Awaited<ReturnType<typeof databases.init>>;

export type Sims = RunningSimulators<'servicenow'>;

export async function start(
  clock: FixedClock,
  servicenow: Partial<ServiceNowSimulatorOptions> = {},
): Promise<Sims> {
  return startSimulators({
    systems: ['servicenow'],
    ports: { servicenow: 0 },
    clock,
    seed: SEED,
    servicenow,
  });
}

/** What a test of the module against the simulator works with. */
export interface World {
  knex: Knex;
  clock: FixedClock;
  sims: Sims;
  url: string;
}

/**
 * A migrated store with the catalog's mapping and a simulator on a clock
 * stopped at `NOW`, for `body`; the simulator is closed afterwards.
 */
export async function withWorld(
  databaseId: Parameters<typeof databases.init>[0],
  servicenow: Partial<ServiceNowSimulatorOptions>,
  body: (world: World) => Promise<void>,
): Promise<void> {
  const knex = await setUp(databaseId);
  const clock = new FixedClock(NOW);
  const sims = await start(clock, servicenow);
  try {
    await body({ knex, clock, sims, url: sims.urls.servicenow });
  } finally {
    await sims.close();
  }
}

/** The running ServiceNow simulator, whose quirks a test may switch. */
export function instance(sims: Sims): ServiceNowSimulator {
  return sims.simulators.servicenow as ServiceNowSimulator;
}

export const BASIC = {
  username: 'itops.integration',
  password: 'sn-demo-4f7c1a',
};
export const OAUTH = {
  clientId: 'itops-backstage',
  clientSecret: 'itops-secret',
  username: 'itops.integration',
  password: 'sn-demo-4f7c1a',
};

/**
 * The module's source for the simulator. Waits pass on the simulator's
 * clock instead of in real time, so a Retry-After of a minute takes none.
 */
export function source(
  url: string,
  clock: FixedClock,
  auth: object = BASIC,
  extra: object = {},
  deps: Partial<ServiceNowSourceDependencies> = {},
  name = 'demo',
): ItopsSource {
  const options = readInstanceOptions(
    name,
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
    ...deps,
  });
}

export function engineFor(knex: Knex, src: ItopsSource): SyncEngine {
  return SyncEngine.create({
    knex,
    sources: [src],
    scheduler: mockServices.scheduler.mock(),
    config: new ConfigReader({}),
    logger: mockServices.logger.mock(),
  });
}

/** The catalog's teams and services, as examples/*.yaml annotate them. */
export const ENTITIES = [
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

/** Who reads: `admin` sees every row, the integration user what its ACLs let it. */
export type Reader = 'admin' | 'integration';

const CREDENTIALS: Record<Reader, string> = {
  admin: 'admin:admin',
  integration: 'itops.integration:sn-demo-4f7c1a',
};

async function snFetch(url: string, path: string, as: Reader) {
  const response = await fetch(`${url}${path}`, {
    headers: {
      accept: 'application/json',
      authorization: `Basic ${Buffer.from(CREDENTIALS[as]).toString('base64')}`,
    },
  });
  expect(response.status).toBe(200);
  return response;
}

export async function snGet(
  url: string,
  path: string,
  as: Reader = 'admin',
): Promise<any> {
  return (await snFetch(url, path, as)).json();
}

/** Every row of a query as `as` may read it, following the Link header. */
export async function snTable(
  url: string,
  table: string,
  fields: string[],
  query = '',
  as: Reader = 'admin',
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
    const response = await snFetch(
      url,
      `/api/now/table/${table}?${params}`,
      as,
    );
    rows.push(...(await response.json()).result);
    if (!/rel="next"/.test(response.headers.get('link') ?? '')) {
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

export async function expectedIncidents(url: string, as: Reader = 'admin') {
  const rows = await snTable(
    url,
    'incident',
    [
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
      'category',
      'subcategory',
    ],
    '',
    as,
  );
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
      // A column hidden from the reader is left out of its rows: unknown.
      category: r.category === undefined ? null : r.category,
      subcategory: r.subcategory === undefined ? null : r.subcategory,
      keys: keysOf(r),
    }))
    .sort(byExternalId);
}

export async function expectedChanges(url: string, as: Reader = 'admin') {
  const rows = await snTable(
    url,
    'change_request',
    [
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
      'opened_at',
      'category',
      'requested_by',
      'assigned_to',
    ],
    '',
    as,
  );
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
      openedAt: iso(r.opened_at),
      // A column hidden from the reader is left out of its rows: unknown.
      category: r.category === undefined ? null : r.category,
      requestedBy: r.requested_by || null,
      implementedBy: r.assigned_to || null,
      keys: keysOf(r),
    }))
    .sort(byExternalId);
}

// ---- What the store holds ------------------------------------------------

export const ms = (value: unknown) =>
  value === null || value === undefined
    ? null
    : new Date(Number(value)).toISOString();

export async function storedKeys(
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

export async function storedIncidents(knex: Knex) {
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
      category: r.category,
      subcategory: r.subcategory,
      keys: (keys.get(String(r.id)) ?? []).sort(),
    }))
    .sort(byExternalId);
}

export async function storedChanges(knex: Knex) {
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
      openedAt: ms(r.opened_at),
      category: r.category,
      requestedBy: r.requested_by,
      implementedBy: r.implemented_by,
      keys: (keys.get(String(r.id)) ?? []).sort(),
    }))
    .sort(byExternalId);
}

export function byExternalId(
  a: { externalId: string },
  b: { externalId: string },
) {
  return a.externalId < b.externalId ? -1 : 1;
}

export async function expectIncidentsMatch(
  knex: Knex,
  url: string,
  as: Reader = 'admin',
) {
  const expected = await expectedIncidents(url, as);
  expect(expected.length).toBeGreaterThan(100);
  expect(await storedIncidents(knex)).toEqual(expected);
}

export async function expectChangesMatch(
  knex: Knex,
  url: string,
  as: Reader = 'admin',
) {
  const expected = await expectedChanges(url, as);
  expect(expected.length).toBeGreaterThan(50);
  expect(await storedChanges(knex)).toEqual(expected);
}

export async function setUp(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  await migrateItopsDatabase(knex);
  await replaceEntityMappingIfChanged(knex, computeEntityMapping(ENTITIES));
  return knex;
}

// ---- On-call ---------------------------------------------------------------

/**
 * For every mapped group and escalation level, the stored shift covering
 * now names whom `whoisoncall` names, and ends exactly where `whoisoncall`
 * starts naming someone else.
 */
export async function expectOnCallMatches(
  knex: Knex,
  url: string,
  clock: FixedClock,
) {
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

/** Who holds each lane (`group|order`) of the instance's groups at an instant. */
export async function whoIsOnCall(url: string, at: number) {
  const groups = await snTable(url, 'sys_user_group', ['sys_id']);
  const params = new URLSearchParams({
    group_ids: groups.map(g => g.sys_id).join(','),
    date_time: new Date(at).toISOString().slice(0, 19).replace('T', ' '),
  });
  const body = await snGet(url, `/api/now/on_call_rota/whoisoncall?${params}`);
  return new Map<string, string>(
    (
      body.result as Array<{ group: string; order: number; userId: string }>
    ).map(e => [`${e.group}|${e.order}`, e.userId]),
  );
}

/**
 * Every stored shift starts exactly where its person takes the lane over
 * and ends exactly where someone else does, as whoisoncall answers: edges
 * from the rota, not from the search window.
 */
export async function expectShiftEdgesReal(knex: Knex, url: string) {
  const groups = await snTable(url, 'sys_user_group', ['sys_id', 'name']);
  const users = await snTable(url, 'sys_user', ['sys_id', 'name']);
  const groupId = new Map(groups.map(g => [g.name, g.sys_id]));
  const userName = new Map(users.map(u => [u.sys_id, u.name]));
  const shifts = await knex('itops_oncall_shifts');
  expect(shifts.length).toBeGreaterThan(0);
  const holder = async (at: number, lane: string) =>
    userName.get((await whoIsOnCall(url, at)).get(lane) ?? '');
  for (const shift of shifts) {
    const lane = `${groupId.get(shift.group_name)}|${shift.escalation_level}`;
    const from = Number(shift.start_at);
    const to = Number(shift.end_at);
    expect([
      await holder(from - 60_000, lane),
      await holder(from, lane),
      await holder(to - 60_000, lane),
      await holder(to, lane),
    ]).toEqual([
      expect.not.stringMatching(`^${shift.person_name}$`),
      shift.person_name,
      shift.person_name,
      expect.not.stringMatching(`^${shift.person_name}$`),
    ]);
  }
}
