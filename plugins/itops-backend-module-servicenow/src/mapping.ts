import type {
  ChangeRecord,
  IncidentRecord,
  LinkedChange,
  MappingKey,
} from '@backstage-itops/plugin-itops-common';
import type { SnRow } from './client';
import type {
  ChangeOptions,
  ChoiceMap,
  FlagField,
  IncidentOptions,
  ReviewOptions,
} from './config';
import { parseSnDateTime } from './time';

/**
 * A value of a row the mapping could not use, and what became of the
 * record: stored without the value, stored with its code kept as the
 * source state, or skipped (counted in the sync status, its stored copy
 * kept).
 */
export interface RowProblem {
  field: string;
  /** What is wrong with the value (never the value itself). */
  why: 'not a date' | 'missing' | 'not a configured code';
  outcome: 'value dropped' | 'kept as source state' | 'record skipped';
}

/**
 * Turns Table API rows into normalized records. Choice codes come from
 * config; a code the config does not know is kept as `sourceState` (or
 * `sourceOutcome`) and the normalized value falls back on what the row
 * itself says (e.g. `active`), so customised states are never dropped.
 */

/** Reference columns read as sys_id plus the dot-walked display name. */
const GROUP_NAME = 'assignment_group.name';
const SERVICE_NAME = 'business_service.name';

const SYS_ID = /^[0-9a-f]{32}$/;

/**
 * The incident's references to change requests: the change that caused it
 * and the change raised for it (source-apis §1.8 incident "Other" fields).
 * Both reference `change_request` whatever table the changes sync from.
 */
const CHANGE_LINKS = [
  { field: 'caused_by', relation: 'caused_by' },
  { field: 'rfc', relation: 'related' },
] as const;
const CHANGE_REQUEST_TABLE = 'change_request';

export function incidentFields(options: IncidentOptions): string[] {
  return unique([
    'number',
    'short_description',
    'state',
    'active',
    'priority',
    'opened_at',
    'sys_created_on',
    'resolved_at',
    'closed_at',
    'assignment_group',
    GROUP_NAME,
    'cmdb_ci',
    'business_service',
    SERVICE_NAME,
    options.major?.field,
    options.security?.field,
    options.personalDataBreach?.field,
    options.acknowledgedAtField,
    options.detectedAtField,
    options.breachAwareAtField,
    options.authorityNotifiedAtField,
    options.slaMetField,
    options.assignedAtField,
    options.postIncidentReview?.field,
    options.postIncidentReview && reviewNumberField(options.postIncidentReview),
    options.postIncidentReview?.completedAtField,
    options.postIncidentReview?.rootCauseField,
    options.notificationDelayReasonField,
    ...CHANGE_LINKS.flatMap(link => [link.field, `${link.field}.number`]),
    'category',
    'subcategory',
  ]);
}

/**
 * The changes the incident links to, by sys_id, with the number dot-walked
 * where the instance shows it (a change the integration user may not read
 * shows none: its sys_id stands in). Undefined when the row has neither
 * column (not on this table, or not readable): the stored links are kept.
 */
export function linkedChangesOf(
  row: SnRow,
  baseUrl: string,
): IncidentRecord['linkedChanges'] {
  if (CHANGE_LINKS.every(link => !(link.field in row))) {
    return undefined;
  }
  const links = new Map<string, LinkedChange>();
  for (const { field, relation } of CHANGE_LINKS) {
    const sysId = row[field]?.trim();
    // The same change as cause and as fix is listed once, as the cause.
    if (sysId && !links.has(sysId)) {
      links.set(sysId, {
        externalId: sysId,
        reference: row[`${field}.number`]?.trim() || sysId,
        relation,
        url: SYS_ID.test(sysId)
          ? recordUrl(baseUrl, CHANGE_REQUEST_TABLE, sysId)
          : undefined,
      });
    }
  }
  return [...links.values()];
}

/**
 * The review reference's record number, dot-walked. On a text column the
 * name is invalid, and the Table API leaves invalid names out.
 */
function reviewNumberField(review: ReviewOptions): string {
  return `${review.field}.number`;
}

/**
 * The incident's review from its linking column: a URL is linked as it
 * is; a reference shows its record's number and links to the record.
 * Completion is known only from the configured completion column.
 */
export function reviewOf(
  row: SnRow,
  review: ReviewOptions | undefined,
  baseUrl: string,
  problems?: RowProblem[],
): IncidentRecord['postIncidentReview'] {
  const value = review ? row[review.field]?.trim() : undefined;
  if (!review || !value) {
    return undefined;
  }
  const completedAt = timeField(row, review.completedAtField, problems);
  const link = /^https?:\/\//i.test(value)
    ? { reference: value, url: value }
    : {
        reference: row[reviewNumberField(review)] || value,
        url: SYS_ID.test(value)
          ? recordUrl(baseUrl, review.table, value)
          : undefined,
      };
  const rootCause = review.rootCauseField
    ? row[review.rootCauseField]?.trim()
    : undefined;
  return {
    ...link,
    ...(completedAt ? { completed: true, completedAt } : {}),
    // Kept short: the store needs to know a root cause is recorded and
    // show its start, not hold the whole analysis.
    ...(rootCause ? { rootCause: rootCause.slice(0, 500) } : {}),
  };
}

