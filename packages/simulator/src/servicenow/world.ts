import { Random } from '../world/random';
import { changeRow, changeTaskRows, type ChangeType } from './changes';
import { DAY, HOUR, MINUTE, parseSnDateTime, startOfUtcDay } from './format';
import { incidentRow, type IncidentSpec } from './incidents';
import { OnCall } from './oncall';
import { taskNumber } from './records';
import { type Freeze, freezes, inFreeze, scheduleRows } from './schedules';
import { ArrayTable, Database, type SnRow, type SnTable } from './store';
import { buildOrgRecords, type Target } from './world-org';

/** What live mode and the shifting-record fault need besides the tables. */
export interface WorldContext {
  db: Database;
  freezes: Freeze[];
  onCall: OnCall;
  incidents: IncidentTable;
  /** Change requests live mode moves through their windows (none in scale mode). */
  liveChanges: SnRow[];
  targets: Target[];
  callers: string[];
  nextIncidentNumber: () => number;
}

/** The incident table as live mode and faults change it. */
export interface IncidentTable {
  add(row: SnRow): void;
  /** Records that `row` changed, so that it moves where its new sys_updated_on sorts. */
  touched(row: SnRow): void;
  /** Incidents live mode may update. */
  mutable(): SnRow[];
  /** Adds a row that sorts before every other one. */
  addFirst(row: SnRow): void;
  earliestUpdate(): string | undefined;
}

const DEMO_HISTORY_DAYS = 90;

type IncidentPlan = Pick<
  IncidentSpec,
  'openedAt' | 'target' | 'causedBy' | 'pace'
>;
const UPCOMING_DAYS = 30;

/** The demo world: the org's people and services with 90 days of history. */
export function buildDemoWorld(seed: number, now: Date): WorldContext {
  const org = buildOrgRecords(now);
  const random = Random.derive(seed, 'servicenow', 'demo');
  const callers = org.users.map(u => u.sys_id);
  const freezeList = freezes(now);
  const today = startOfUtcDay(now).getTime();

  const changes: SnRow[] = [];
  const tasks: SnRow[] = [];
  let taskCounter = 10000;
  const plannedChanges: Array<{
    start: Date;
    type: ChangeType;
    target: Target;
  }> = [];
  for (let day = -DEMO_HISTORY_DAYS; day <= UPCOMING_DAYS; day++) {
    const date = new Date(today + day * DAY);
    const weekday = date.getUTCDay();
    // A weekly rhythm: most changes Tuesday to Thursday, few at weekends.
    const perDay = [
      random.int(0, 1),
      random.int(1, 3),
      random.int(2, 5),
      random.int(2, 5),
      random.int(2, 4),
      random.int(0, 2),
      random.int(0, 1),
    ][weekday];
    for (let i = 0; i < perDay; i++) {
      const type: ChangeType =
        weekday === 0 || weekday === 6
          ? 'standard'
          : random.weighted([
              ['standard', 55],
              ['normal', 35],
              ['emergency', 10],
            ] as const);
      const hour = plannedHour(type, random);
      const start = new Date(
        date.getTime() + hour * HOUR + random.int(0, 3) * 15 * MINUTE,
      );
      if (inFreeze(freezeList, start) && type !== 'emergency') {
        continue;
      }
      plannedChanges.push({
        start,
        type,
        target: random.weighted(org.targets.map(t => [t, t.weight] as const)),
      });
    }
  }
  plannedChanges.push(...collisions(freezeList[1], org.targets));
  plannedChanges.forEach((planned, i) => {
    const row = changeRow({
      random: Random.derive(seed, 'servicenow', 'change', i),
      sysId: random.hex32(),
      number: taskNumber('CHG', 30001 + i),
      type: planned.type,
      plannedStart: planned.start,
      asOf: now,
      target: planned.target,
    });
    changes.push(row);
    if (planned.type !== 'standard') {
      tasks.push(...changeTaskRows(row, random, () => ++taskCounter));
    }
  });

  // Incidents: a steady trickle, busier on weekdays, plus fallout of failed changes.
  const specs: IncidentPlan[] = [];
  for (let day = -DEMO_HISTORY_DAYS; day <= 0; day++) {
    const date = today + day * DAY;
    const weekday = new Date(date).getUTCDay();
    const count =
      weekday === 0 || weekday === 6 ? random.int(1, 4) : random.int(4, 9);
    for (let i = 0; i < count; i++) {
      const openedAt = new Date(date + random.int(0, DAY / 1000 - 1) * 1000);
      if (openedAt < now) {
        specs.push({
          openedAt,
          target: random.weighted(org.targets.map(t => [t, t.weight] as const)),
        });
      }
    }
  }
  for (const change of changes) {
    if (change.close_code === 'unsuccessful') {
      const openedAt = new Date(
        parseSnDateTime(change.work_end)!.getTime() +
          random.int(5, 90) * MINUTE,
      );
      const target = org.targets.find(
        t =>
          t.groupSysId === change.assignment_group &&
          t.serviceSysId === change.business_service &&
          t.ciSysId === change.cmdb_ci,
      )!;
      if (openedAt < now) {
        specs.push({
          openedAt,
          target,
          causedBy: { sysId: change.sys_id, number: change.number },
        });
      }
    }
  }
  specs.push(...currentWork(org.targets, now));
  specs.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  let incidentCounter = 10000;
  const incidents = specs.map((spec, i) =>
    incidentRow({
      random: Random.derive(seed, 'servicenow', 'incident', i),
      sysId: random.hex32(),
      number: taskNumber('INC', ++incidentCounter),
      openedAt: spec.openedAt,
      asOf: now,
      target: spec.target,
      callerSysId: random.pick(callers),
      causedBy: spec.causedBy,
      pace: spec.pace,
    }),
  );
  const problems = problemsFor(incidents, random, now);
  linkFixes(incidents, changes);

  const incidentTable = new ArrayTable('incident', incidents);
  const { db, onCall } = buildDatabase({
    now,
    freezes: freezeList,
    users: org.users,
    groups: org.groups,
    members: org.members,
    services: org.services,
    cis: org.cis,
    incidents: incidentTable,
    problems: new ArrayTable('problem', problems),
    changes: new ArrayTable('change_request', changes),
    changeTasks: new ArrayTable('change_task', tasks),
  });
  return {
    db,
    freezes: freezeList,
    onCall,
    targets: org.targets,
    callers,
    nextIncidentNumber: () => ++incidentCounter,
    liveChanges: changes,
    incidents: {
      add: row => incidentTable.insert(row),
      touched: () => {},
      mutable: () => incidentTable.rows().filter(r => r.active === 'true'),
      addFirst: row => incidentTable.insert(row, { first: true }),
      earliestUpdate: () =>
        incidentTable
          .rows()
          .reduce<string | undefined>(
            (min, r) =>
              min === undefined || r.sys_updated_on < min
                ? r.sys_updated_on
                : min,
            undefined,
          ),
    },
  };
}

