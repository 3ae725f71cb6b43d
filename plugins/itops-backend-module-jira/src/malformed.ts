import type { JiraIssue, JiraStatus } from './client/types';
import { parseJiraTime } from './time';

/**
 * What makes an issue unusable as a record: a missing id or key, a date
 * that is there but unreadable, a status that neither config nor Jira's
 * status category places. Such an issue is skipped with a warning rather
 * than stored half-right, and never stops the run.
 */
export interface Malformation {
  /** The Jira field, e.g. `created` or `customfield_10042 (Planned start)`. */
  field: string;
  /** What it held, shortened for the log. */
  value: string;
}

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/i;
const CATEGORIES = new Set(['new', 'indeterminate', 'done']);

function describeValue(value: unknown): string {
  const text = value === undefined ? 'missing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export interface MalformationRules {
  /** Date fields that may be empty but, when set, must be readable: id → label. */
  dates: Record<string, string>;
  /** Date fields that must be there and readable. */
  requiredDates: string[];
  /** Status names (lower case) config maps, besides the status categories. */
  statuses: Record<string, unknown>;
}

export function findMalformation(
  issue: JiraIssue,
  rules: MalformationRules,
): Malformation | undefined {
  if (typeof issue?.id !== 'string' || issue.id === '') {
    return { field: 'id', value: describeValue(issue?.id) };
  }
  if (typeof issue.key !== 'string' || !ISSUE_KEY.test(issue.key)) {
    return { field: 'key', value: describeValue(issue.key) };
  }
  const fields = issue.fields ?? {};
  for (const id of rules.requiredDates) {
    if (parseJiraTime(fields[id]) === undefined) {
      return { field: id, value: describeValue(fields[id]) };
    }
  }
  for (const [id, label] of Object.entries(rules.dates)) {
    const value = fields[id];
    if (
      value !== null &&
      value !== undefined &&
      value !== '' &&
      parseJiraTime(value) === undefined
    ) {
      return {
        field: label ? `${id} (${label})` : id,
        value: describeValue(value),
      };
    }
  }
  const status = fields.status as JiraStatus | undefined;
  const name = status?.name?.trim().toLowerCase();
  const category = status?.statusCategory?.key;
  if (
    !(name && name in rules.statuses) &&
    !(category && CATEGORIES.has(category))
  ) {
    return { field: 'status', value: describeValue(status?.name ?? status) };
  }
  return undefined;
}

/** How an issue is named in a warning: its key, else its id. */
export function issueName(issue: JiraIssue): string {
  return typeof issue?.key === 'string' && issue.key
    ? issue.key
    : `id ${String(issue?.id)}`;
}
