import { ORG_SERVICES } from '../world/org';
import { Random } from '../world/random';
import type { IssueRecord, LinkedIssue } from './issue';
import {
  CHANGE_RISKS,
  type ChangeType,
  type PriorityName,
  type Site,
  type SiteProject,
} from './site';
import { DAY, HOUR, MINUTE } from './time';

/**
 * Seeded generation of the demo world: about 90 days of incidents, changes
 * (some failed and followed by an incident, some upcoming in the next 30
 * days) and service requests, laid out relative to `now`.
 */

/** An issue before it gets its id and key, which follow creation order. */
export type IssueDraft = Omit<IssueRecord, 'id' | 'number'>;

const SYMPTOMS = [
  'elevated 5xx error rate',
  'latency above SLO',
  'pods crash-looping',
  'TLS certificate about to expire',
  'queue backlog growing',
  'database connection pool exhausted',
  'login failures for some users',
  'degraded results',
  'memory leak after deploy',
  'disk usage above 90%',
];

const INCIDENT_LABELS = [
  'customer-impact',
  'monitoring',
  'degradation',
  'database',
  'security',
];

/** Median hours to resolve by priority: mostly within the SLA goals of sla.ts. */
const RESOLVE_MEDIAN_HOURS: Record<PriorityName, number> = {
  Highest: 2,
  High: 5,
  Medium: 16,
  Low: 48,
  Lowest: 96,
};

const PRIORITY_WEIGHTS: ReadonlyArray<readonly [PriorityName, number]> = [
  ['Highest', 1],
  ['High', 3],
  ['Medium', 5],
  ['Low', 3],
  ['Lowest', 1],
];

const HISTORY_DAYS = 90;
const UPCOMING_DAYS = 30;

function affectedServiceFor(component: string): string {
  const service = ORG_SERVICES.find(s => s.jiraComponent === component);
  return service?.catalogName ?? component;
}

/**
 * An incident opened at `created` and, depending on its draw, worked on or
 * resolved by `now`.
 */
export function draftIncident(
  random: Random,
  site: Site,
  project: SiteProject,
  created: number,
  now: number,
  priority: PriorityName = random.weighted(PRIORITY_WEIGHTS),
): IssueDraft {
  const component = random.pick(project.components).name;
  const team = site.teamUsers(project.team);
  const labels = INCIDENT_LABELS.filter(() => random.chance(0.2));
  if (priority === 'Highest') {
    labels.unshift('major-incident');
  }
  // Every seventh incident (by creation minute, no random draw, so the rest
  // of the world stays as it was) is a capacity incident, for CAP-01.
  if (Math.floor(created / 60_000) % 7 === 0) {
    labels.push('capacity');
  }
  const resolveAfter =
    RESOLVE_MEDIAN_HOURS[priority] * HOUR * random.logNormal(1, 0.8);
  const resolved =
    created + resolveAfter < now ? Math.round(created + resolveAfter) : null;
  const respondAfter = Math.min(
    resolveAfter,
    (RESOLVE_MEDIAN_HOURS[priority] / 8) * HOUR * random.logNormal(1, 0.9),
  );
  const firstResponse =
    created + respondAfter < now ? Math.round(created + respondAfter) : null;
  let status: string;
  let updated: number;
  let resolution: IssueDraft['resolution'] = null;
  if (resolved !== null) {
    resolution = random.chance(0.05) ? "Won't Do" : 'Done';
    const closed = now - resolved > 7 * DAY;
    status = closed ? 'Closed' : 'Resolved';
    updated = Math.min(
      now,
      resolved + (closed ? 3 * DAY : 0) + random.int(1, 30) * MINUTE,
    );
  } else {
    status = random.weighted([
      ['Open', firstResponse === null ? 6 : 1],
      ['Work in progress', 5],
      ['Pending', 2],
    ] as const);
    updated = Math.round(created + random.next() * (now - created));
  }
  return {
    projectKey: project.key,
    issueType: 'Incident',
    summary: `${component}: ${random.pick(SYMPTOMS)}`,
    description: `Alert raised by monitoring for ${component}.`,
    status,
    priority,
    created,
    updated,
    resolved,
    resolution,
    components: [component],
    labels,
    assignee:
      status === 'Open' && random.chance(0.5)
        ? null
        : random.pick(team).userName,
    reporter: random.pick(team).userName,
    firstResponse,
  };
}

