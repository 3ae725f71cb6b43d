import type { Random } from '../world/random';
import { DAY, HOUR, MINUTE, snDateTime } from './format';
import { latest, systemFields } from './records';
import type { SnRow } from './store';
import type { Target } from './world-org';

/** Share of incidents per priority: mostly moderate and low, few critical. */
const PRIORITIES = [
  ['1', 2],
  ['2', 9],
  ['3', 46],
  ['4', 38],
  ['5', 5],
] as const;

/** Impact × urgency cells of the out-of-the-box priority matrix. */
const MATRIX: Record<string, Array<[string, string]>> = {
  '1': [['1', '1']],
  '2': [
    ['1', '2'],
    ['2', '1'],
  ],
  '3': [
    ['1', '3'],
    ['2', '2'],
    ['3', '1'],
  ],
  '4': [
    ['2', '3'],
    ['3', '2'],
  ],
  '5': [['3', '3']],
};

/** Median time to resolve per priority: the tail comes from the log-normal spread. */
const MEDIAN_RESOLVE: Record<string, number> = {
  '1': 3 * HOUR,
  '2': 9 * HOUR,
  '3': 30 * HOUR,
  '4': 3 * DAY,
  '5': 9 * DAY,
};

/** Median time until someone picks the incident up; low priorities wait in the queue. */
const MEDIAN_ASSIGN: Record<string, number> = {
  '1': 10 * MINUTE,
  '2': 30 * MINUTE,
  '3': 4 * HOUR,
  '4': DAY,
  '5': 2 * DAY,
};

/** Resolution SLA per priority, for `made_sla`. */
const SLA: Record<string, number> = {
  '1': 4 * HOUR,
  '2': 12 * HOUR,
  '3': 3 * DAY,
  '4': 7 * DAY,
  '5': 30 * DAY,
};

/** Resolved incidents close automatically after this long. */
const AUTO_CLOSE = 7 * DAY;

const SUMMARIES: Record<string, string[]> = {
  software: [
    'Elevated 5xx error rate on {target}',
    'Latency above SLO on {target}',
    '{target} pods restarting in a loop',
    'Memory leak suspected in {target}',
    'Deployment of {target} left old version serving traffic',
  ],
  database: [
    'Replication lag on {ci}',
    'Slow queries on {ci}',
    'Connection pool exhausted for {target}',
  ],
  hardware: ['Disk usage above 90% on {ci}', 'Host {ci} unreachable'],
  network: [
    'Packet loss between {target} and upstream',
    'TLS handshake failures on {target}',
    'DNS resolution errors for {target}',
  ],
  inquiry: [
    'User reports slowness on {target}',
    'Question about {target} maintenance window',
  ],
  security: [
    'Suspicious login attempts against {target}',
    'Vulnerability scanner finding on {ci}',
    'Leaked credential detected for {target}',
  ],
};

/** The summaries of capacity incidents (subcategory 'capacity'). */
const CAPACITY_SUMMARIES = [
  'Connection pool exhausted for {target}',
  'Disk usage above 90% on {ci}',
];

const CLOSE_CODES = [
  ['Solution provided', 70],
  ['Workaround provided', 15],
  ['Resolved by change', 7],
  ['Duplicate', 4],
  ['No resolution provided', 4],
] as const;

export interface IncidentSpec {
  random: Random;
  sysId: string;
  number: string;
  openedAt: Date;
  /** The time the record's state is computed for (the clock's now, normally). */
  asOf: Date;
  target: Target;
  callerSysId: string;
  /** A failed change this incident follows from. */
  causedBy?: { sysId: string; number: string };
  /** Fixed timing instead of drawn, for incidents the world needs in a given state. */
  pace?: { assignAfterMs: number; resolveAfterMs: number; onHold: boolean };
}

/**
 * One incident with a plausible life: priority from the impact × urgency
 * matrix, long-tailed resolution, auto-close; whatever lies after `asOf`
 * has not happened yet.
 */
