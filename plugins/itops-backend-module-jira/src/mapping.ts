import {
  type ChangeRecord,
  type ChangeState,
  type ChangeType,
  type IncidentRecord,
  type IncidentState,
  jiraComponentKey,
  type LinkedChange,
  jiraSiteKey,
  type MappingKey,
} from '@backstage-itops/plugin-itops-common';
import type { ChangeConfig, IncidentConfig } from './config';
import type { ChangeFieldIds } from './fields';
import type {
  JiraIssue,
  JiraNamed,
  JiraStatus,
  JsmDate,
  JsmSla,
} from './client/types';
import { parseJiraTime } from './time';

/** Turns Jira issues into normalized ITOps records. */

/** Fields every issue search asks for, besides a capability's own. */
export const ISSUE_FIELDS = [
  'summary',
  'status',
  'priority',
  'issuetype',
  'project',
  'created',
  'updated',
  'resolutiondate',
  'resolution',
  'components',
  'labels',
] as const;

/** The people on a change, for segregation of duties (SOD-01). */
export const CHANGE_PEOPLE = ['reporter', 'assignee'] as const;

/**
 * A user's id: `accountId` on Cloud, `key` (else `name`) on Data Center.
 * Not the e-mail address, which Cloud hides by the user's privacy choice.
 */
export function userIdOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const user = value as { accountId?: unknown; key?: unknown; name?: unknown };
  const id = [user.accountId, user.key, user.name].find(
    v => typeof v === 'string' && v.trim() !== '',
  ) as string | undefined;
  return id?.trim();
}

function named(value: unknown): JiraNamed | undefined {
  return value && typeof value === 'object' ? (value as JiraNamed) : undefined;
}

function namedList(value: unknown): JiraNamed[] {
  return Array.isArray(value)
    ? value.filter((v): v is JiraNamed => Boolean(v) && typeof v === 'object')
    : [];
}

function lower(value: string | undefined): string | undefined {
  return value?.trim().toLowerCase();
}

/** The project key of an issue: its project field, else the key's prefix. */
export function projectKeyOf(issue: JiraIssue): string {
  const project = issue.fields.project as { key?: string } | undefined;
  return project?.key ?? issue.key.replace(/-\d+$/, '');
}

/** Where an issue names the components it concerns, besides `components`. */
export interface ComponentSources {
  /**
   * The site the issue comes from: its keys are given once unscoped (for
   * entities that name no site) and once scoped to it ({@link jiraSiteKey}).
   */
  site?: string;
  /** The affected services field, whose service names count as components. */
  affectedServicesField?: string;
  /** Labels with this prefix name a component, e.g. `service:checkout`. */
  componentLabelPrefix?: string;
}

/**
 * Keys that map the issue to entities: its project, and per component,
 * affected service or component label a project-scoped component key, as
 * the `itops.io/jira-component` annotation names them.
 */
export function issueMappingKeys(
  issue: JiraIssue,
  sources: ComponentSources = {},
): MappingKey[] {
  const { affectedServicesField, componentLabelPrefix, site } = sources;
  const project = projectKeyOf(issue);
  const keys: MappingKey[] = [{ type: 'jira-project', value: project }];
  if (site !== undefined) {
    keys.push({ type: 'jira-project', value: jiraSiteKey(site, project) });
  }
  const names = new Set<string>();
  for (const component of namedList(issue.fields.components)) {
    if (component.name) {
      names.add(component.name);
    }
  }
  if (affectedServicesField) {
    for (const service of namedList(issue.fields[affectedServicesField])) {
      if (service.name) {
        names.add(service.name);
      }
    }
  }
  if (componentLabelPrefix !== undefined) {
    for (const label of labelsOf(issue)) {
      const name = label.slice(componentLabelPrefix.length);
      if (label.startsWith(componentLabelPrefix) && name) {
        names.add(name);
      }
    }
  }
  for (const name of names) {
    const component = jiraComponentKey(project, name);
    keys.push({ type: 'jira-component', value: component });
    if (site !== undefined) {
      keys.push({
        type: 'jira-component',
        value: jiraSiteKey(site, component),
      });
    }
  }
  return keys;
}

