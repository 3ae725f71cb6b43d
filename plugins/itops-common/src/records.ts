/**
 * Normalized ITOps records: what source modules yield and the ITOps backend
 * stores. Every record keeps its origin so that it can be traced back to, and
 * opened in, the source system. Times are ISO 8601 strings in UTC.
 */

/** What a source can provide. @public */
export type ItopsCapability =
  | 'incidents'
  | 'changes'
  | 'oncall'
  | 'freezeWindows'
  | 'backups';

/** All capabilities, in a stable order. @public */
export const ITOPS_CAPABILITIES: readonly ItopsCapability[] = [
  'incidents',
  'changes',
  'oncall',
  'freezeWindows',
  'backups',
];

/**
 * A value that links a record to catalog entities, e.g. the ServiceNow CI
 * sys_id `{ type: 'servicenow-ci', value: 'a58c…' }`. Entities get the same
 * keys from their annotations (see `entityMappingKeys`).
 *
 * @public
 */
export interface MappingKey {
  type: MappingKeyType;
  value: string;
}

/** @public */
export type MappingKeyType =
  | 'servicenow-service'
  | 'servicenow-ci'
  | 'servicenow-group'
  | 'jira-project'
  | 'jira-component'
  | 'jsm-team'
  | 'veeam-job'
  | 'veeam-tag'
  | 'veeam-object';

/** Fields every synced record has. @public */
export interface ItopsRecordBase {
  /** Id of the record in its source (sys_id, issue id, job id…). */
  externalId: string;
  /** Deep link to the record in the source's UI. */
  url?: string;
  /** When the source last changed the record, if it says. */
  sourceUpdatedAt?: string;
  /** Keys mapping the record to catalog entities. */
  keys: MappingKey[];
  /**
   * Fields this read could not learn, because the optional call that gives
   * them failed or was capped (e.g. `slaMet`). The store keeps their stored
   * values instead of clearing them; only the fields a record table names
   * as keepable may be listed.
   */
  unknown?: string[];
}

/** Where a stored record came from. @public */
export interface RecordOrigin {
  sourceType: string;
  sourceInstance: string;
  externalId: string;
  url?: string;
}

/** @public */
export type IncidentState =
  | 'new'
  | 'in_progress'
  | 'on_hold'
  | 'resolved'
  | 'closed'
  | 'cancelled';

/** @public */
export interface IncidentRecord extends ItopsRecordBase {
  number: string;
  title: string;
  state: IncidentState;
  /** The source's own state value, kept because customers customise states. */
  sourceState?: string;
  /** 1 (critical) to 5 (planning). */
  priority: 1 | 2 | 3 | 4 | 5;
  openedAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  closedAt?: string;
  /** When the problem started or was detected, where the source knows it. */
  detectedAt?: string;
  assignmentGroup?: string;
  /**
   * When the incident first got an assignment group or assignee, where the
   * source records it (compliance INC-01 times assignment from opening).
   * Left out when the source cannot tell; reassignments do not move it.
   */
  assignedAt?: string;
  /**
   * The post-incident review (PIR) linked to the incident, e.g. a JSM
   * "Post-incident review" issue or the ServiceNow problem record holding
   * the root-cause analysis (compliance INC-04).
   */
  postIncidentReview?: PostIncidentReview;
  /**
   * The changes the source links to the incident (ServiceNow `caused_by`
   * and `rfc`, Jira issue links to change issues), as the source gave them.
   * Left out when the source does not say; an empty list when it links none.
   */
  linkedChanges?: LinkedChange[];
  major?: boolean;
  security?: boolean;
  personalDataBreach?: boolean;
  /** When the organisation became aware of a personal-data breach (GDPR art. 33). */
  breachAwareAt?: string;
  /** When the supervisory authority was notified. */
  authorityNotifiedAt?: string;
  /**
   * Why the supervisory authority was notified more than 72 hours after
   * awareness: GDPR art. 33(1) requires a late notification to give the
   * reasons for the delay (compliance NTF-01 grades a late notification
   * with reasons as warn, without as fail).
   */
  notificationDelayReason?: string;
  /** Whether the source reports the resolution SLA as met (JSM SLA, SN task_sla). */
  slaMet?: boolean;
  /**
   * The incident's category as the source names it (ServiceNow `category`,
   * Jira the configured capacity label). An empty string: the source reads
   * categories and this incident has none; undefined: the source does not
   * provide them (not configured, or the field hidden). Compliance CAP-01.
   */
  category?: string;
  /** The ServiceNow `subcategory`, with the same empty/undefined meaning. */
  subcategory?: string;
}

/**
 * A change the source links to an incident. The read API resolves it
 * against the synced changes of the same source instance by `externalId`;
 * a change that is not synced (or that the integration user may not see)
 * stays a bare reference. A type rather than an interface, so that it fits
 * the read API's OpenAPI-typed responses.
 *
 * @public
 */
