import { formatInZone } from '@backstage-itops/plugin-itops-node';

/**
 * Jira's time formats: `2025-03-04T10:20:30.123+0000` in fields (offset
 * without a colon), and `yyyy/MM/dd HH:mm` in JQL, which Jira reads in the
 * searching user's time zone at minute resolution.
 */

/**
 * Jira's timestamp shape: ISO 8601 date and time, offset with or without
 * a colon. Anything else (`03/01/2026`, `yesterday`) is unreadable rather
 * than guessed at by the platform's lenient date parser.
 */
const JIRA_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A Jira timestamp as ISO 8601 UTC; undefined when absent or unreadable. */
export function parseJiraTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || !JIRA_TIME.test(value)) {
    return undefined;
  }
  // `+0000` → `+00:00`, which every Date parser accepts.
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const epoch = Date.parse(normalized);
  return Number.isNaN(epoch) ? undefined : new Date(epoch).toISOString();
}

/**
 * `epochMs` as a JQL date in `timeZone`, rounded down to the minute, so
 * that `updated >= "…"` never starts after the instant.
 */
export function formatJqlDate(epochMs: number, timeZone: string): string {
  return formatInZone(epochMs, timeZone, 'yyyy/MM/dd HH:mm');
}
