import type {
  BackupJobRecord,
  BackupRunRecord,
  ChangeRecord,
  FreezeWindowRecord,
  IncidentRecord,
  ItopsCapability,
  ItopsRecordsByCapability,
  LinkedChange,
  OnCallShiftRecord,
} from '@backstage-itops/plugin-itops-common';
import { fromDbNumber, fromDbTime, toDbTime } from './time';

/** A database row of a record table (columns as the records migration names them). */
export type DbRow = Record<string, unknown>;

/**
 * How one kind of record is stored: its table, and the mapping between the
 * normalized record and the columns that are specific to it. The columns
 * every record table shares (id, source, external id, url, seen_in_sync) are
 * handled by the stores.
 */
export interface RecordTable<T> {
  /** Value of `itops_record_keys.record_table` for this kind. */
  kind: RecordKind;
  table: string;
  toRow(record: T): DbRow;
  /** The record of a row; without mapping keys, which rows do not hold. */
  fromRow(row: DbRow): Omit<T, 'keys'>;
  /**
   * The columns of the fields that optional upstream calls provide, which
   * a record may list as `unknown` so that their stored values are kept.
   */
  keepable?: Partial<Record<keyof T & string, string[]>>;
}

export type RecordKind =
  | 'incident'
  | 'change'
  | 'oncall'
  | 'freeze'
  | 'backup_job'
  | 'backup_run';

function optional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

function bool(value: unknown): boolean | undefined {
  return value === null || value === undefined ? undefined : Boolean(value);
}

function json(value: unknown): string[] {
  return typeof value === 'string' ? JSON.parse(value) : [];
}

function base(row: DbRow) {
  return {
    externalId: String(row.external_id),
    url: optional(row.url as string | null),
    sourceUpdatedAt: fromDbTime(row.source_updated_at),
  };
}

export const incidentTable: RecordTable<IncidentRecord> = {
  kind: 'incident',
  table: 'itops_incidents',
  toRow: r => ({
    number: r.number,
    title: r.title,
    state: r.state,
    source_state: r.sourceState ?? null,
    priority: r.priority,
    opened_at: toDbTime(r.openedAt),
    acknowledged_at: toDbTime(r.acknowledgedAt),
    resolved_at: toDbTime(r.resolvedAt),
    closed_at: toDbTime(r.closedAt),
    detected_at: toDbTime(r.detectedAt),
    assignment_group: r.assignmentGroup ?? null,
    assigned_at: toDbTime(r.assignedAt),
    review_reference: r.postIncidentReview?.reference ?? null,
    review_url: r.postIncidentReview?.url ?? null,
    review_completed: r.postIncidentReview?.completed ?? null,
    review_completed_at: toDbTime(r.postIncidentReview?.completedAt),
    review_root_cause: r.postIncidentReview?.rootCause ?? null,
    review_root_cause_unknown: r.postIncidentReview?.rootCauseUnknown ?? false,
    linked_changes: r.linkedChanges ? JSON.stringify(r.linkedChanges) : null,
    major: r.major ?? false,
    security: r.security ?? false,
    personal_data_breach: r.personalDataBreach ?? false,
    breach_aware_at: toDbTime(r.breachAwareAt),
    authority_notified_at: toDbTime(r.authorityNotifiedAt),
    notification_delay_reason: r.notificationDelayReason ?? null,
    sla_met: r.slaMet ?? null,
    category: r.category ?? null,
    subcategory: r.subcategory ?? null,
  }),
  keepable: {
    slaMet: ['sla_met'],
    acknowledgedAt: ['acknowledged_at'],
    linkedChanges: ['linked_changes'],
  },
  fromRow: row => ({
    ...base(row),
    number: String(row.number),
    title: String(row.title),
    state: row.state as IncidentRecord['state'],
    sourceState: optional(row.source_state as string | null),
    priority: Number(row.priority) as IncidentRecord['priority'],
    openedAt: fromDbTime(row.opened_at)!,
    acknowledgedAt: fromDbTime(row.acknowledged_at),
    resolvedAt: fromDbTime(row.resolved_at),
    closedAt: fromDbTime(row.closed_at),
    detectedAt: fromDbTime(row.detected_at),
    assignmentGroup: optional(row.assignment_group as string | null),
    assignedAt: fromDbTime(row.assigned_at),
    postIncidentReview: reviewOf(row),
    linkedChanges: linkedChangesOf(row.linked_changes),
    major: Boolean(row.major),
    security: Boolean(row.security),
    personalDataBreach: Boolean(row.personal_data_breach),
    breachAwareAt: fromDbTime(row.breach_aware_at),
    authorityNotifiedAt: fromDbTime(row.authority_notified_at),
    notificationDelayReason: optional(
      row.notification_delay_reason as string | null,
    ),
    slaMet: bool(row.sla_met),
    category: optional(row.category as string | null),
    subcategory: optional(row.subcategory as string | null),
  }),
};

