import type { Knex } from 'knex';
import { ENTITY_RECORDS } from '../database/entityRecordLinks';
import {
  backupJobTable,
  backupRunTable,
  changeTable,
  freezeWindowTable,
  incidentTable,
  onCallTable,
} from '../database/recordTables';
import { fromDbNumber } from '../database/time';
import { DAY_MS } from './model';
import { FACTS_TABLE } from './entityFacts';
import type { BackupData } from './rules/backupRules';
import type { ChangeData } from './rules/changeRules';
import type { IncidentData } from './rules/incidentRules';
import type { OnCallData } from './rules/oncallRules';
import type {
  BackupJobRow,
  BackupRunRow,
  ChangeRow,
  FreezeRow,
  IncidentRow,
  ShiftRow,
} from './rules/rows';

/*
 * Set-based reads for the checks: one query per data set for all evaluated
 * entities at once (or for one entity), over the materialised record →
 * entity links, windowed on their indexed times. Runs link to jobs as in
 * RUN_OF_JOB (src/read/backups.ts). Rows are grouped per
 * entity in memory; only the windows' records are read.
 */

/** Which entities a run covers: all evaluated ones, or one. */
export interface LoadScope {
  entityRef?: string;
}

/** Links (`er`) of one record kind for the scope's entities. */
function links(knex: Knex, kind: string, scope: LoadScope) {
  const query = knex(`${ENTITY_RECORDS} as er`).where('er.record_table', kind);
  return scope.entityRef
    ? query.where('er.entity_ref', scope.entityRef)
    : query.join(`${FACTS_TABLE} as ce`, 'ce.entity_ref', 'er.entity_ref');
}

function num(value: unknown): number | undefined {
  return fromDbNumber(value);
}

function str(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function bool(value: unknown): boolean | undefined {
  return value === null || value === undefined ? undefined : Boolean(value);
}

function group<T>(
  rows: Array<{ entityRef: string; row: T }>,
): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const { entityRef, row } of rows) {
    const list = map.get(entityRef);
    if (list) list.push(row);
    else map.set(entityRef, [row]);
  }
  return map;
}

function incidentRow(r: Record<string, unknown>): IncidentRow {
  return {
    number: String(r.number),
    url: str(r.url),
    priority: Number(r.priority),
    state: String(r.state),
    openedAt: Number(r.opened_at),
    acknowledgedAt: num(r.acknowledged_at),
    resolvedAt: num(r.resolved_at),
    assignmentGroup: str(r.assignment_group),
    assignedAt: num(r.assigned_at),
    reviewReference: str(r.review_reference),
    reviewCompleted: bool(r.review_completed),
    reviewCompletedAt: num(r.review_completed_at),
    reviewHasRootCause: Number(r.review_has_root_cause) === 1,
    reviewRootCauseUnknown: bool(r.review_root_cause_unknown) === true,
    major: Boolean(r.major),
    security: Boolean(r.security),
    personalDataBreach: Boolean(r.personal_data_breach),
    breachAwareAt: num(r.breach_aware_at),
    authorityNotifiedAt: num(r.authority_notified_at),
    notificationDelayReason: str(r.notification_delay_reason),
    slaMet: bool(r.sla_met),
    category: str(r.category),
    subcategory: str(r.subcategory),
  };
}

/*
 * Whether the linked review carries a root cause, computed in SQL so the
 * cause text itself (which can be long) is not read for every incident.
 */
const REVIEW_HAS_ROOT_CAUSE =
  "CASE WHEN i.review_reference IS NOT NULL AND TRIM(COALESCE(i.review_root_cause, '')) <> '' THEN 1 ELSE 0 END as review_has_root_cause";

const INCIDENT_COLUMNS = [
  'i.number',
  'i.url',
  'i.priority',
  'i.state',
  'i.opened_at',
  'i.acknowledged_at',
  'i.resolved_at',
  'i.assignment_group',
  'i.assigned_at',
  'i.review_reference',
  'i.review_completed',
  'i.review_completed_at',
  'i.review_root_cause_unknown',
  'i.major',
  'i.security',
  'i.personal_data_breach',
  'i.breach_aware_at',
  'i.authority_notified_at',
  'i.notification_delay_reason',
  'i.sla_met',
  'i.category',
  'i.subcategory',
];

