import { CustomErrorBase } from '@backstage/errors';

/**
 * Which stage of an attempt ran out of time, and after how long. `limit`
 * says whether the stage's own bound or the attempt's overall deadline
 * (`timeoutMs`) ended it.
 *
 * @public
 */
export interface SourceTimeout {
  stage: 'connect' | 'headers' | 'body';
  afterMs: number;
  limit: 'stage' | 'attempt';
}

/**
 * A request to a source that failed for good: a non-retryable status, or the
 * retries ran out. Carries the status but never the request's credentials.
 *
 * @public
 */
export class SourceRequestError extends CustomErrorBase {
  name = 'SourceRequestError' as const;
  readonly status?: number;
  readonly attempts: number;
  /**
   * The request as method and path, without the query or the host, e.g.
   * `GET /api/now/table/incident`: safe to show to users, unlike the
   * message, which may quote the upstream's answer.
   */
  readonly request?: string;
  /** Set when the last attempt timed out. */
  readonly timeout?: SourceTimeout;

  constructor(
    message: string,
    options: {
      status?: number;
      attempts: number;
      cause?: unknown;
      request?: string;
      timeout?: SourceTimeout;
    },
  ) {
    super(message, options.cause);
    this.status = options.status;
    this.attempts = options.attempts;
    this.request = options.request;
    this.timeout = options.timeout;
  }
}

/** A timeout in words, without host or address, e.g. `no answer headers within 20 s`. */
export function describeTimeout(timeout: SourceTimeout): string {
  const seconds = `${Math.round(timeout.afterMs / 100) / 10} s`;
  const within =
    timeout.limit === 'attempt' ? `the attempt's ${seconds}` : seconds;
  switch (timeout.stage) {
    case 'connect':
      return `timed out connecting: no connection within ${within}`;
    case 'headers':
      return `timed out waiting for headers: no answer headers within ${within}`;
    default:
      return timeout.limit === 'attempt'
        ? `timed out reading the body: not complete within ${within}`
        : `timed out reading the body: it stalled for ${within}`;
  }
}
