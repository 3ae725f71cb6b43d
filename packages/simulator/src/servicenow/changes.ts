import type { Random } from '../world/random';
import { DAY, HOUR, MINUTE, parseSnDateTime, snDateTime } from './format';
import { latest, systemFields, taskNumber } from './records';
import type { SnRow } from './store';
import type { Target } from './world-org';

export type ChangeType = 'standard' | 'normal' | 'emergency';

const SUMMARIES: Record<ChangeType, string[]> = {
  standard: [
    'Patch OS packages on {ci}',
    'Rotate TLS certificate for {target}',
    'Scale {target} replicas',
    'Apply monthly security baseline to {ci}',
  ],
  normal: [
    'Upgrade {target} to a new minor release',
    'Database schema migration for {target}',
    'Rolling restart of {ci}',
    'Migrate {target} to new load balancer',
  ],
  emergency: [
    'Hotfix for error spike on {target}',
    'Emergency rollback of {target}',
    'Revoke and reissue credentials for {target}',
  ],
};

/** The summaries of security patches (category 'Security'). */
const SECURITY_PATCHES = [
  'Patch OS packages on {ci}',
  'Apply monthly security baseline to {ci}',
];

export interface ChangeSpec {
  random: Random;
  sysId: string;
  number: string;
  type: ChangeType;
  plannedStart: Date;
  asOf: Date;
  target: Target;
}

/**
 * One change request whose state follows from its planned window relative
 * to `asOf`: past ones are closed (mostly successful), current ones being
 * implemented, future ones scheduled or awaiting approval.
 */
export function changeRow(spec: ChangeSpec): SnRow {
  const { random, type, target, asOf } = spec;
  const now = asOf.getTime();
  const start = spec.plannedStart.getTime();
  const duration = {
    standard: random.int(2, 6) * 15 * MINUTE,
    normal: random.int(4, 16) * 15 * MINUTE,
    emergency: random.int(2, 12) * 15 * MINUTE,
  }[type];
  const end = start + duration;
  const leadTime = {
    standard: random.int(1, 3) * DAY,
    normal: random.int(5, 14) * DAY,
    emergency: random.int(1, 6) * HOUR,
  }[type];
  const created = Math.min(now, start - leadTime);
  const risk =
    type === 'standard'
      ? '4'
      : random.weighted(
          type === 'normal'
            ? ([
                ['4', 30],
                ['3', 45],
                ['2', 20],
                ['1', 5],
              ] as const)
            : ([
                ['3', 30],
                ['2', 50],
                ['1', 20],
              ] as const),
        );
  const outcome = random.weighted([
    ['successful', type === 'emergency' ? 80 : 88],
    ['successful_issues', 6],
    ['unsuccessful', type === 'emergency' ? 14 : 6],
  ] as const);
  const canceled = random.chance(0.04);
  const workStart = start + random.int(-10, 20) * MINUTE;
  const workEnd = workStart + duration * (0.7 + random.next() * 0.6);
  // Approvals land between creation and the window: CAB meets ahead of normal changes.
  const approvedAt = created + (start - created) * (0.3 + random.next() * 0.5);

  let state: string;
  let approval = 'approved';
  let closed: number | undefined;
  if (workEnd + 2 * HOUR <= now) {
    state = canceled ? '4' : '3';
    closed = canceled
      ? Math.min(start, now)
      : workEnd + random.int(1, 12) * 10 * MINUTE;
    if (closed > now) {
      state = '0';
      closed = undefined;
    }
  } else if (workStart <= now) {
    state = workEnd <= now ? '0' : '-1';
  } else if (
    type === 'standard' ||
    start - now < 3 * DAY ||
    approvedAt <= now
  ) {
    state = approvedAt <= now ? '-2' : '-3';
    approval = approvedAt <= now ? 'approved' : 'requested';
  } else {
    state = random.pick(['-5', '-4', '-3']);
    approval = state === '-3' ? 'requested' : 'not requested';
  }
  const began = state === '-1' || state === '0' || state === '3';
  const finished = state === '0' || state === '3';
  const approvalSet =
    approval === 'approved' && type !== 'standard' ? approvedAt : undefined;
  const at = (t: number | undefined) =>
    t !== undefined && t <= now ? new Date(t) : undefined;
  const updatedOn = latest(
    new Date(created),
    at(approvalSet),
    began ? at(workStart) : undefined,
    finished ? at(workEnd) : undefined,
    at(closed),
  );
  const dt = (t: number | undefined) =>
    t === undefined ? '' : snDateTime(new Date(t));
  const template = random.pick(SUMMARIES[type]);
  const summary = template
    .replace('{target}', target.label)
    .replace('{ci}', target.ciName || target.label);
  const assignee = random.pick(target.memberSysIds);
  // Another member of the group requested the change, except on every
  // eighth (by number, no random draw, so the rest of the world stays as
  // it was): there the implementer requested it too, for SOD-01.
  const members = target.memberSysIds;
  const selfRequested = Number(spec.number.replace(/\D/g, '')) % 8 === 0;
  const requester =
    selfRequested || members.length < 2
      ? assignee
      : members[(members.indexOf(assignee) + 1) % members.length];
  // Patch summaries are security patches, for the patching check (VUL-01):
  // 'Security' is this simulated instance's category choice, not a default.
  const category = SECURITY_PATCHES.includes(template)
    ? 'Security'
    : 'Software';

  // Object.assign keeps V8 on its fast path: a spread into a large literal is ~50x slower.
  return Object.assign(
    systemFields({
      sysId: spec.sysId,
      className: 'change_request',
      createdOn: new Date(created),
      updatedOn,
      modCount: 2 + (began ? 1 : 0) + (finished ? 1 : 0),
      by: 'itops.integration',
    }),
    {
      number: spec.number,
      short_description: summary,
      description: `${summary}.`,
      type,
      state,
      active: state === '3' || state === '4' ? 'false' : 'true',
      risk,
      impact: risk === '1' || risk === '2' ? '2' : '3',
      urgency: type === 'emergency' ? '1' : '3',
      priority: changePriority(type, risk),
      category,
      phase: '',
      scope: '3',
      assignment_group: target.groupSysId,
      assigned_to: assignee,
      requested_by: requester,
      opened_by: requester,
      opened_at: dt(created),
      cmdb_ci: target.ciSysId,
      business_service: target.serviceSysId,
      start_date: dt(start),
      end_date: dt(end),
      work_start: began ? dt(workStart) : '',
      work_end: finished ? dt(workEnd) : '',
      approval,
      approval_set: dt(approvalSet),
      cab_required: String(type === 'normal' && (risk === '1' || risk === '2')),
      cab_date: '',
      close_code: state === '3' ? outcome : '',
      close_notes:
        state === '3' ? `Change ${outcome.replace('_', ' with ')}.` : '',
      closed_at: dt(closed),
      closed_by: closed !== undefined ? assignee : '',
      on_hold: 'false',
      conflict_status: 'No Conflict',
      unauthorized: 'false',
      justification: '',
      implementation_plan: '',
      backout_plan: 'Roll back to the previous release.',
      due_date: '',
      parent: '',
    },
  );
}

