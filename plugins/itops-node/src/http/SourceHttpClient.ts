import type { LoggerService } from '@backstage/backend-plugin-api';
import { type Attempt, type AttemptContext, attemptRequest } from './attempt';
import { RefusedAnswer } from './boundedBody';
import { RequestLimiter } from './RequestLimiter';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
  retryDelayMs,
} from './retryPolicy';
import { describeTimeout, SourceRequestError } from './SourceRequestError';
import { resolveTimeouts, sourceFetch } from './transport';
import type {
  SourceAuth,
  SourceHttpClientOptions,
  SourceRequestInit,
  SourceResponse,
} from './types';

export * from './types';
export { SourceRequestError, type SourceTimeout } from './SourceRequestError';

const BODY_SNIPPET_LENGTH = 300;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * The HTTP client every source module uses: one per source instance, with
 * the shared retry policy (429/502/503/504 and network errors, `Retry-After`
 * honoured, exponential backoff with jitter, capped), a concurrency limit and
 * a requests-per-second budget, timeouts per stage (connect, headers, body)
 * under one deadline per attempt, and one credential refresh after a 401.
 *
 * @public
 */
export class SourceHttpClient {
  readonly name: string;
  readonly baseUrl: string;
  readonly #auth?: SourceAuth;
  readonly #policy: RetryPolicy;
  readonly #limiter: RequestLimiter;
  readonly #attemptContext: AttemptContext;
  readonly #logger?: LoggerService;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: SourceHttpClientOptions) {
    this.name = options.name;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#auth = options.auth;
    // Config readers leave unset keys undefined; those keep the defaults.
    this.#policy = {
      maxAttempts:
        options.retry?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs:
        options.retry?.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    this.#sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    this.#limiter = new RequestLimiter({
      maxConcurrency: options.maxConcurrency ?? 4,
      requestsPerSecond: options.requestsPerSecond ?? 10,
      sleep: this.#sleep,
    });
    this.#logger = options.logger;
    const timeouts = resolveTimeouts(options);
    this.#attemptContext = {
      fetch: options.fetch ?? sourceFetch(options.tls, timeouts),
      defaultHeaders: options.defaultHeaders ?? {},
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      timeouts,
    };
    this.#random = options.random ?? Math.random;
  }

  /** The absolute URL of `path` with `query`, as the client would request it. */
  url(path: string, query?: SourceRequestInit['query']): URL {
    const url = /^https?:\/\//.test(path)
      ? new URL(path)
      : new URL(`${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(name, String(value));
      }
    }
    return url;
  }

  /**
   * Requests JSON. A read (GET) whose successful answer has an empty body
   * fails like a broken one: a proxy or a restarting instance can answer
   * 200 with nothing, and storing that as "no records" would lose data. For
   * other methods (a logout, a token revocation) an empty body reads as
   * `undefined`.
   */
  async json<T>(
    path: string,
    init: SourceRequestInit = {},
  ): Promise<SourceResponse<T>> {
    const read = (init.method ?? 'GET').toUpperCase() === 'GET';
    return this.#send(path, init, async (text, status) => {
      if (text.length === 0) {
        if (read && status !== 204) {
          throw new Error('empty answer where JSON was expected');
        }
        return undefined as T;
      }
      return JSON.parse(text) as T;
    });
  }

  /** Requests text, e.g. a form-encoded token answer. */
  async text(
    path: string,
    init: SourceRequestInit = {},
  ): Promise<SourceResponse<string>> {
    return this.#send(path, init, async text => text);
  }

  async #send<T>(
    path: string,
    init: SourceRequestInit,
    parse: (text: string, status: number) => Promise<T>,
  ): Promise<SourceResponse<T>> {
    const method = (init.method ?? 'GET').toUpperCase();
    const url = this.url(path, init.query);
    const request = `${method} ${url.pathname}`;
    const where = `${this.name} ${request}`;
    // A POST that reached the server may have taken effect, so only an
    // answer that says "not processed" (429/503) or a refused connection is
    // retried for it; idempotent requests are also retried on broken bodies.
    const idempotent = IDEMPOTENT_METHODS.has(method);
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      init.signal?.throwIfAborted();
      // Credentials first, outside the limiter: an auth that fetches its
      // token through this client must not wait for a slot it holds. Its
      // failure is final here: the token request had its own retries, and
      // it keeps its own status (a 400 or 429 of the token endpoint).
      const authHeaders =
        init.anonymous || !this.#auth
          ? {}
          : await this.#auth.headers(init.signal);
      let outcome: Attempt<T>;
      try {
        outcome = await this.#limiter.run(() =>
          attemptRequest(
            this.#attemptContext,
            url,
            method,
            init,
            authHeaders,
            parse,
          ),
        );
      } catch (error) {
        if (init.signal?.aborted) {
          throw init.signal.reason ?? error;
        }
        if (error instanceof RefusedAnswer) {
          // Not retried: the same upstream would answer the same way.
          throw new SourceRequestError(`${where}: ${error.message}`, {
            status: error.status,
            attempts: attempt,
            request,
          });
        }
        outcome = { kind: 'network', error };
      }
      if (outcome.kind === 'network' && init.signal?.aborted) {
        throw init.signal.reason ?? outcome.error;
      }

      if (outcome.kind === 'answer') {
        const { status } = outcome.response;
        if (
          (status >= 200 && status < 300) ||
          init.acceptStatuses?.includes(status)
        ) {
          return outcome.response;
        }
        if (
          status === 401 &&
          this.#auth?.refresh &&
          !refreshed &&
          !init.anonymous
        ) {
          refreshed = true;
          this.#logger?.info(`${where}: 401, renewing credentials once`);
          await this.#auth.refresh(init.signal);
          attempt--;
          continue;
        }
        const retryable =
          isRetryableStatus(status) &&
          (idempotent || status === 429 || status === 503);
        if (!retryable || attempt >= this.#policy.maxAttempts) {
          throw new SourceRequestError(
            `${where} answered ${status}${
              retryable ? ` after ${attempt} attempts` : ''
            }: ${snippet(outcome.rawBody)}`,
            { status, attempts: attempt, request },
          );
        }
        const delay = retryDelayMs(
          this.#policy,
          attempt,
          parseRetryAfter(outcome.response.headers.get('retry-after')),
          this.#random,
        );
        this.#logger?.warn(
          `${where} answered ${status}; retry ${attempt} of ${
            this.#policy.maxAttempts - 1
          } in ${delay} ms`,
        );
        await this.#sleep(delay);
        continue;
      }

      const retryable =
        idempotent ||
        (outcome.kind === 'network' && isConnectRefused(outcome.error));
      const failure = outcome.timeout
        ? describeTimeout(outcome.timeout)
        : describe(outcome.error);
      if (!retryable || attempt >= this.#policy.maxAttempts) {
        throw new SourceRequestError(
          `${where} failed after ${attempt} attempt${
            attempt > 1 ? 's' : ''
          }: ${failure}`,
          {
            attempts: attempt,
            cause: outcome.error,
            request,
            timeout: outcome.timeout,
          },
        );
      }
      const delay = retryDelayMs(
        this.#policy,
        attempt,
        undefined,
        this.#random,
      );
      this.#logger?.warn(
        `${where} failed (${failure}); retry ${attempt} of ${
          this.#policy.maxAttempts - 1
        } in ${delay} ms`,
      );
      await this.#sleep(delay);
    }
  }
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_SNIPPET_LENGTH
    ? `${flat.slice(0, BODY_SNIPPET_LENGTH)}…`
    : flat || '(empty body)';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code =
      cause && typeof cause === 'object' && 'code' in cause
        ? ` (${String((cause as { code: unknown }).code)})`
        : '';
    return `${error.name}: ${error.message}${code}`;
  }
  return String(error);
}

function isConnectRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}
