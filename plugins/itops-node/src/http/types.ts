import type { LoggerService } from '@backstage/backend-plugin-api';
import type { RetryPolicy } from './retryPolicy';

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

/**
 * Time allowed for each stage of one attempt. Each is capped by the
 * attempt's overall `timeoutMs`.
 *
 * @public
 */
export interface SourceStageTimeouts {
  /** Opening the connection, TLS handshake included (default 10 s). */
  connectMs?: number;
  /**
   * From sending the request to the last header of the answer: a server
   * that accepts the connection but never answers (default: `timeoutMs`).
   */
  headersMs?: number;
  /**
   * Longest pause between two parts of the body: an answer that starts
   * and then stalls (default: `timeoutMs`).
   */
  bodyMs?: number;
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
   * answer (default 30 s): the cap over all stages of `timeouts`.
   */
  timeoutMs?: number;
  /** Separate bounds for connect, headers and body within an attempt. */
  timeouts?: SourceStageTimeouts;
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