function changeResolution(
  resolved: number | null,
  status: string,
): IssueDraft['resolution'] {
  if (resolved === null) {
    return null;
  }
  return status === 'Canceled' ? "Won't Do" : 'Done';
}

export function draftChange(
  random: Random,
  site: Site,
  project: SiteProject,
  plannedStart: number,
  now: number,
): IssueDraft {
  const component = random.pick(project.components).name;
  const team = site.teamUsers(project.team);
  const type: ChangeType = random.weighted([
    ['Standard', 5],
    ['Normal', 4],
    ['Emergency', 1],
  ] as const);
  const leadTime =
    type === 'Emergency'
      ? random.int(1, 6) * HOUR
      : random.int(type === 'Standard' ? 1 : 3, 10) * DAY;
  const plannedEnd = plannedStart + random.int(1, 4) * HOUR;
  const created = Math.min(
    plannedStart - leadTime,
    now - random.int(1, 48) * HOUR,
  );
  let status: string;
  let resolved: number | null = null;
  if (plannedEnd < now) {
    status = random.weighted([
      ['Completed', 80],
      ['Failed', 12],
      ['Canceled', 8],
    ] as const);
    resolved =
      status === 'Canceled'
        ? Math.min(plannedStart - HOUR, now)
        : plannedEnd + random.int(5, 45) * MINUTE;
    resolved = Math.min(Math.max(resolved, created + MINUTE), now);
  } else if (plannedStart <= now) {
    status = 'Implementing';
  } else {
    status = random.weighted([
      ['Planning', 2],
      ['Awaiting approval', 3],
      ['Awaiting implementation', 4],
    ] as const);
  }
  const updated =
    resolved ?? Math.round(created + random.next() * (now - created));
  return {
    projectKey: project.key,
    issueType: 'Change',
    summary: `Deploy ${component} ${random.int(1, 9)}.${random.int(
      0,
      40,
    )}.${random.int(0, 9)}`,
    description: `Rollout of a new release of ${component}.`,
    status,
    priority: type === 'Emergency' ? 'High' : 'Medium',
    created,
    updated: Math.min(updated, now),
    resolved,
    resolution: changeResolution(resolved, status),
    components: [component],
    // Every fifth change (by creation minute, no random draw, so the rest of
    // the world stays as it was) is a security patch, for VUL-01.
    labels: [
      ...(type === 'Emergency' ? ['hotfix'] : []),
      ...(Math.floor(created / 60_000) % 5 === 0 ? ['security-patch'] : []),
    ],
    assignee: random.pick(team).userName,
    reporter: random.pick(team).userName,
    firstResponse: null,
    change: {
      type,
      risk: random.pick(CHANGE_RISKS),
      plannedStart,
      plannedEnd,
      affectedServices: [affectedServiceFor(component)],
    },
  };
}

function draftServiceRequest(
  random: Random,
  site: Site,
  project: SiteProject,
  created: number,
  now: number,
): IssueDraft {
  const component = random.pick(project.components).name;
  const team = site.teamUsers(project.team);
  const resolveAfter = 24 * HOUR * random.logNormal(1, 1);
  const resolved =
    created + resolveAfter < now ? Math.round(created + resolveAfter) : null;
  const firstResponse = Math.round(
    created + Math.min(resolveAfter, 2 * HOUR * random.logNormal(1, 0.7)),
  );
  let status = firstResponse < now ? 'Work in progress' : 'Waiting for support';
  if (resolved !== null) {
    status = 'Resolved';
  }
  return {
    projectKey: project.key,
    issueType: 'Service Request',
    summary: random.pick([
      `Access to the ${component} dashboard`,
      `New API credentials for ${component}`,
      `Raise rate limit of ${component}`,
    ]),
    description: 'Requested through the help center.',
    status,
    priority: 'Medium',
    created,
    updated: resolved ?? Math.round(created + random.next() * (now - created)),
    resolved,
    resolution: resolved === null ? null : 'Done',
    components: [component],
    labels: [],
    assignee:
      status === 'Waiting for support' ? null : random.pick(team).userName,
    reporter: random.pick(site.users).userName,
    firstResponse: firstResponse < now ? firstResponse : null,
  };
}