export function incidentRow(spec: IncidentSpec): SnRow {
  const { random, target, openedAt, asOf } = spec;
  const opened = openedAt.getTime();
  const priority = spec.causedBy
    ? random.pick(['2', '3'])
    : random.weighted(PRIORITIES);
  const [impact, urgency] = random.pick(MATRIX[priority]);
  const category = spec.causedBy
    ? 'software'
    : random.weighted([
        ['software', 45],
        ['database', target.ciName.startsWith('pg-') ? 25 : 5],
        ['hardware', 8],
        ['network', 12],
        ['inquiry', 8],
        ['security', 3],
      ] as const);
  const template = spec.causedBy ? '' : random.pick(SUMMARIES[category]);
  const summary = spec.causedBy
    ? `Errors after change ${spec.causedBy.number} on ${target.label}`
    : template
        .replace('{target}', target.label)
        .replace('{ci}', target.ciName || target.label);
  // Exhausted pools and full disks are capacity incidents, for CAP-01:
  // 'capacity' is this simulated instance's subcategory, not a default.
  const subcategory = CAPACITY_SUMMARIES.includes(template) ? 'capacity' : '';

  const drawnAssign = random.logNormal(MEDIAN_ASSIGN[priority], 0.8);
  const drawnResolve = random.logNormal(MEDIAN_RESOLVE[priority], 1);
  const drawnCanceled = random.chance(0.03);
  const drawnHold = random.chance(0.12);
  const { pace } = spec;
  const assignedAt = opened + (pace?.assignAfterMs ?? drawnAssign);
  const resolveAfter =
    pace?.resolveAfterMs ?? Math.max(10 * MINUTE, drawnResolve);
  const canceled = !pace && drawnCanceled;
  const onHold = pace?.onHold ?? drawnHold;
  const assignee = random.pick(target.memberSysIds);
  const closeCode = random.weighted(CLOSE_CODES);
  const reassignments = random.weighted([
    ['0', 70],
    ['1', 22],
    ['2', 8],
  ] as const);

  const at = (t: number) => (t <= asOf.getTime() ? new Date(t) : undefined);
  const assigned = at(assignedAt);
  let state: string;
  let resolvedAt: Date | undefined;
  let closedAt: Date | undefined;
  if (canceled) {
    closedAt = at(opened + Math.min(resolveAfter, 2 * HOUR));
    state = closedAt ? '8' : '2';
  } else {
    resolvedAt = at(opened + resolveAfter);
    closedAt = at(opened + resolveAfter + AUTO_CLOSE);
    if (closedAt) {
      state = '7';
    } else if (resolvedAt) {
      state = '6';
    } else if (!assigned) {
      state = '1';
    } else {
      state = onHold ? '3' : '2';
    }
  }
  const updatedOn = latest(openedAt, assigned, resolvedAt, closedAt);
  const done = state === '6' || state === '7';
  const major = priority === '1' && !spec.causedBy;
  const dt = (d: Date | undefined) => (d ? snDateTime(d) : '');

  // Object.assign keeps V8 on its fast path: a spread into a large literal is ~50x slower.
  const row = Object.assign(
    systemFields({
      sysId: spec.sysId,
      className: 'incident',
      createdOn: openedAt,
      updatedOn,
      modCount:
        [assigned, resolvedAt, closedAt].filter(Boolean).length +
        reassignments.length,
      by: 'itops.integration',
    }),
    {
      number: spec.number,
      short_description: summary,
      description: `${summary}. Reported via monitoring.`,
      state,
      incident_state: state,
      active: state === '7' || state === '8' ? 'false' : 'true',
      priority,
      impact,
      urgency,
      severity: impact,
      category,
      subcategory,
      assignment_group: target.groupSysId,
      assigned_to: assigned ? assignee : '',
      opened_at: dt(openedAt),
      opened_by: spec.callerSysId,
      caller_id: spec.callerSysId,
      contact_type: random.pick([
        'monitoring',
        'email',
        'phone',
        'self-service',
      ]),
      resolved_at: dt(resolvedAt),
      resolved_by: resolvedAt ? assignee : '',
      closed_at: dt(closedAt),
      closed_by: closedAt && !canceled ? assignee : '',
      close_code: done ? closeCode : '',
      close_notes: done ? `${closeCode}.` : '',
      hold_reason: state === '3' ? random.pick(['1', '4', '5']) : '',
      cmdb_ci: target.ciSysId,
      business_service: target.serviceSysId,
      problem_id: '',
      rfc: '',
      caused_by: spec.causedBy?.sysId ?? '',
      reopen_count: '0',
      reassignment_count: reassignments,
      major_incident_state: major ? 'accepted' : '',
      made_sla: String(resolveAfter <= SLA[priority]),
      approval: 'not requested',
      due_date: '',
      parent: '',
    },
  );
  // Drawn after everything above, so that adding these columns left the
  // rest of every seeded world as it was.
  return Object.assign(
    row,
    complianceColumns({
      random,
      priority,
      category,
      contactType: row.contact_type,
      opened,
      assigned: assignedAt,
      asOf: asOf.getTime(),
    }),
  );
}