export async function loadIncidents(
  knex: Knex,
  scope: LoadScope,
  now: number,
  windows: { incidentDays: number; breachDays: number },
): Promise<Map<string, IncidentData>> {
  const from = now - windows.incidentDays * DAY_MS;
  const breachFrom = now - windows.breachDays * DAY_MS;
  const [recent, breaches] = await Promise.all([
    links(knex, incidentTable.kind, scope)
      .where('er.sort_at', '>=', from)
      .join(`${incidentTable.table} as i`, 'i.id', 'er.record_id')
      .select(
        'er.entity_ref',
        ...INCIDENT_COLUMNS,
        knex.raw(REVIEW_HAS_ROOT_CAUSE),
      ),
    links(knex, incidentTable.kind, scope)
      .join(`${incidentTable.table} as i`, 'i.id', 'er.record_id')
      .where('i.personal_data_breach', true)
      .where(q =>
        q
          .whereNull('i.authority_notified_at')
          .orWhereRaw('coalesce(i.breach_aware_at, i.opened_at) >= ?', [
            breachFrom,
          ]),
      )
      .select(
        'er.entity_ref',
        ...INCIDENT_COLUMNS,
        knex.raw(REVIEW_HAS_ROOT_CAUSE),
      ),
  ]);
  const byEntity = group(
    recent.map(r => ({ entityRef: String(r.entity_ref), row: incidentRow(r) })),
  );
  const breachesByEntity = group(
    breaches.map(r => ({
      entityRef: String(r.entity_ref),
      row: incidentRow(r),
    })),
  );
  const result = new Map<string, IncidentData>();
  for (const ref of new Set([...byEntity.keys(), ...breachesByEntity.keys()])) {
    result.set(ref, {
      incidents: byEntity.get(ref) ?? [],
      breaches: breachesByEntity.get(ref) ?? [],
    });
  }
  return result;
}

function changeRow(r: Record<string, unknown>): ChangeRow {
  return {
    number: String(r.number),
    url: str(r.url),
    type: String(r.type),
    state: String(r.state),
    plannedStart: num(r.planned_start),
    plannedEnd: num(r.planned_end),
    actualStart: num(r.actual_start),
    actualEnd: num(r.actual_end),
    approval: str(r.approval),
    approvedAt: num(r.approved_at),
    outcome: str(r.outcome),
    openedAt: num(r.opened_at),
    category: str(r.category),
    requestedBy: str(r.requested_by),
    implementedBy: str(r.implemented_by),
  };
}

function freezeRow(r: Record<string, unknown>): FreezeRow {
  return {
    name: String(r.name),
    url: str(r.url),
    start: Number(r.start_at),
    end: Number(r.end_at),
  };
}

export async function loadChanges(
  knex: Knex,
  scope: LoadScope,
  now: number,
  windowDays: number,
): Promise<{ byEntity: Map<string, ChangeData>; globalFreezes: FreezeRow[] }> {
  const from = now - windowDays * DAY_MS;
  const [changes, mappedFreezes, globalFreezes] = await Promise.all([
    links(knex, changeTable.kind, scope)
      .where(q =>
        q.where('er.end_at', '>=', from).orWhere('er.sort_at', '>=', from),
      )
      .where('er.sort_at', '<', now)
      .join(`${changeTable.table} as c`, 'c.id', 'er.record_id')
      .select(
        'er.entity_ref',
        'c.number',
        'c.url',
        'c.type',
        'c.state',
        'c.planned_start',
        'c.planned_end',
        'c.actual_start',
        'c.actual_end',
        'c.approval',
        'c.approved_at',
        'c.outcome',
        'c.opened_at',
        'c.category',
        'c.requested_by',
        'c.implemented_by',
      ),
    links(knex, freezeWindowTable.kind, scope)
      .join(`${freezeWindowTable.table} as f`, 'f.id', 'er.record_id')
      .where('f.end_at', '>', from)
      .where('f.start_at', '<', now)
      .select('er.entity_ref', 'f.name', 'f.url', 'f.start_at', 'f.end_at'),
    // Windows without mapping keys apply to every entity.
    knex(`${freezeWindowTable.table} as f`)
      .where('f.end_at', '>', from)
      .where('f.start_at', '<', now)
      .whereNotExists(
        knex('itops_record_keys as rk')
          .where('rk.record_table', freezeWindowTable.kind)
          .whereRaw('rk.record_id = f.id')
          .select(knex.raw('1')),
      )
      .select('f.name', 'f.url', 'f.start_at', 'f.end_at'),
  ]);
  const changesByEntity = group(
    changes.map(r => ({ entityRef: String(r.entity_ref), row: changeRow(r) })),
  );
  const freezesByEntity = group(
    mappedFreezes.map(r => ({
      entityRef: String(r.entity_ref),
      row: freezeRow(r),
    })),
  );
  const global = globalFreezes.map(freezeRow);
  const byEntity = new Map<string, ChangeData>();
  for (const ref of new Set([
    ...changesByEntity.keys(),
    ...freezesByEntity.keys(),
  ])) {
    byEntity.set(ref, {
      changes: changesByEntity.get(ref) ?? [],
      freezes: [...global, ...(freezesByEntity.get(ref) ?? [])],
    });
  }
  return { byEntity, globalFreezes: global };
}