export function changeFields(options: ChangeOptions): string[] {
  return unique([
    'number',
    'short_description',
    'type',
    'state',
    'active',
    'risk',
    'start_date',
    'end_date',
    'work_start',
    'work_end',
    'approval',
    options.approvedAtField,
    'close_code',
    'assignment_group',
    GROUP_NAME,
    'cmdb_ci',
    'business_service',
    SERVICE_NAME,
    'opened_at',
    'sys_created_on',
    'category',
    'requested_by',
    'assigned_to',
  ]);
}

export function recordUrl(
  baseUrl: string,
  table: string,
  sysId: string,
): string {
  return `${baseUrl}/nav_to.do?uri=${encodeURIComponent(
    `${table}.do?sys_id=${sysId}`,
  )}`;
}

/** The keys that map a task (incident, change) to catalog entities. */
export function taskKeys(row: SnRow): MappingKey[] {
  const keys: MappingKey[] = [];
  if (row.cmdb_ci) {
    keys.push({ type: 'servicenow-ci', value: row.cmdb_ci });
  }
  if (row.business_service) {
    // A business service is a CI too; entities may annotate either.
    keys.push({ type: 'servicenow-ci', value: row.business_service });
  }
  if (row[SERVICE_NAME]) {
    keys.push({ type: 'servicenow-service', value: row[SERVICE_NAME] });
  }
  if (row[GROUP_NAME]) {
    keys.push({ type: 'servicenow-group', value: row[GROUP_NAME] });
  }
  return keys;
}

/**
 * An incident from its row. Unusable values are noted in `problems`: an
 * unreadable optional date is dropped, an unknown state code is kept as the
 * source state; a row without sys_id or without any readable opening time
 * (`opened_at`, else `sys_created_on`) cannot be stored, and the reader
 * skips it (`record skipped`).
 */
export function toIncident(
  row: SnRow,
  options: IncidentOptions,
  baseUrl: string,
  problems?: RowProblem[],
): IncidentRecord {
  const inactive = row.active === 'false';
  const state =
    stateOf(options.states, row, problems) ??
    (inactive ? 'closed' : 'in_progress');
  const done =
    state === 'resolved' || state === 'closed' || state === 'cancelled';
  const slaMet = options.slaMetField ? row[options.slaMetField] : undefined;
  const externalId = externalIdOf(row, problems);
  return {
    externalId,
    url: recordUrl(baseUrl, options.table, externalId),
    sourceUpdatedAt: timeField(row, 'sys_updated_on', problems),
    keys: taskKeys(row),
    number: row.number || externalId,
    title: row.short_description ?? '',
    state,
    sourceState: row.state || undefined,
    priority: priorityOf(row.priority),
    openedAt: openedAtOf(row, problems),
    acknowledgedAt: timeField(row, options.acknowledgedAtField, problems),
    resolvedAt: timeField(row, 'resolved_at', problems),
    closedAt: timeField(row, 'closed_at', problems),
    detectedAt: timeField(row, options.detectedAtField, problems),
    assignmentGroup: row[GROUP_NAME] || undefined,
    assignedAt: timeField(row, options.assignedAtField, problems),
    postIncidentReview: reviewOf(
      row,
      options.postIncidentReview,
      baseUrl,
      problems,
    ),
    ...linkedChangesField(linkedChangesOf(row, baseUrl)),
    major: flagOf(row, options.major),
    security: flagOf(row, options.security),
    personalDataBreach: flagOf(row, options.personalDataBreach),
    breachAwareAt: timeField(row, options.breachAwareAtField, problems),
    authorityNotifiedAt: timeField(
      row,
      options.authorityNotifiedAtField,
      problems,
    ),
    notificationDelayReason: textField(
      row,
      options.notificationDelayReasonField,
    ),
    // made_sla starts as true on every incident; it means something once
    // the incident is done.
    slaMet:
      done && (slaMet === 'true' || slaMet === 'false')
        ? slaMet === 'true'
        : undefined,
    // Left out of the row (a field ACL): unknown, not "no category" ('').
    category: row.category === undefined ? undefined : row.category.trim(),
    subcategory:
      row.subcategory === undefined ? undefined : row.subcategory.trim(),
  };
}

/**
 * A change request from its row; unusable values are noted in `problems`
 * as for incidents (only the sys_id is required).
 */