function changePriority(type: ChangeType, risk: string): string {
  if (type === 'emergency') {
    return '2';
  }
  return risk === '1' ? '3' : '4';
}

const TASK_TYPES = ['planning', 'implementation', 'testing', 'review'] as const;

/** The tasks of a normal or emergency change, following its state. */
export function changeTaskRows(
  change: SnRow,
  random: Random,
  nextNumber: () => number,
): SnRow[] {
  const count = random.int(2, 3);
  const start = change.start_date;
  const end = change.end_date;
  return TASK_TYPES.slice(1, 1 + count).map((taskType, i) => {
    let state: string;
    if (change.state === '3') {
      state = '3';
    } else if (change.state === '4') {
      state = '4';
    } else if (change.state === '-1' || change.state === '0') {
      state = i === 0 ? '2' : '1';
    } else {
      state = '-5';
    }
    return {
      ...systemFields({
        sysId: random.hex32(),
        className: 'change_task',
        createdOn: parseSnDateTime(change.sys_created_on)!,
        updatedOn: parseSnDateTime(change.sys_updated_on)!,
        by: 'itops.integration',
      }),
      number: taskNumber('CTASK', nextNumber()),
      short_description: `${taskType[0].toUpperCase()}${taskType.slice(1)}: ${
        change.short_description
      }`,
      description: '',
      change_request: change.sys_id,
      change_task_type: taskType,
      state,
      active: state === '3' || state === '4' ? 'false' : 'true',
      priority: change.priority,
      assignment_group: change.assignment_group,
      assigned_to: change.assigned_to,
      cmdb_ci: change.cmdb_ci,
      planned_start_date: start,
      planned_end_date: end,
      opened_at: change.opened_at,
      closed_at: state === '3' || state === '4' ? change.closed_at : '',
      on_hold: 'false',
    };
  });
}