/**
 * Median delay until a human-reported incident is routed to a group by the
 * service desk; monitoring alerts are routed by assignment rules at once.
 */
const MEDIAN_ROUTE: Record<string, number> = {
  '1': 4 * MINUTE,
  '2': 6 * MINUTE,
  '3': 25 * MINUTE,
  '4': 40 * MINUTE,
  '5': 60 * MINUTE,
};

/** Share of security incidents that turn out to be personal-data breaches. */
const BREACH_SHARE = 0.5;

/** Why a breach was notified late, as a privacy team would write it. */
const DELAY_REASONS = [
  'Scope of affected records only confirmed after the forensic log review.',
  'Processor informed us late; awareness recorded on their notice.',
  'Waited for law enforcement to clear disclosure of the investigation.',
];

/**
 * The instance's custom columns the compliance checks read, named as a
 * customer would add them (`u_` prefix): when the incident was first
 * routed (`u_assigned_at`, stamped by a business rule), and the GDPR
 * breach record of security incidents (`u_gdpr_breach`,
 * `u_breach_aware_at`, `u_dpa_notified_at`, `u_dpa_delay_reason`). Most
 * breaches are notified within 72 hours; some late with a reason, a few
 * late without one.
 */
function complianceColumns(input: {
  random: Random;
  priority: string;
  category: string;
  contactType: string;
  opened: number;
  assigned: number;
  asOf: number;
}): SnRow {
  const { random, priority, opened, asOf } = input;
  const dt = (t: number | undefined) =>
    t !== undefined && t <= asOf ? snDateTime(new Date(t)) : '';
  const routed =
    input.contactType === 'monitoring'
      ? opened + random.int(0, 90) * 1000
      : opened + random.logNormal(MEDIAN_ROUTE[priority], 0.9);
  const columns: SnRow = {
    u_assigned_at: dt(Math.min(routed, input.assigned)),
    u_gdpr_breach: 'false',
    u_breach_aware_at: '',
    u_dpa_notified_at: '',
    u_dpa_delay_reason: '',
  };
  if (input.category !== 'security' || !random.chance(BREACH_SHARE)) {
    return columns;
  }
  const aware = opened + random.int(1, 20) * HOUR;
  const outcome = random.weighted([
    ['on time', 70],
    ['late with reason', 20],
    ['late', 10],
  ] as const);
  const notifyAfter =
    outcome === 'on time'
      ? random.int(6, 70) * HOUR
      : random.int(75, 130) * HOUR;
  const notified = dt(aware + notifyAfter);
  return {
    ...columns,
    u_gdpr_breach: 'true',
    u_breach_aware_at: dt(aware),
    u_dpa_notified_at: notified,
    u_dpa_delay_reason:
      notified && outcome === 'late with reason'
        ? random.pick(DELAY_REASONS)
        : '',
  };
}