function statusOf(issue: JiraIssue): JiraStatus {
  return (issue.fields.status as JiraStatus | undefined) ?? {};
}

/** `new` / `indeterminate` / `done`, Jira's own grouping of custom statuses. */
function categoryOf(issue: JiraIssue): string | undefined {
  return statusOf(issue).statusCategory?.key;
}

export function incidentState(
  issue: JiraIssue,
  statuses: IncidentConfig['statuses'],
): IncidentState {
  const byName = statuses[lower(statusOf(issue).name) ?? ''];
  if (byName) {
    return byName;
  }
  switch (categoryOf(issue)) {
    case 'done':
      return 'resolved';
    case 'indeterminate':
      return 'in_progress';
    default:
      return 'new';
  }
}

export function incidentPriority(
  issue: JiraIssue,
  priorities: IncidentConfig['priorities'],
): 1 | 2 | 3 | 4 | 5 {
  const priority = named(issue.fields.priority);
  const byName = priorities[lower(priority?.name) ?? ''];
  if (byName) {
    return byName;
  }
  // The default scheme numbers Highest..Lowest as ids 1..5.
  const id = Number(priority?.id);
  return id >= 1 && id <= 5 ? (id as 1 | 2 | 3 | 4 | 5) : 3;
}

function jsmTime(date: JsmDate | undefined): string | undefined {
  if (date?.epochMillis !== undefined) {
    return new Date(date.epochMillis).toISOString();
  }
  return parseJiraTime(date?.iso8601);
}

function slaNamed(slas: readonly JsmSla[], name: string): JsmSla | undefined {
  const wanted = name.trim().toLowerCase();
  return slas.find(sla => lower(sla.name) === wanted);
}

/**
 * What the JSM SLAs say of an incident: the resolution SLA met or not
 * (a completed cycle, or an ongoing one already breached), and the first
 * response, which is when the incident was acknowledged.
 */
export function slaFacts(
  slas: readonly JsmSla[] | undefined,
  metrics: { resolutionMetric: string; responseMetric: string },
): Pick<IncidentRecord, 'slaMet' | 'acknowledgedAt'> {
  if (!slas) {
    return {};
  }
  const facts: Pick<IncidentRecord, 'slaMet' | 'acknowledgedAt'> = {};
  const resolution = slaNamed(slas, metrics.resolutionMetric);
  const completed = resolution?.completedCycles ?? [];
  if (completed.length > 0) {
    facts.slaMet = completed.every(cycle => !cycle.breached);
  } else if (resolution?.ongoingCycle?.breached) {
    facts.slaMet = false;
  }
  const response = slaNamed(slas, metrics.responseMetric);
  const firstResponse = response?.completedCycles?.[0]?.stopTime;
  const acknowledgedAt = jsmTime(firstResponse);
  if (acknowledgedAt) {
    facts.acknowledgedAt = acknowledgedAt;
  }
  return facts;
}

function browseUrl(siteUrl: string, issue: JiraIssue): string {
  return `${siteUrl}/browse/${encodeURIComponent(issue.key)}`;
}

function labelsOf(issue: JiraIssue): string[] {
  const labels = issue.fields.labels;
  return Array.isArray(labels)
    ? labels.filter((l): l is string => typeof l === 'string')
    : [];
}

/** The `issuelinks` field needed to find an incident's review. */
export const REVIEW_LINK_FIELD = 'issuelinks';

/** One entry of `issuelinks`: the other issue on one side. */
interface JiraIssueLink {
  type?: { name?: string };
  inwardIssue?: JiraIssue;
  outwardIssue?: JiraIssue;
}

/** Which linked issues are changes, and which link types say "caused by". */
export interface ChangeLinkOptions {
  /** Issue types (lower case) of the synced changes. */
  changeIssueTypes: readonly string[];
  /**
   * Link type names (lower case) whose outward side causes the inward one,
   * e.g. `causes`: a change on the inward side of the incident's link
   * caused it. Empty: every link is `related`, since link type names
   * differ per site.
   */
  causedByLinkTypes: readonly string[];
}

