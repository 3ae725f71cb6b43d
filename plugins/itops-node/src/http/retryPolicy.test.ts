import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  retryDelayMs,
} from './retryPolicy';

describe('retry policy', () => {
  it('retries only the statuses that mean "later"', () => {
    expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 410, 500].some(isRetryableStatus)).toBe(
      false,
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped', () => {
    const policy = {
      ...DEFAULT_RETRY_POLICY,
      baseDelayMs: 100,
      maxDelayMs: 1000,
    };
    expect(retryDelayMs(policy, 1, undefined, () => 1)).toBe(100);
    expect(retryDelayMs(policy, 3, undefined, () => 1)).toBe(400);
    expect(retryDelayMs(policy, 3, undefined, () => 0.5)).toBe(200);
    expect(retryDelayMs(policy, 10, undefined, () => 1)).toBe(1000);
    expect(retryDelayMs(policy, 1, undefined, () => 0)).toBe(0);
  });

  it("prefers the server's Retry-After, within the cap", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxDelayMs: 60_000 };
    expect(retryDelayMs(policy, 1, 5000, () => 0)).toBe(5000);
    expect(retryDelayMs(policy, 1, 3_600_000, () => 0)).toBe(60_000);
  });
});