/** The stored links, without entries a hand-edited row may have broken. */
function linkedChangesOf(value: unknown): IncidentRecord['linkedChanges'] {
  if (typeof value !== 'string') {
    return undefined;
  }
  const links: unknown = JSON.parse(value);
  return Array.isArray(links)
    ? links.filter(
        (link): link is LinkedChange =>
          typeof link?.externalId === 'string' &&
          typeof link.reference === 'string' &&
          (link.relation === 'caused_by' || link.relation === 'related'),
      )
    : [];
}

/** The incident's review from its columns; none without a reference. */
function reviewOf(row: DbRow): IncidentRecord['postIncidentReview'] {
  if (row.review_reference === null || row.review_reference === undefined) {
    return undefined;
  }
  return {
    reference: String(row.review_reference),
    url: optional(row.review_url as string | null),
    completed: bool(row.review_completed),
    completedAt: fromDbTime(row.review_completed_at),
    rootCause: optional(row.review_root_cause as string | null),
    ...(bool(row.review_root_cause_unknown) ? { rootCauseUnknown: true } : {}),
  };
}

export const changeTable: RecordTable<ChangeRecord> = {
  kind: 'change',
  table: 'itops_changes',
  toRow: r => ({
    number: r.number,
    title: r.title,
    type: r.type,
    state: r.state,
    source_state: r.sourceState ?? null,
    risk: r.risk ?? null,
    planned_start: toDbTime(r.plannedStart),
    planned_end: toDbTime(r.plannedEnd),
    actual_start: toDbTime(r.actualStart),
    actual_end: toDbTime(r.actualEnd),
    approval: r.approval ?? null,
    approved_at: toDbTime(r.approvedAt),
    outcome: r.outcome ?? null,
    source_outcome: r.sourceOutcome ?? null,
    implementer_group: r.implementerGroup ?? null,
    opened_at: toDbTime(r.openedAt),
    category: r.category ?? null,
    requested_by: r.requestedBy ?? null,
    implemented_by: r.implementedBy ?? null,
  }),
  fromRow: row => ({
    ...base(row),
    number: String(row.number),
    title: String(row.title),
    type: row.type as ChangeRecord['type'],
    state: row.state as ChangeRecord['state'],
    sourceState: optional(row.source_state as string | null),
    risk: optional(row.risk as ChangeRecord['risk'] | null),
    plannedStart: fromDbTime(row.planned_start),
    plannedEnd: fromDbTime(row.planned_end),
    actualStart: fromDbTime(row.actual_start),
    actualEnd: fromDbTime(row.actual_end),
    approval: optional(row.approval as ChangeRecord['approval'] | null),
    approvedAt: fromDbTime(row.approved_at),
    outcome: optional(row.outcome as ChangeRecord['outcome'] | null),
    sourceOutcome: optional(row.source_outcome as string | null),
    implementerGroup: optional(row.implementer_group as string | null),
    openedAt: fromDbTime(row.opened_at),
    category: optional(row.category as string | null),
    requestedBy: optional(row.requested_by as string | null),
    implementedBy: optional(row.implemented_by as string | null),
  }),
};

