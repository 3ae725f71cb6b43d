import type { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase } from '@backstage/errors';
import { Agent, fetch as undiciFetch } from 'undici';
import { readBoundedText, RefusedAnswer } from './boundedBody';
import { fetchWithinOrigin } from './redirects';
import { RequestLimiter } from './RequestLimiter';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
  retryDelayMs,
} from './retryPolicy';

/**
 * Supplies and renews the credentials of a source instance. The client asks
 * for headers before every attempt, so a provider can refresh proactively
 * before expiry; after a 401 it calls `refresh` once and tries again.
 *
 * @public
 */
export interface SourceAuth {
  headers(signal?: AbortSignal): Promise<Record<string, string>>;
  refresh?(signal?: AbortSignal): Promise<void>;
}

/** @public */
export interface SourceHttpClientOptions {
  /** Names the instance in logs and errors, e.g. `servicenow/production`. */
  name: string;
  /** Relative request paths resolve against it. */
  baseUrl: string;
  auth?: SourceAuth;
  retry?: Partial<RetryPolicy>;
  /** Requests in flight at once to this instance (default 4). */
  maxConcurrency?: number;
  /** Average request budget per second to this instance (default 10). */
  requestsPerSecond?: number;
  /**
   * Time allowed for one attempt, from connecting to the last byte of the
   * answer (default 30 s): one deadline bounds connect, headers and body.
   */
  timeoutMs?: number;
  /**
   * Largest answer body read, counted after decompression (default 64 MiB).
   * A larger one fails the request without being read further, so a broken
   * or hostile upstream cannot exhaust the backend's memory.
   */
  maxResponseBytes?: number;
  /** Self-signed or private CA certificates; verification stays on unless `rejectUnauthorized` is set to false. */
  tls?: { rejectUnauthorized?: boolean; ca?: string };
  /** Headers sent on every request, e.g. `x-api-version`. */
  defaultHeaders?: Record<string, string>;
  logger?: LoggerService;
  /** For tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** @public */
export interface SourceRequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Query parameters added to the URL; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
  /**
   * Answers with these statuses are returned instead of thrown, e.g. 404 for
   * an optional API. Retryable statuses are still retried first.
   */
  acceptStatuses?: number[];
  /** Skip the `auth` headers, e.g. for the token request itself. */
  anonymous?: boolean;
}

/** A source answer read in full. @public */
export interface SourceResponse<T> {
  status: number;
  headers: Headers;
  body: T;
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

  constructor(
    message: string,
    options: {
      status?: number;
      attempts: number;
      cause?: unknown;
      request?: string;
    },
  ) {
    super(message, options.cause);
    this.status = options.status;
    this.attempts = options.attempts;
    this.request = options.request;
  }
}

const BODY_SNIPPET_LENGTH = 300;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * The HTTP client every source module uses: one per source instance, with
 * the shared retry policy (429/502/503/504 and network errors, `Retry-After`
 * honoured, exponential backoff with jitter, capped), a concurrency limit and
 * a requests-per-second budget, per-attempt timeouts, and one credential
 * refresh after a 401.
 *
 * @public
 */
export class SourceHttpClient {
  readonly name: string;
  readonly baseUrl: string;
  readonly #auth?: SourceAuth;
  readonly #policy: RetryPolicy;
  readonly #limiter: RequestLimiter;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #defaultHeaders: Record<string, string>;
  readonly #logger?: LoggerService;
  readonly #fetch: typeof fetch;
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
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxResponseBytes =
      options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#defaultHeaders = options.defaultHeaders ?? {};
    this.#logger = options.logger;
    this.#fetch = options.fetch ?? tlsAwareFetch(options.tls);
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
          this.#attempt(url, method, init, authHeaders, parse),
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
      if (!retryable || attempt >= this.#policy.maxAttempts) {
        throw new SourceRequestError(
          `${where} failed after ${attempt} attempt${
            attempt > 1 ? 's' : ''
          }: ${describe(outcome.error)}`,
          { attempts: attempt, cause: outcome.error, request },
        );
      }
      const delay = retryDelayMs(
        this.#policy,
        attempt,
        undefined,
        this.#random,
      );
      this.#logger?.warn(
        `${where} failed (${describe(outcome.error)}); retry ${attempt} of ${
          this.#policy.maxAttempts - 1
        } in ${delay} ms`,
      );
      await this.#sleep(delay);
    }
  }

  async #attempt<T>(
    url: URL,
    method: string,
    init: SourceRequestInit,
    authHeaders: Record<string, string>,
    parse: (text: string, status: number) => Promise<T>,
  ): Promise<Attempt<T>> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = init.signal
      ? AbortSignal.any([init.signal, timeout])
      : timeout;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.#defaultHeaders,
      ...authHeaders,
      ...init.headers,
    };
    let body: string | undefined;
    if (typeof init.body === 'string') {
      body = init.body;
    } else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetchWithinOrigin(this.#fetch, url, {
      method,
      headers,
      body,
      signal,
    });
    let rawBody: string;
    try {
      rawBody = await readBoundedText(response, this.#maxResponseBytes);
    } catch (error) {
      if (error instanceof RefusedAnswer) {
        throw error;
      }
      return { kind: 'body', error };
    }
    if (response.status < 200 || response.status >= 300) {
      const accepted = init.acceptStatuses?.includes(response.status);
      return {
        kind: 'answer',
        rawBody,
        response: {
          status: response.status,
          headers: response.headers,
          body: accepted
            ? await parseOrRaw(parse, rawBody, response.status)
            : (undefined as T),
        },
      };
    }
    try {
      return {
        kind: 'answer',
        rawBody,
        response: {
          status: response.status,
          headers: response.headers,
          body: await parse(rawBody, response.status),
        },
      };
    } catch (error) {
      return { kind: 'body', error };
    }
  }
}

type Attempt<T> =
  | { kind: 'answer'; response: SourceResponse<T>; rawBody: string }
  | { kind: 'network' | 'body'; error: unknown };

async function parseOrRaw<T>(
  parse: (text: string, status: number) => Promise<T>,
  text: string,
  status: number,
): Promise<T> {
  try {
    return await parse(text, status);
  } catch {
    return text as unknown as T;
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

function tlsAwareFetch(tls: SourceHttpClientOptions['tls']): typeof fetch {
  if (!tls || (tls.rejectUnauthorized !== false && !tls.ca)) {
    return (input, init) => globalThis.fetch(input, init);
  }
  const dispatcher = new Agent({
    connect: {
      rejectUnauthorized: tls.rejectUnauthorized !== false,
      ca: tls.ca,
    },
  });
  return ((input: URL, init: RequestInit) =>
    undiciFetch(input, {
      ...(init as object),
      dispatcher,
    })) as unknown as typeof fetch;
}
