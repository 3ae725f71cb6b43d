import { stringifyError } from '@backstage/errors';

const MAX_LENGTH = 1000;

/**
 * Patterns of secrets that upstream client errors are known to echo back:
 * credentials in URLs, authorization headers, and secret-looking query or
 * JSON parameters.
 */
const SECRETS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@'],
  [
    /\b([\w-]*(?:password|passwd|secret|token|api[_-]?key|apikey|authorization|credentials?)[\w-]*)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"'&,;}]+/gi,
    '$1$2***',
  ],
  [/\b(bearer|basic|token)\s+[\w\-.~+/=]+/gi, '$1 ***'],
];

/**
 * The message a failed sync stores and logs: the error's name and message
 * with anything that looks like a credential masked, and bounded in length,
 * since it is shown to every user of the status API.
 */
export function syncErrorMessage(error: unknown): string {
  return bounded(masked(error));
}

function masked(error: unknown): string {
  let message = stringifyError(error);
  for (const [pattern, replacement] of SECRETS) {
    message = message.replace(pattern, replacement);
  }
  return message;
}

function bounded(message: string): string {
  return message.length > MAX_LENGTH
    ? `${message.slice(0, MAX_LENGTH - 1)}…`
    : message;
}

/** Statements a database error quotes. */
const SQL =
  /\b(insert into|select\b[\s\S]*\bfrom|update\s+\S+\s+set|delete from)\b/i;

/**
 * An error in full for the backend log: masked like every sync message,
 * and, when it quotes SQL, with the statement's literals and value lists
 * cut, since a failed statement quotes the records it carried (SQLite's
 * errors inline every bound value).
 */
export function loggableError(error: unknown): string {
  // Cut before bounding: a statement cut mid-literal would leave the
  // unterminated rest of a value in the log.
  const message = masked(error);
  if (!SQL.test(message)) {
    return bounded(message);
  }
  return bounded(
    message
      .replace(
        /\bvalues\s*\((?:[^()]|\([^()]*\))*\)(?:\s*,\s*\((?:[^()]|\([^()]*\))*\))*/gi,
        'values (…)',
      )
      .replace(/'(?:[^']|'')*'/g, "'…'"),
  );
}