/**
 * Open work the dashboards always have to show, whatever the seed: one
 * incident waiting in a queue, one being worked on, one on hold.
 */
/** The tables that differ between the demo and the scale world. */
export interface WorldTables {
  now: Date;
  freezes: Freeze[];
  users: SnRow[];
  groups: SnRow[];
  members: SnRow[];
  services: SnRow[];
  cis: SnRow[];
  incidents: SnTable;
  problems: SnTable;
  changes: SnTable;
  changeTasks: SnTable;
}

/**
 * Registers every table a ServiceNow world serves, so the demo and the scale
 * world expose the same tables; schedules and on-call derive from `now`.
 */
export function buildDatabase(tables: WorldTables): {
  db: Database;
  onCall: OnCall;
} {
  const { schedules, spans } = scheduleRows(tables.freezes, tables.now);
  const onCall = new OnCall(tables.now);
  const db = new Database();
  for (const table of [
    new ArrayTable('sys_user', tables.users),
    new ArrayTable('sys_user_group', tables.groups),
    new ArrayTable('sys_user_grmember', tables.members),
    new ArrayTable('cmdb_ci_service', tables.services),
    new ArrayTable('cmdb_ci', [...tables.services, ...tables.cis]),
    tables.incidents,
    tables.problems,
    tables.changes,
    tables.changeTasks,
    // Tables extending others hold their rows in the parent too, as
    // ServiceNow answers a parent table with its children's rows.
    new ArrayTable('cmn_schedule', [...schedules, ...onCall.schedules]),
    new ArrayTable('cmn_schedule_blackout', schedules),
    new ArrayTable('cmn_schedule_span', [
      ...spans,
      ...onCall.coverageSpans,
      ...onCall.rosterSpans,
    ]),
    new ArrayTable('roster_schedule_span', onCall.rosterSpans),
    new ArrayTable('cmn_rota', onCall.rotas),
    new ArrayTable('cmn_rota_roster', onCall.rosters),
    new ArrayTable('cmn_rota_member', onCall.members),
    new ArrayTable('sys_audit_delete'),
  ]) {
    db.add(table);
  }
  return { db, onCall };
}

