import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  SourceRequestError,
  type SyncPartial,
} from '@backstage-itops/plugin-itops-node';
import { STATUS_CODES } from 'node:http';
import { VeeamShapeError } from './VeeamClient';

/**
 * A call the backups capability can do without, and what is missing when
 * the server does not answer it. Two uses of one endpoint are two optional
 * calls: a role may be refused the details of restore tests yet read those
 * of backup runs.
 */
export interface OptionalCall {
  /** Method and path template, e.g. `GET /api/v1/sessions/{id}/taskSessions`. */
  call: string;
  /** What the records lack without it, for people. */
  lost: string;
  /**
   * Whether every record is still yielded without it (a detail of records
   * is missing, not records): then a full run still deletes what it did
   * not see. Left out, the run deletes nothing.
   */
  recordsComplete?: boolean;
}

/**
 * How a VBR says it has not got an endpoint or will not serve it to this
 * user: 404 (absent from the revision), 403 (the role may not), 501
 * (routed, not implemented). Anything else (401, 429 or 5xx after the
 * retries, a network failure) fails the run, which keeps what is stored.
 */
const REFUSALS = new Set([403, 404, 501]);

/**
 * The optional calls of one sync run. A refused call is not made again in
 * that run: a missing endpoint answers every session the same way, so
 * asking once per session would only hammer the server. Each batch names
 * the optional calls it went without, once each.
 */
export class OptionalCalls {
  readonly #server: string;
  readonly #logger?: LoggerService;
  /** Why each refused call was refused, by call and use. */
  readonly #refused = new Map<string, string>();
  #batch = new Map<string, SyncPartial>();

  constructor(server: string, logger?: LoggerService) {
    this.#server = server;
    this.#logger = logger;
  }

  /** Whether a call was refused earlier in this run (it will not be made). */
  isRefused(call: OptionalCall): boolean {
    return this.#refused.has(keyOf(call));
  }

  /**
   * Makes the call unless it was refused earlier in the run; a refusal or
   * an answer of an unexpected shape gives `undefined` and marks the
   * batch partial. Other failures are thrown. With `fallback`, the caller
   * has another way to the same data: a refusal is not partial.
   */
  async run<T>(
    call: OptionalCall,
    request: () => Promise<T>,
    options: { fallback?: string } = {},
  ): Promise<T | undefined> {
    const key = keyOf(call);
    const earlier = this.#refused.get(key);
    if (earlier !== undefined) {
      if (!options.fallback) {
        this.#note(call, earlier);
      }
      return undefined;
    }
    try {
      return await request();
    } catch (error) {
      const reason = refusalReason(error);
      if (reason === undefined) {
        throw error;
      }
      if (!this.#refused.has(key)) {
        this.#refused.set(key, reason);
        this.#logger?.[options.fallback ? 'info' : 'warn'](
          `Veeam ${this.#server}: ${call.call} answered ${reason}; ${
            options.fallback
              ? `using ${options.fallback}`
              : `syncing without ${call.lost}`
          } for the rest of this run`,
        );
      }
      if (!options.fallback) {
        this.#note(call, reason);
      }
      return undefined;
    }
  }

  /** The optional calls the batch being read went without; starts the next batch. */
  takeBatch(): SyncPartial[] | undefined {
    const partial = [...this.#batch.values()];
    this.#batch = new Map();
    return partial.length > 0 ? partial : undefined;
  }

  #note(call: OptionalCall, reason: string): void {
    this.#batch.set(keyOf(call), {
      call: call.call,
      reason,
      lost: call.lost,
      ...(call.recordsComplete ? { recordsComplete: true } : {}),
    });
  }
}

function keyOf(call: OptionalCall): string {
  return `${call.call}\u0000${call.lost}`;
}

/** `404 Not Found` for a refusal, `unexpected answer shape` for a shape error, else undefined. */
function refusalReason(error: unknown): string | undefined {
  if (error instanceof VeeamShapeError) {
    return 'unexpected answer shape';
  }
  if (
    error instanceof SourceRequestError &&
    error.status !== undefined &&
    REFUSALS.has(error.status)
  ) {
    return `${error.status} ${STATUS_CODES[error.status]}`;
  }
  return undefined;
}