/**
 * Numbers drafts in creation order, per project, as Jira assigns keys. The
 * drafts become the records (same objects), so references to them stay valid.
 */
function numberIssues(
  drafts: IssueDraft[],
  after: readonly IssueRecord[] = [],
): IssueRecord[] {
  const sorted = [...drafts].sort((a, b) => a.created - b.created);
  const counters = new Map<string, number>();
  for (const issue of after) {
    counters.set(
      issue.projectKey,
      Math.max(counters.get(issue.projectKey) ?? 0, issue.number),
    );
  }
  return sorted.map((draft, index) => {
    const number = (counters.get(draft.projectKey) ?? 0) + 1;
    counters.set(draft.projectKey, number);
    return Object.assign(draft, { id: 10001 + after.length + index, number });
  });
}

/** Share of resolved Highest/High incidents whose review was held. */
const REVIEW_SHARE = 0.8;

/**
 * Share of completed reviews whose "Root cause" field was left empty,
 * so INC-04 has reviews that are linked but record no root cause.
 */
const EMPTY_ROOT_CAUSE_SHARE = 0.15;

const ROOT_CAUSES = [
  'Connection pool exhausted after a configuration change lowered its limit.',
  'Expired TLS certificate on the upstream gateway; renewal job had failed silently.',
  'Database failover left the replica lagging; reads served stale data.',
  'A deployment shipped a migration that locked the orders table.',
  'Disk filled by unrotated debug logs on the primary node.',
];

function linkedIssue(issue: IssueRecord): LinkedIssue {
  const { id, projectKey, number, issueType, summary, status, priority } =
    issue;
  return { id, projectKey, number, issueType, summary, status, priority };
}

/**
 * Post-incident reviews of resolved Highest/High incidents, as JSM's
 * "Create post-incident review" action makes them: an issue of their own,
 * linked to the incident, opened a few days after resolution and done a
 * few days later (or still in progress). Some incidents get none, so that
 * compliance INC-04 has failures to show. They are numbered after every
 * other issue, which keeps the keys of the rest of the world as they were
 * before reviews existed.
 */