function shiftRow(r: Record<string, unknown>): ShiftRow {
  return {
    scheduleName: String(r.schedule_name),
    personName: String(r.person_name),
    start: Number(r.start_at),
    end: Number(r.end_at),
    escalationLevel: Number(r.escalation_level),
    url: str(r.url),
  };
}

const SHIFT_COLUMNS = [
  's.schedule_name',
  's.person_name',
  's.start_at',
  's.end_at',
  's.escalation_level',
  's.url',
];

/** Owner refs per query: far below the bound-variable limits. */
const REFS_PER_QUERY = 500;

/**
 * On-call shifts per entity. A service without a rota of its own is
 * covered by its owning team's, as the entity page shows it: those
 * entities get the owner's shifts, marked with `viaOwnerRef`.
 */
export async function loadOnCall(
  knex: Knex,
  scope: LoadScope,
  from: number,
  to: number,
  entities: ReadonlyArray<{ entityRef: string; ownerRef?: string }>,
): Promise<Map<string, OnCallData>> {
  const own = group<ShiftRow>(
    (
      await links(knex, onCallTable.kind, scope)
        .join(`${onCallTable.table} as s`, 's.id', 'er.record_id')
        .where('s.end_at', '>', from)
        .where('s.start_at', '<', to)
        .select('er.entity_ref', ...SHIFT_COLUMNS)
    ).map(r => ({ entityRef: String(r.entity_ref), row: shiftRow(r) })),
  );
  const owners = [
    ...new Set(
      entities
        .filter(e => !own.has(e.entityRef) && e.ownerRef)
        .map(e => e.ownerRef!),
    ),
  ];
  // Facts keep owner refs in lower case; the links keep the catalog's case.
  const ownerShifts = new Map<string, ShiftRow[]>();
  for (let i = 0; i < owners.length; i += REFS_PER_QUERY) {
    const rows = await knex(`${ENTITY_RECORDS} as er`)
      .where('er.record_table', onCallTable.kind)
      .whereIn(
        knex.raw('lower(er.entity_ref)') as any,
        owners.slice(i, i + REFS_PER_QUERY),
      )
      .join(`${onCallTable.table} as s`, 's.id', 'er.record_id')
      .where('s.end_at', '>', from)
      .where('s.start_at', '<', to)
      .select('er.entity_ref', ...SHIFT_COLUMNS);
    for (const r of rows) {
      const ref = String(r.entity_ref).toLocaleLowerCase('en-US');
      ownerShifts.set(ref, [...(ownerShifts.get(ref) ?? []), shiftRow(r)]);
    }
  }
  const result = new Map<string, OnCallData>();
  for (const entity of entities) {
    const shifts = own.get(entity.entityRef);
    if (shifts) {
      result.set(entity.entityRef, { shifts });
    } else if (entity.ownerRef && ownerShifts.has(entity.ownerRef)) {
      result.set(entity.entityRef, {
        shifts: ownerShifts.get(entity.ownerRef)!,
        viaOwnerRef: entity.ownerRef,
      });
    }
  }
  return result;
}

const RUN_COLUMNS = [
  'r.id',
  'r.external_id',
  'r.job_name',
  'r.url',
  'r.kind',
  'r.result',
  'r.started_at',
  'r.ended_at',
];

function runRow(r: Record<string, unknown>): BackupRunRow {
  return {
    externalId: String(r.external_id),
    jobName: String(r.job_name),
    url: str(r.url),
    kind: String(r.kind),
    result: String(r.result),
    startedAt: Number(r.started_at),
    endedAt: num(r.ended_at),
  };
}

/** Job ids or names per query: far below the bound-variable limits. */
const JOBS_PER_QUERY = 500;

function keys(map: Map<string, unknown>): string[][] {
  return [...map.keys()].map(k => JSON.parse(k) as string[]);
}

