import type { JiraClient } from './client/JiraClient';
import type { JiraIssue } from './client/types';
import { quoteJqlValue } from './jql';
import { fieldText, linkedReviewKeys } from './mapping';

/*
 * The root cause lives on the review issue, which `issuelinks` on the
 * incident search carries only as key, summary, status and type. One
 * search per page of incidents (`key in (…)` with just the configured
 * field) reads it for every review on the page, instead of a request per
 * review.
 */

/**
 * Review key → root cause text for the reviews linked to these incidents;
 * reviews whose field is empty are left out. Undefined when no root cause
 * field is configured, so the mapping can say "not recorded by this
 * source" rather than "no root cause".
 */
export async function readReviewRootCauses(options: {
  client: JiraClient;
  issues: readonly JiraIssue[];
  reviewIssueTypes: readonly string[];
  rootCauseField: string | undefined;
  pageSize: number;
  signal?: AbortSignal;
}): Promise<Map<string, string> | undefined> {
  const { rootCauseField } = options;
  if (!rootCauseField) {
    return undefined;
  }
  const result = new Map<string, string>();
  const keys = linkedReviewKeys(options.issues, options.reviewIssueTypes);
  for (let i = 0; i < keys.length; i += options.pageSize) {
    const chunk = keys.slice(i, i + options.pageSize);
    const pages = options.client.search({
      jql: `key in (${chunk.map(quoteJqlValue).join(', ')})`,
      fields: [rootCauseField],
      pageSize: options.pageSize,
      signal: options.signal,
    });
    for await (const page of pages) {
      for (const review of page) {
        const text = fieldText(review.fields[rootCauseField]);
        if (text) result.set(review.key, text);
      }
    }
  }
  return result;
}