/**
 * The changes the incident links to: linked issues of a change type,
 * whatever the link type. Jira leaves out links to issues the user may not
 * browse. Undefined when the issue has no `issuelinks` (the field was not
 * returned): the stored links are kept.
 */
export function linkedChangesOf(
  issue: JiraIssue,
  options: ChangeLinkOptions,
  siteUrl: string,
): IncidentRecord['linkedChanges'] {
  const links = issue.fields[REVIEW_LINK_FIELD];
  if (!Array.isArray(links)) {
    return undefined;
  }
  const changes = new Map<string, LinkedChange>();
  for (const link of links as JiraIssueLink[]) {
    // The issue on the link's inward side is the one whose outward
    // description ("causes") applies to this incident.
    const inward = link?.inwardIssue;
    const linked = inward ?? link?.outwardIssue;
    if (
      !linked?.id ||
      !linked.key ||
      !options.changeIssueTypes.includes(
        lower(named(linked.fields?.issuetype)?.name) ?? '',
      )
    ) {
      continue;
    }
    const causes =
      inward !== undefined &&
      options.causedByLinkTypes.includes(lower(link.type?.name) ?? '');
    const known = changes.get(linked.id);
    if (!known || (causes && known.relation !== 'caused_by')) {
      changes.set(linked.id, {
        externalId: linked.id,
        reference: linked.key,
        relation: causes ? 'caused_by' : 'related',
        url: browseUrl(siteUrl, linked),
      });
    }
  }
  return [...changes.values()];
}

/**
 * The post-incident review linked to an incident: a linked issue of a
 * review type, whatever the link type (sites name it differently). A done
 * review wins over one in progress. The link carries the review's status
 * but no resolution date, so completion time stays unknown rather than
 * costing a request per review.
 */
export function reviewOf(
  issue: JiraIssue,
  reviewIssueTypes: readonly string[],
  siteUrl: string,
  rootCauses?: ReadonlyMap<string, string>,
): IncidentRecord['postIncidentReview'] {
  const links = issue.fields[REVIEW_LINK_FIELD];
  if (reviewIssueTypes.length === 0 || !Array.isArray(links)) {
    return undefined;
  }
  const reviews = (links as JiraIssueLink[])
    .map(link => link?.outwardIssue ?? link?.inwardIssue)
    .filter(
      (linked): linked is JiraIssue =>
        Boolean(linked?.key && linked.fields) &&
        reviewIssueTypes.includes(
          lower(named(linked!.fields.issuetype)?.name) ?? '',
        ),
    );
  const review =
    reviews.find(linked => categoryOf(linked) === 'done') ?? reviews[0];
  if (!review) {
    return undefined;
  }
  const rootCause = rootCauses?.get(review.key);
  return {
    reference: review.key,
    url: browseUrl(siteUrl, review),
    completed: categoryOf(review) === 'done',
    // Without a configured root cause field (no map) the link alone cannot
    // tell a review from an empty one: say so instead of implying "none".
    ...(rootCauses === undefined ? { rootCauseUnknown: true } : {}),
    ...(rootCause ? { rootCause: rootCause.slice(0, 500) } : {}),
  };
}

/** The review issue keys linked to incidents, to read their root causes. */
export function linkedReviewKeys(
  issues: readonly JiraIssue[],
  reviewIssueTypes: readonly string[],
): string[] {
  const keys = new Set<string>();
  for (const issue of issues) {
    const review = reviewOf(issue, reviewIssueTypes, '');
    if (review) keys.add(review.reference);
  }
  return [...keys];
}

/**
 * The text of a root cause field: a plain string (Data Center, API v2) or
 * an Atlassian Document (Cloud, API v3 rich text), flattened to its text.
 */