function addReviews(
  seed: number,
  site: Site,
  issues: IssueRecord[],
  now: number,
): IssueRecord[] {
  const drafts: Array<{ incident: IssueRecord; review: IssueDraft }> = [];
  for (const project of site.projects) {
    const random = Random.derive(seed, 'demo', project.key, 'review');
    // Its own stream, so the reviews themselves are what they were before.
    const causes = Random.derive(seed, 'demo', project.key, 'root-cause');
    const team = site.teamUsers(project.team);
    for (const incident of issues) {
      if (
        incident.projectKey !== project.key ||
        incident.issueType !== 'Incident' ||
        incident.resolved === null ||
        (incident.priority !== 'Highest' && incident.priority !== 'High') ||
        !random.chance(REVIEW_SHARE)
      ) {
        continue;
      }
      const created = incident.resolved + random.int(1, 8) * DAY;
      if (created >= now) {
        continue;
      }
      const doneAt = created + random.int(1, 6) * DAY + random.int(0, 8) * HOUR;
      const done = doneAt < now;
      const owner = random.pick(team).userName;
      const rootCause =
        done && !causes.chance(EMPTY_ROOT_CAUSE_SHARE)
          ? causes.pick(ROOT_CAUSES)
          : undefined;
      drafts.push({
        incident,
        review: {
          projectKey: project.key,
          issueType: 'Post-incident review',
          summary: `Post-incident review: ${incident.summary}`,
          description: `Timeline, root cause and actions of ${project.key}-${incident.number}.`,
          status: done ? 'Completed' : 'Work in progress',
          priority: incident.priority,
          created,
          updated: done ? doneAt : created,
          resolved: done ? doneAt : null,
          resolution: done ? 'Done' : null,
          components: [...incident.components],
          labels: ['post-incident-review'],
          assignee: owner,
          reporter: owner,
          firstResponse: null,
          ...(rootCause ? { rootCause } : {}),
        },
      });
    }
  }
  const reviews = numberIssues(
    drafts.map(d => d.review),
    issues,
  );
  let linkId = 20000;
  for (const { incident, review } of drafts) {
    const id = String(++linkId);
    const record = review as IssueRecord;
    // Linking is an edit of the incident: an incremental sync sees it.
    incident.updated = Math.max(incident.updated, record.created);
    incident.links = [
      ...(incident.links ?? []),
      { id, type: 'Relates', direction: 'outward', issue: linkedIssue(record) },
    ];
    record.links = [
      {
        id,
        type: 'Relates',
        direction: 'inward',
        issue: linkedIssue(incident),
      },
    ];
  }
  return [...issues, ...reviews];
}

export function generateDemoIssues(
  seed: number,
  site: Site,
  now: number,
): IssueRecord[] {
  const drafts: IssueDraft[] = [];
  const followUps = new Map<IssueDraft, IssueDraft>();
  const start = now - HISTORY_DAYS * DAY;
  for (const project of site.projects) {
    const incidents = Random.derive(seed, 'demo', project.key, 'incident');
    for (let i = 0; i < 45; i++) {
      const created = start + Math.floor(incidents.next() * HISTORY_DAYS * DAY);
      drafts.push(draftIncident(incidents, site, project, created, now));
    }
    // A few fresh ones, so that the demo always has incidents in flight,
    // the newest just opened.
    for (let i = 0; i < 4; i++) {
      const created = now - incidents.int(2, i === 0 ? 15 : 36 * 60) * MINUTE;
      drafts.push(draftIncident(incidents, site, project, created, now));
    }

    const changes = Random.derive(seed, 'demo', project.key, 'change');
    const plannedStarts = [
      ...Array.from(
        { length: 30 },
        () => start + changes.int(0, HISTORY_DAYS * 24) * HOUR,
      ),
      ...Array.from(
        { length: 6 },
        () => now + changes.int(2, UPCOMING_DAYS * 24) * HOUR,
      ),
    ];
    for (const plannedStart of plannedStarts) {
      const change = draftChange(changes, site, project, plannedStart, now);
      drafts.push(change);
      const breakAt = change.change!.plannedEnd + changes.int(5, 120) * MINUTE;
      if (change.status === 'Failed' && breakAt < now) {
        const incident = draftIncident(
          changes,
          site,
          project,
          breakAt,
          now,
          changes.pick(['Highest', 'High'] as const),
        );
        incident.components = [...change.components];
        incident.summary = `${change.components[0]}: errors after failed change`;
        incident.labels = ['change-failure', ...incident.labels];
        followUps.set(incident, change);
        drafts.push(incident);
      }
    }

    const requests = Random.derive(seed, 'demo', project.key, 'request');
    for (let i = 0; i < 8; i++) {
      const created = start + Math.floor(requests.next() * HISTORY_DAYS * DAY);
      drafts.push(draftServiceRequest(requests, site, project, created, now));
    }
  }
  const issues = numberIssues(drafts);
  // Keys exist only after numbering, so follow-up incidents name their
  // change now.
  for (const [incident, change] of followUps) {
    incident.description = `Started after change ${change.projectKey}-${
      (change as IssueRecord).number
    } failed.`;
  }
  return addReviews(seed, site, issues, now);
}