/** How far back restore tests are looked for: beyond every BKP-04 interval. */
export const RESTORE_TEST_LOOKBACK_DAYS = 400;

export async function loadBackups(
  knex: Knex,
  scope: LoadScope,
  now: number,
  runWindowDays: number,
): Promise<Map<string, BackupData>> {
  const runFrom = now - runWindowDays * DAY_MS;
  const testFrom = now - RESTORE_TEST_LOOKBACK_DAYS * DAY_MS;
  const windowFilter = (q: Knex.QueryBuilder) =>
    q.where(w =>
      w
        .where(b =>
          b.where('r.kind', 'backup').where('r.started_at', '>=', runFrom),
        )
        .orWhere(b =>
          b
            .where('r.kind', 'restore-test')
            .where('r.started_at', '>=', testFrom),
        ),
    );
  // The newest success may predate the run window (it is looked for as far
  // back as restore tests); only its time is needed.
  const successFilter = (q: Knex.QueryBuilder) =>
    q
      .where('r.started_at', '>=', testFrom)
      .where('r.kind', 'backup')
      .where('r.result', 'success');
  const lastSuccessSql = knex.raw(
    'max(coalesce(r.ended_at, r.started_at)) as last_success',
  );

  const jobRows = await links(knex, backupJobTable.kind, scope)
    .join(`${backupJobTable.table} as j`, 'j.id', 'er.record_id')
    .select(
      'er.entity_ref',
      'j.source_type',
      'j.source_instance',
      'j.external_id',
      'j.name',
      'j.url',
      'j.objects',
      'j.enabled',
    );

  // Runs mapped to an entity themselves.
  const [directRuns, directSuccesses] = await Promise.all([
    links(knex, backupRunTable.kind, scope)
      .join(`${backupRunTable.table} as r`, 'r.id', 'er.record_id')
      .modify(windowFilter)
      .select('er.entity_ref', ...RUN_COLUMNS),
    links(knex, backupRunTable.kind, scope)
      .join(`${backupRunTable.table} as r`, 'r.id', 'er.record_id')
      .modify(successFilter)
      .groupBy('er.entity_ref', 'r.job_name')
      .select('er.entity_ref', 'r.job_name', lastSuccessSql),
  ]);
  const runs: Array<Record<string, unknown>> = [...directRuns];
  const successes: Array<Record<string, unknown>> = [...directSuccesses];

  // Runs of the entities' jobs (RUN_OF_JOB in src/read/backups.ts): by the
  // job's external id, or by name for runs without one. The jobs' keys are
  // sent as explicit lists so the lookups stay on the runs' job indexes
  // whatever the planner's statistics say (a join from freshly bulk-loaded
  // tables was planned as a scan of all runs per job).
  for (const by of ['job_external_id', 'job_name'] as const) {
    const entitiesOf = new Map<string, string[]>();
    // Runs are judged per job (BKP-02, BKP-03) under the job's own name.
    const jobNameOf = new Map<string, string>();
    for (const job of jobRows) {
      const value = by === 'job_external_id' ? job.external_id : job.name;
      const key = JSON.stringify([job.source_type, job.source_instance, value]);
      entitiesOf.set(key, [
        ...(entitiesOf.get(key) ?? []),
        String(job.entity_ref),
      ]);
      jobNameOf.set(key, String(job.name));
    }
    // One column in the list keeps it an index range on both databases (a
    // list of (source, id) tuples was a scan per chunk on SQLite); the
    // source is matched on the way back.
    const values = [...new Set(keys(entitiesOf).map(k => k[2]))];
    const columns = ['r.source_type', 'r.source_instance', `r.${by}`];
    for (let i = 0; i < values.length; i += JOBS_PER_QUERY) {
      const chunk = values.slice(i, i + JOBS_PER_QUERY);
      const base = () =>
        knex(`${backupRunTable.table} as r`)
          .whereIn(`r.${by}`, chunk)
          .modify(q =>
            by === 'job_name' ? q.whereNull('r.job_external_id') : q,
          );
      const [chunkRuns, chunkSuccesses] = await Promise.all([
        base()
          .modify(windowFilter)
          .select(...RUN_COLUMNS, ...columns),
        base()
          .modify(successFilter)
          .groupBy(...columns)
          .select(...columns, lastSuccessSql),
      ]);
      const keyOf = (row: Record<string, unknown>) =>
        JSON.stringify([row.source_type, row.source_instance, row[by]]);
      const refsOf = (row: Record<string, unknown>) =>
        entitiesOf.get(keyOf(row)) ?? [];
      for (const row of chunkRuns) {
        const jobName = jobNameOf.get(keyOf(row)) ?? row.job_name;
        for (const ref of refsOf(row)) {
          runs.push({ ...row, job_name: jobName, entity_ref: ref });
        }
      }
      for (const row of chunkSuccesses) {
        const jobName = jobNameOf.get(keyOf(row));
        for (const ref of refsOf(row))
          successes.push({ ...row, job_name: jobName, entity_ref: ref });
      }
    }
  }
  const jobs = jobRows;

  const result = new Map<string, BackupData>();
  const dataOf = (ref: string) => {
    let data = result.get(ref);
    if (!data) {
      data = {
        jobs: [],
        recentRuns: [],
        lastFinishedRuns: [],
        lastSuccessByJob: {},
      };
      result.set(ref, data);
    }
    return data;
  };
  for (const r of jobs) {
    const job: BackupJobRow = {
      name: String(r.name),
      url: str(r.url),
      objects: typeof r.objects === 'string' ? JSON.parse(r.objects) : [],
      enabled: bool(r.enabled),
    };
    dataOf(String(r.entity_ref)).jobs.push(job);
  }
  const seen = new Set<string>();
  const sorted = [...runs].sort(
    (a, b) => Number(b.started_at) - Number(a.started_at),
  );
  for (const r of sorted) {
    const ref = String(r.entity_ref);
    const key = `${ref}\u0000${r.id}`;
    if (seen.has(key)) continue; // a run mapped both directly and via its job
    seen.add(key);
    const run = runRow(r);
    const data = dataOf(ref);
    if (run.kind === 'restore-test') {
      if (run.result === 'running') continue;
      data.lastRestoreTest ??= run;
      if (run.result === 'success') data.lastSuccessfulRestoreTest ??= run;
      continue;
    }
    data.recentRuns.push(run);
    if (run.result !== 'running' && data.lastFinishedRuns.length < 3) {
      data.lastFinishedRuns.push(run);
    }
    if (run.result === 'success') data.lastSuccessByJob[run.jobName] ??= run;
  }
  for (const r of successes) {
    const data = dataOf(String(r.entity_ref));
    const jobName = String(r.job_name);
    const at = Number(r.last_success);
    const newest = data.lastSuccessByJob[jobName];
    const known = newest?.endedAt ?? newest?.startedAt;
    if (known === undefined || at > known) {
      data.lastSuccessByJob[jobName] = {
        externalId: 'older',
        jobName,
        kind: 'backup',
        result: 'success',
        startedAt: at,
        endedAt: at,
      };
    }
  }
  return result;
}

