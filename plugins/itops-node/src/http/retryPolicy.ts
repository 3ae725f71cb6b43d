/**
 * When and how long to wait before a request to a source is tried again.
 * Shared by every source module so that ServiceNow, Jira and Veeam are
 * treated alike: transient answers are retried, everything else fails fast.
 *
 * @public
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff of the first retry before jitter; doubles per attempt. */
  baseDelayMs: number;
  /** Upper bound of one backoff, and of an honoured `Retry-After`. */
  maxDelayMs: number;
}

/** @public */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
};

/** Statuses that say "try again later" rather than "this request is wrong". */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** @public */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Reads `Retry-After` as delta-seconds or an HTTP date; `undefined` when
 * absent or unreadable.
 *
 * @public
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `retry` (1 for the first retry): the server's
 * `Retry-After` when it gave one, otherwise exponential backoff with full
 * jitter so that replicas and instances do not retry in lockstep. Both are
 * capped by `maxDelayMs`.
 *
 * @public
 */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) {
    return Math.min(retryAfterMs, policy.maxDelayMs);
  }
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** (retry - 1),
  );
  return Math.round(random() * ceiling);
}
