import type {
  ChangeRisk,
  ChangeType,
  IssueTypeName,
  PriorityName,
  ResolutionName,
} from './site';

/**
 * One issue as the simulator keeps it: plain values, times in epoch
 * milliseconds, people by user name. Rendering turns it into Jira's shape.
 */
export interface IssueRecord {
  id: number;
  projectKey: string;
  /** The number after the dash in the key. */
  number: number;
  issueType: IssueTypeName;
  summary: string;
  description: string;
  /** Status name, one of STATUSES. */
  status: string;
  priority: PriorityName;
  created: number;
  updated: number;
  resolved: number | null;
  resolution: ResolutionName | null;
  components: string[];
  labels: string[];
  assignee: string | null;
  reporter: string;
  /** When an agent first responded, for the "Time to first response" SLA. */
  firstResponse: number | null;
  change?: ChangeDetails;
  /** A post-incident review's root cause ("Root cause" field); absent when left empty. */
  rootCause?: string;
  /** Links to other issues, as `issuelinks` renders them. */
  links?: IssueLinkRecord[];
}

/**
 * A link seen from one side. The other issue is kept as the few fields a
 * link shows of it (Jira renders only those), not as the record itself, so
 * that linked records hold no cycles.
 */
export interface IssueLinkRecord {
  id: string;
  type: 'Relates';
  /** `outward`: this issue relates to `issue`; `inward`: the reverse. */
  direction: 'inward' | 'outward';
  issue: LinkedIssue;
}

export type LinkedIssue = Pick<
  IssueRecord,
  | 'id'
  | 'projectKey'
  | 'number'
  | 'issueType'
  | 'summary'
  | 'status'
  | 'priority'
>;

export interface ChangeDetails {
  type: ChangeType;
  risk: ChangeRisk;
  plannedStart: number;
  plannedEnd: number;
  /** Names of the affected services. */
  affectedServices: string[];
}

export function issueKey(issue: IssueRecord): string {
  return `${issue.projectKey}-${issue.number}`;
}