export type LinkedChange = {
  /** The change's id in the source (ServiceNow sys_id, Jira issue id). */
  externalId: string;
  /**
   * What the source shows of the change: its number or issue key; the
   * `externalId` when the source shows nothing else (e.g. a change the
   * integration user may not read).
   */
  reference: string;
  /**
   * `caused_by` when the source says the change caused the incident
   * (ServiceNow `caused_by`, a configured Jira link type); `related`
   * otherwise, including every link whose meaning the source leaves open.
   */
  relation: 'caused_by' | 'related';
  /** Deep link to the change in the source's UI. */
  url?: string;
};

/**
 * A post-incident review linked to an incident. Its presence is the
 * evidence that a review was recorded; `completed` and `completedAt` say
 * more where the source knows them. A type rather than an interface, so
 * that it fits the read API's OpenAPI-typed responses.
 *
 * @public
 */
export type PostIncidentReview = {
  /** The review's id in the source: issue key, problem number, URL… */
  reference: string;
  /** Deep link to the review in the source's UI. */
  url?: string;
  /**
   * false while the linked review is still in progress (e.g. its issue is
   * not done); undefined when the source does not say, in which case the
   * link alone counts as a recorded review.
   */
  completed?: boolean;
  /** When the review was completed, where the source records it. */
  completedAt?: string;
  /**
   * The root cause the review records (e.g. a problem's cause notes).
   * Compliance INC-04 counts a linked record as a review only when it
   * carries one: a problem opened and left empty is not a review.
   */
  rootCause?: string;
  /**
   * True when the source is not set up to read a root cause (e.g. no Jira
   * root cause field configured): an absent `rootCause` then says nothing,
   * and INC-04 reports "not recorded by this source" instead of a missing
   * review.
   */
  rootCauseUnknown?: boolean;
};

/** @public */
export type ChangeType = 'standard' | 'normal' | 'emergency';

/** @public */
export type ChangeState =
  | 'new'
  | 'assess'
  | 'authorize'
  | 'scheduled'
  | 'implement'
  | 'review'
  | 'closed'
  | 'cancelled';

/** @public */
export interface ChangeRecord extends ItopsRecordBase {
  number: string;
  title: string;
  type: ChangeType;
  state: ChangeState;
  sourceState?: string;
  risk?: 'very_high' | 'high' | 'moderate' | 'low';
  plannedStart?: string;
  plannedEnd?: string;
  actualStart?: string;
  actualEnd?: string;
  approval?: 'not_requested' | 'requested' | 'approved' | 'rejected';
  approvedAt?: string;
  outcome?: 'successful' | 'successful_with_issues' | 'unsuccessful';
  /** The source's close code, kept when it maps to no outcome. */
  sourceOutcome?: string;
  implementerGroup?: string;
  /** When the change was raised (ServiceNow `opened_at`, Jira `created`). */
  openedAt?: string;
  /**
   * The change's category as the source names it (ServiceNow `category`,
   * Jira the configured category field or patch label). An empty string:
   * the source reads categories and this change has none; undefined: the
   * source does not provide them (not configured, or the field hidden).
   */
  category?: string;
  /**
   * Who requested the change and who implements it, as the source's own
   * user id (ServiceNow `requested_by` and `assigned_to` sys_ids, Jira
   * reporter and assignee `accountId`, `key` or `name` on Data Center):
   * compared, never shown (compliance SOD-01). Absent: not recorded or not
   * readable.
   */
  requestedBy?: string;
  implementedBy?: string;
}

/** One person on call for a schedule over a period. @public */
export interface OnCallShiftRecord extends ItopsRecordBase {
  scheduleName: string;
  /** Team or assignment group the schedule belongs to. */
  groupName: string;
  personName: string;
  personEmail?: string;
  personPhone?: string;
  start: string;
  end: string;
  /** 1 is first responder; higher levels are escalations. */
  escalationLevel: number;
}

/** A period in which changes should not be made. @public */
export interface FreezeWindowRecord extends ItopsRecordBase {
  name: string;
  start: string;
  end: string;
  description?: string;
}

/** @public */
export type BackupResult = 'success' | 'warning' | 'failed' | 'running';

/** @public */
export interface BackupJobRecord extends ItopsRecordBase {
  recordType: 'backup-job';
  name: string;
  description?: string;
  /** Names of the protected objects. */
  objects: string[];
  lastResult?: BackupResult;
  lastRunAt?: string;
  nextRunAt?: string;
  enabled?: boolean;
}

/** One run of a backup job, or a restore test. @public */
export interface BackupRunRecord extends ItopsRecordBase {
  recordType: 'backup-run';
  jobExternalId?: string;
  jobName: string;
  kind: 'backup' | 'restore-test';
  result: BackupResult;
  startedAt: string;
  endedAt?: string;
  /** Objects that failed in this run. */
  failedObjects?: string[];
  /** Creation time of the restore point this run produced. */
  restorePointAt?: string;
}

/** The records of each capability. @public */
export interface ItopsRecordsByCapability {
  incidents: IncidentRecord;
  changes: ChangeRecord;
  oncall: OnCallShiftRecord;
  freezeWindows: FreezeWindowRecord;
  backups: BackupJobRecord | BackupRunRecord;
}