export const onCallTable: RecordTable<OnCallShiftRecord> = {
  kind: 'oncall',
  table: 'itops_oncall_shifts',
  toRow: r => ({
    schedule_name: r.scheduleName,
    group_name: r.groupName,
    person_name: r.personName,
    person_email: r.personEmail ?? null,
    person_phone: r.personPhone ?? null,
    start_at: toDbTime(r.start),
    end_at: toDbTime(r.end),
    escalation_level: r.escalationLevel,
  }),
  fromRow: row => ({
    ...base(row),
    scheduleName: String(row.schedule_name),
    groupName: String(row.group_name),
    personName: String(row.person_name),
    personEmail: optional(row.person_email as string | null),
    personPhone: optional(row.person_phone as string | null),
    start: fromDbTime(row.start_at)!,
    end: fromDbTime(row.end_at)!,
    escalationLevel: fromDbNumber(row.escalation_level) ?? 1,
  }),
};

export const freezeWindowTable: RecordTable<FreezeWindowRecord> = {
  kind: 'freeze',
  table: 'itops_freeze_windows',
  toRow: r => ({
    name: r.name,
    description: r.description ?? null,
    start_at: toDbTime(r.start),
    end_at: toDbTime(r.end),
  }),
  fromRow: row => ({
    ...base(row),
    name: String(row.name),
    description: optional(row.description as string | null),
    start: fromDbTime(row.start_at)!,
    end: fromDbTime(row.end_at)!,
  }),
};

export const backupJobTable: RecordTable<BackupJobRecord> = {
  kind: 'backup_job',
  table: 'itops_backup_jobs',
  toRow: r => ({
    name: r.name,
    description: r.description ?? null,
    objects: JSON.stringify(r.objects),
    last_result: r.lastResult ?? null,
    last_run_at: toDbTime(r.lastRunAt),
    next_run_at: toDbTime(r.nextRunAt),
    enabled: r.enabled ?? null,
  }),
  fromRow: row => ({
    ...base(row),
    recordType: 'backup-job',
    name: String(row.name),
    description: optional(row.description as string | null),
    objects: json(row.objects),
    lastResult: optional(row.last_result as BackupJobRecord['lastResult']),
    lastRunAt: fromDbTime(row.last_run_at),
    nextRunAt: fromDbTime(row.next_run_at),
    enabled: bool(row.enabled),
  }),
};

export const backupRunTable: RecordTable<BackupRunRecord> = {
  kind: 'backup_run',
  table: 'itops_backup_runs',
  toRow: r => ({
    job_external_id: r.jobExternalId ?? null,
    job_name: r.jobName,
    kind: r.kind,
    result: r.result,
    started_at: toDbTime(r.startedAt),
    ended_at: toDbTime(r.endedAt),
    failed_objects: r.failedObjects ? JSON.stringify(r.failedObjects) : null,
    restore_point_at: toDbTime(r.restorePointAt),
  }),
  keepable: {
    failedObjects: ['failed_objects'],
    restorePointAt: ['restore_point_at'],
  },
  fromRow: row => ({
    ...base(row),
    recordType: 'backup-run',
    jobExternalId: optional(row.job_external_id as string | null),
    jobName: String(row.job_name),
    kind: row.kind as BackupRunRecord['kind'],
    result: row.result as BackupRunRecord['result'],
    startedAt: fromDbTime(row.started_at)!,
    endedAt: fromDbTime(row.ended_at),
    failedObjects: row.failed_objects ? json(row.failed_objects) : undefined,
    restorePointAt: fromDbTime(row.restore_point_at),
  }),
};

/**
 * The tables a capability's records go to. Backups yield jobs and runs,
 * told apart by `recordType`.
 */
export function tablesOf(capability: ItopsCapability): RecordTable<any>[] {
  switch (capability) {
    case 'incidents':
      return [incidentTable];
    case 'changes':
      return [changeTable];
    case 'oncall':
      return [onCallTable];
    case 'freezeWindows':
      return [freezeWindowTable];
    case 'backups':
      return [backupJobTable, backupRunTable];
    default:
      throw new TypeError(`Unknown ITOps capability '${capability}'`);
  }
}

/** The table one record of a capability belongs to. */
export function tableOf<C extends ItopsCapability>(
  capability: C,
  record: ItopsRecordsByCapability[C],
): RecordTable<ItopsRecordsByCapability[C]> {
  if (capability === 'backups') {
    return (
      (record as BackupJobRecord | BackupRunRecord).recordType === 'backup-job'
        ? backupJobTable
        : backupRunTable
    ) as RecordTable<any>;
  }
  return tablesOf(capability)[0];
}