function currentWork(targets: readonly Target[], now: Date): IncidentPlan[] {
  const opened = (hoursAgo: number) =>
    new Date(now.getTime() - hoursAgo * HOUR);
  const pick = (i: number) => targets[i % targets.length];
  return [
    {
      openedAt: opened(1),
      target: pick(0),
      pace: { assignAfterMs: 3 * HOUR, resolveAfterMs: 2 * DAY, onHold: false },
    },
    {
      openedAt: opened(5),
      target: pick(3),
      pace: {
        assignAfterMs: 20 * MINUTE,
        resolveAfterMs: 3 * DAY,
        onHold: false,
      },
    },
    {
      openedAt: opened(30),
      target: pick(6),
      pace: { assignAfterMs: HOUR, resolveAfterMs: 6 * DAY, onHold: true },
    },
  ];
}

/**
 * Two deliberate clashes for conflict detection to find: a normal change
 * planned into the campaign freeze, and a standard change on the same CI
 * overlapping it.
 */
function collisions(campaign: Freeze, targets: readonly Target[]) {
  const target = targets.find(t => t.serviceSysId && t.ciSysId)!;
  const start = new Date(campaign.start.getTime() + 10 * HOUR);
  return [
    { start, type: 'normal' as const, target },
    {
      start: new Date(start.getTime() + 30 * MINUTE),
      type: 'standard' as const,
      target,
    },
  ];
}

/** Emergencies happen any time; normal changes use CAB-approved slots, often evenings. */
function plannedHour(type: ChangeType, random: Random): number {
  switch (type) {
    case 'emergency':
      return random.int(0, 23);
    case 'normal':
      return random.pick([10, 14, 19, 20, 21]);
    default:
      return random.int(7, 16);
  }
}

/**
 * An incident caused by a change names, in `rfc`, the next change planned
 * on its service after it opened: the fix raised for it. Derived, not
 * drawn, so that the rest of the seeded world stays as it was.
 */
function linkFixes(incidents: SnRow[], changes: readonly SnRow[]): void {
  const byStart = [...changes].sort((a, b) =>
    a.start_date.localeCompare(b.start_date),
  );
  for (const incident of incidents) {
    if (!incident.caused_by) {
      continue;
    }
    const fix = byStart.find(
      change =>
        change.business_service === incident.business_service &&
        change.sys_id !== incident.caused_by &&
        change.start_date > incident.opened_at,
    );
    incident.rfc = fix?.sys_id ?? '';
  }
}

/**
 * Critical and most high incidents get a problem record for their root
 * cause, which the ITOps module reads as their post-incident review
 * (compliance INC-04): the high ones left without make the check fail or
 * warn for some services.
 */
function problemsFor(incidents: SnRow[], random: Random, now: Date): SnRow[] {
  const problems: SnRow[] = [];
  for (const incident of incidents) {
    const wanted =
      incident.priority === '1' ||
      (incident.priority === '2' && random.chance(0.85));
    if (!wanted) {
      continue;
    }
    const opened = parseSnDateTime(incident.opened_at)!;
    const age = now.getTime() - opened.getTime();
    const state =
      age > 30 * DAY
        ? random.pick(['106', '107', '107'])
        : random.pick(['101', '102', '103', '104']);
    const sysId = random.hex32();
    incident.problem_id = sysId;
    problems.push({
      ...incident,
      sys_id: sysId,
      sys_class_name: 'problem',
      number: taskNumber('PRB', 40001 + problems.length),
      short_description: `Root cause of ${incident.number}: ${incident.short_description}`,
      state,
      problem_state: state,
      active: String(state !== '107'),
      known_error: String(
        state === '104' || state === '106' || state === '107',
      ),
      first_reported_by_task: incident.sys_id,
      resolved_at:
        state === '106' || state === '107'
          ? incident.closed_at || incident.resolved_at
          : '',
      closed_at: state === '107' ? incident.closed_at : '',
      workaround: '',
      // A root cause once the analysis found one (known error and later);
      // problems still in analysis have none, so their incidents show as
      // unreviewed in INC-04. Derived from the state, not drawn, so the
      // random stream (and every other generated value) stays the same.
      cause_notes:
        state === '104' || state === '106' || state === '107'
          ? `Root cause analysis of ${incident.number}: capacity limit reached under peak load`
          : '',
      fix_notes: '',
    });
  }
  return problems;
}
