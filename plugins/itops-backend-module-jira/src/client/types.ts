/** The parts of Jira's and JSM's JSON that the readers use. */

export interface JiraIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
}

export interface JiraStatus {
  name?: string;
  statusCategory?: { key?: string };
}

export interface JiraNamed {
  id?: string;
  name?: string;
  value?: string;
}

/** Cloud `/rest/api/3/search/jql`. */
export interface TokenSearchPage {
  issues?: JiraIssue[];
  nextPageToken?: string | null;
  isLast?: boolean;
}

/** Data Center `/rest/api/2/search`. */
export interface OffsetSearchPage {
  issues?: JiraIssue[];
  startAt?: number;
  maxResults?: number;
  total?: number;
}

/** JSM's `{iso8601, jira, friendly, epochMillis}`. */
export interface JsmDate {
  iso8601?: string;
  epochMillis?: number;
}

export interface JsmSlaCycle {
  startTime?: JsmDate;
  stopTime?: JsmDate;
  breachTime?: JsmDate;
  breached?: boolean;
}

export interface JsmSla {
  id?: string;
  name?: string;
  ongoingCycle?: JsmSlaCycle;
  completedCycles?: JsmSlaCycle[];
}

export interface JsmPage<T> {
  values?: T[];
  isLastPage?: boolean;
  start?: number;
  size?: number;
}

export interface JiraUser {
  accountId?: string;
  name?: string;
  displayName?: string;
  emailAddress?: string;
  timeZone?: string;
}