export function toChange(
  row: SnRow,
  options: ChangeOptions,
  baseUrl: string,
  problems?: RowProblem[],
): ChangeRecord {
  const inactive = row.active === 'false';
  const outcome = choiceOf(options.closeCodes, row.close_code);
  const externalId = externalIdOf(row, problems);
  return {
    externalId,
    url: recordUrl(baseUrl, options.table, externalId),
    sourceUpdatedAt: timeField(row, 'sys_updated_on', problems),
    keys: taskKeys(row),
    number: row.number || externalId,
    title: row.short_description ?? '',
    type: choiceOf(options.types, row.type) ?? 'normal',
    state:
      stateOf(options.states, row, problems) ?? (inactive ? 'closed' : 'new'),
    sourceState: row.state || undefined,
    risk: choiceOf(options.risks, row.risk),
    plannedStart: timeField(row, 'start_date', problems),
    plannedEnd: timeField(row, 'end_date', problems),
    actualStart: timeField(row, 'work_start', problems),
    actualEnd: timeField(row, 'work_end', problems),
    approval: choiceOf(options.approvals, row.approval),
    approvedAt: timeField(row, options.approvedAtField, problems),
    outcome,
    sourceOutcome: !outcome && row.close_code ? row.close_code : undefined,
    implementerGroup: row[GROUP_NAME] || undefined,
    openedAt:
      timeField(row, 'opened_at', problems) ??
      timeField(row, 'sys_created_on', problems),
    // A column the caller may not read is left out of the row: unknown,
    // which is not the same as a change without a category ('').
    category: row.category === undefined ? undefined : row.category.trim(),
    // sys_user sys_ids; empty or left out (a field ACL): not recorded.
    requestedBy: row.requested_by?.trim() || undefined,
    implementedBy: row.assigned_to?.trim() || undefined,
  };
}

/** The links, or the field marked unknown so that the store keeps its links. */
function linkedChangesField(
  links: IncidentRecord['linkedChanges'],
): Pick<IncidentRecord, 'linkedChanges' | 'unknown'> {
  return links ? { linkedChanges: links } : { unknown: ['linkedChanges'] };
}

/**
 * When the incident was opened: `opened_at`, else `sys_created_on` (some
 * integrations leave `opened_at` empty). With neither readable the record
 * cannot be stored, and is skipped.
 */
function openedAtOf(row: SnRow, problems?: RowProblem[]): string {
  const opened = parseSnDateTime(row.opened_at);
  if (opened !== undefined) {
    return opened;
  }
  const created = parseSnDateTime(row.sys_created_on);
  if (row.opened_at?.trim() || created === undefined) {
    problems?.push({
      field: 'opened_at',
      why: row.opened_at?.trim() ? 'not a date' : 'missing',
      outcome: created === undefined ? 'record skipped' : 'value dropped',
    });
  }
  return created ?? '';
}

/** The normalized value whose codes include `code`. */
export function choiceOf<T extends string>(
  map: ChoiceMap<T>,
  code: string | undefined,
): T | undefined {
  if (code === undefined || code === '') {
    return undefined;
  }
  for (const [value, codes] of Object.entries(map) as Array<[T, string[]]>) {
    if (codes.includes(code)) {
      return value;
    }
  }
  return undefined;
}

/** Priority 1–5; customised or missing values count as the lowest. */
function priorityOf(text: string | undefined): IncidentRecord['priority'] {
  const n = Number.parseInt(text ?? '', 10);
  if (n >= 1 && n <= 5) {
    return n as IncidentRecord['priority'];
  }
  return 5;
}

function flagOf(row: SnRow, flag: FlagField | undefined): boolean | undefined {
  if (!flag) {
    return undefined;
  }
  return flag.values.includes(row[flag.field] ?? '');
}

/**
 * A date-time column as ISO 8601; an unreadable one is dropped and noted
 * (a blank one is simply unset).
 */
function timeField(
  row: SnRow,
  field: string | undefined,
  problems?: RowProblem[],
): string | undefined {
  const value = field ? row[field]?.trim() : undefined;
  if (!value) {
    return undefined;
  }
  const parsed = parseSnDateTime(value);
  if (parsed === undefined) {
    problems?.push({
      field: field!,
      why: 'not a date',
      outcome: 'value dropped',
    });
  }
  return parsed;
}

/** The row's sys_id; a row without one cannot be stored and is noted. */
function externalIdOf(row: SnRow, problems?: RowProblem[]): string {
  const id = row.sys_id?.trim() ?? '';
  if (!id) {
    problems?.push({
      field: 'sys_id',
      why: 'missing',
      outcome: 'record skipped',
    });
  }
  return id;
}

/** A state code the config does not know is kept as the source state, and noted. */
function stateOf<T extends string>(
  map: ChoiceMap<T>,
  row: SnRow,
  problems?: RowProblem[],
): T | undefined {
  const state = choiceOf(map, row.state);
  if (state === undefined && row.state) {
    problems?.push({
      field: 'state',
      why: 'not a configured code',
      outcome: 'kept as source state',
    });
  }
  return state;
}

function textField(row: SnRow, field: string | undefined): string | undefined {
  return (field && row[field]?.trim()) || undefined;
}

function unique(fields: Array<string | undefined>): string[] {
  return [...new Set(fields.filter((f): f is string => Boolean(f)))];
}