/**
 * Entities whose CMDB link matched at least one synced incident or change
 * (INV-02): one index probe per entity rather than counting every link.
 */
export async function loadLinkedEntities(
  knex: Knex,
  scope: LoadScope,
): Promise<Set<string>> {
  const rows = await knex(`${FACTS_TABLE} as ce`)
    .modify(q =>
      scope.entityRef ? q.where('ce.entity_ref', scope.entityRef) : q,
    )
    .whereExists(
      knex(`${ENTITY_RECORDS} as er`)
        .whereRaw('er.entity_ref = ce.entity_ref')
        .whereIn('er.record_table', [incidentTable.kind, changeTable.kind])
        .select(knex.raw('1')),
    )
    .select('ce.entity_ref');
  return new Set(
    rows.map((r: Record<string, unknown>) => String(r.entity_ref)),
  );
}

/**
 * When the full evaluations (scope `all`) were taken in the window, and the
 * newest one before it, for GOV-01. Incremental full runs count: they judge
 * every check of every entity as well.
 */
export async function loadFullSnapshotTimes(
  knex: Knex,
  now: number,
  windowDays: number,
): Promise<number[]> {
  const from = now - windowDays * DAY_MS;
  const [inWindow, before] = await Promise.all([
    knex('itops_compliance_snapshots')
      .where('scope', 'all')
      .where('taken_at', '>=', from)
      .where('taken_at', '<', now)
      .orderBy('taken_at')
      .select('taken_at'),
    knex('itops_compliance_snapshots')
      .where('scope', 'all')
      .where('taken_at', '<', from)
      .orderBy('taken_at', 'desc')
      .first('taken_at'),
  ]);
  return [...(before ? [before] : []), ...inWindow].map(r =>
    Number(r.taken_at),
  );
}