export function fieldText(value: unknown): string | undefined {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node === 'string') {
      parts.push(node);
    } else if (node && typeof node === 'object') {
      const { text, content } = node as { text?: unknown; content?: unknown };
      if (typeof text === 'string') parts.push(text);
      if (Array.isArray(content)) {
        content.forEach(walk);
        parts.push(' ');
      }
    }
  };
  walk(value);
  const text = parts.join('').replace(/\s+/g, ' ').trim();
  return text.length > 0 ? text : undefined;
}

export function toIncident(
  issue: JiraIssue,
  context: {
    siteUrl: string;
    config: IncidentConfig;
    components?: ComponentSources;
    sla?: Pick<IncidentRecord, 'slaMet' | 'acknowledgedAt'>;
    /** Review key → root cause; absent when no root cause field is configured. */
    reviewRootCauses?: ReadonlyMap<string, string>;
    /** How to find linked changes; absent when changes are not synced. */
    changeLinks?: ChangeLinkOptions;
  },
): IncidentRecord {
  const linkedChanges = context.changeLinks
    ? linkedChangesOf(issue, context.changeLinks, context.siteUrl)
    : undefined;
  const labels = labelsOf(issue).map(l => l.toLowerCase());
  const resolvedAt = parseJiraTime(issue.fields.resolutiondate);
  return {
    externalId: issue.id,
    url: browseUrl(context.siteUrl, issue),
    sourceUpdatedAt: parseJiraTime(issue.fields.updated),
    keys: issueMappingKeys(issue, context.components),
    number: issue.key,
    title: String(issue.fields.summary ?? ''),
    state: incidentState(issue, context.config.statuses),
    sourceState: statusOf(issue).name,
    priority: incidentPriority(issue, context.config.priorities),
    // An unreadable creation time makes the store refuse the record, which
    // is better than inventing one.
    openedAt: parseJiraTime(issue.fields.created) ?? '',
    ...(resolvedAt ? { resolvedAt } : {}),
    ...(labels.includes('major-incident') ? { major: true } : {}),
    ...(labels.includes('security') ? { security: true } : {}),
    ...optionalReview(
      reviewOf(
        issue,
        context.config.reviewIssueTypes,
        context.siteUrl,
        context.reviewRootCauses,
      ),
    ),
    ...(linkedChanges ? { linkedChanges } : {}),
    // Asked for but not returned: what an earlier run stored stays.
    ...(context.changeLinks && !linkedChanges
      ? { unknown: ['linkedChanges'] }
      : {}),
    ...context.sla,
    ...capacityCategory(labels, context.config.capacityLabel),
  };
}

/** Read but not labelled: an empty category, not an unknown one. */
function capacityCategory(
  labels: readonly string[],
  capacityLabel: string | undefined,
): Pick<IncidentRecord, 'category'> {
  if (!capacityLabel) return {};
  return {
    category: labels.includes(capacityLabel.toLowerCase()) ? capacityLabel : '',
  };
}

function optionalReview(review: IncidentRecord['postIncidentReview']) {
  return review ? { postIncidentReview: review } : {};
}

const CHANGE_TYPES: readonly ChangeType[] = ['standard', 'normal', 'emergency'];

const RISKS: Record<string, NonNullable<ChangeRecord['risk']>> = {
  low: 'low',
  medium: 'moderate',
  moderate: 'moderate',
  high: 'high',
  critical: 'very_high',
  'very high': 'very_high',
};

function optionValue(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  const option = named(value);
  return option?.value ?? option?.name;
}

export function changeState(
  issue: JiraIssue,
  statuses: ChangeConfig['statuses'],
): ChangeState {
  const byName = statuses[lower(statusOf(issue).name) ?? ''];
  if (byName) {
    return byName;
  }
  switch (categoryOf(issue)) {
    case 'done':
      return 'closed';
    case 'indeterminate':
      return 'implement';
    default:
      return 'new';
  }
}

interface JsmApproval {
  finalDecision?: string;
  completedDate?: JsmDate;
}

/**
 * The approval from JSM's approvals field when the site has one (the last
 * approval decides), else what the workflow position implies.
 */
function approvalOf(
  issue: JiraIssue,
  state: ChangeState,
  type: ChangeType,
  approvalsField: string | undefined,
): Pick<ChangeRecord, 'approval' | 'approvedAt'> {
  const approvals = approvalsField ? issue.fields[approvalsField] : undefined;
  if (Array.isArray(approvals) && approvals.length > 0) {
    const last = approvals[approvals.length - 1] as JsmApproval;
    switch (lower(last.finalDecision)) {
      case 'approved':
        return {
          approval: 'approved',
          approvedAt: jsmTime(last.completedDate),
        };
      case 'declined':
      case 'rejected':
        return { approval: 'rejected' };
      default:
        return { approval: 'requested' };
    }
  }
  if (state === 'cancelled') {
    return {};
  }
  if (type === 'standard') {
    // Standard changes are pre-approved.
    return { approval: 'approved' };
  }
  switch (state) {
    case 'new':
    case 'assess':
      return { approval: 'not_requested' };
    case 'authorize':
      return { approval: 'requested' };
    default:
      return { approval: 'approved' };
  }
}

export function toChange(
  issue: JiraIssue,
  context: {
    siteUrl: string;
    config: ChangeConfig;
    fields: ChangeFieldIds;
    componentLabelPrefix?: string;
    /** The site, for site-scoped mapping keys. */
    site?: string;
  },
): ChangeRecord {
  const { fields, config } = context;
  const field = (role: keyof ChangeFieldIds) =>
    fields[role] ? issue.fields[fields[role]!] : undefined;
  const typeValue = lower(optionValue(field('changeType')));
  const type = CHANGE_TYPES.find(t => t === typeValue) ?? 'normal';
  const state = changeState(issue, config.statuses);
  const resolution = named(issue.fields.resolution)?.name;
  const outcome =
    config.outcomes[lower(statusOf(issue).name) ?? ''] ??
    (resolution ? config.outcomes[resolution.toLowerCase()] : undefined);
  const risk = RISKS[lower(optionValue(field('changeRisk'))) ?? ''];
  const times = {
    plannedStart: parseJiraTime(field('plannedStart')),
    plannedEnd: parseJiraTime(field('plannedEnd')),
    actualStart: parseJiraTime(field('actualStart')),
    actualEnd: parseJiraTime(field('actualEnd')),
  };
  const record: ChangeRecord = {
    externalId: issue.id,
    url: browseUrl(context.siteUrl, issue),
    sourceUpdatedAt: parseJiraTime(issue.fields.updated),
    keys: issueMappingKeys(issue, {
      affectedServicesField: fields.affectedServices,
      componentLabelPrefix: context.componentLabelPrefix,
      site: context.site,
    }),
    number: issue.key,
    title: String(issue.fields.summary ?? ''),
    type,
    state,
    sourceState: statusOf(issue).name,
    ...approvalOf(issue, state, type, fields.approvals),
  };
  for (const [name, value] of Object.entries(times)) {
    if (value) {
      record[name as keyof typeof times] = value;
    }
  }
  if (risk) {
    record.risk = risk;
  }
  if (outcome) {
    record.outcome = outcome;
  }
  if (resolution) {
    record.sourceOutcome = resolution;
  }
  if (record.approvedAt === undefined) {
    delete record.approvedAt;
  }
  const requestedBy = userIdOf(issue.fields.reporter);
  if (requestedBy) record.requestedBy = requestedBy;
  const implementedBy = userIdOf(issue.fields.assignee);
  if (implementedBy) record.implementedBy = implementedBy;
  const openedAt = parseJiraTime(issue.fields.created);
  if (openedAt) {
    record.openedAt = openedAt;
  }
  if (config.patchLabel) {
    const patch = config.patchLabel.toLowerCase();
    const labelled = (
      Array.isArray(issue.fields.labels) ? issue.fields.labels : []
    ).some(l => typeof l === 'string' && l.toLowerCase() === patch);
    // Read but not a patch: an empty category, not an unknown one.
    record.category = labelled ? config.patchLabel : '';
  }
  return record;
}
