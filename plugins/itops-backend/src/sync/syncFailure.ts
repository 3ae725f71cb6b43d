import { SourceRequestError } from '@backstage-itops/plugin-itops-node';
import { isError } from '@backstage/errors';

/**
 * What kind of failure stopped a sync run, for people and for alerting:
 * credentials, reaching the source, its rate limit, its own errors, an
 * answer that could not be read, our database, an abort, or anything else.
 */
export type SyncFailureKind =
  | 'auth'
  | 'network'
  | 'rate_limit'
  | 'upstream'
  | 'bad_answer'
  | 'storage'
  | 'aborted'
  | 'unknown';

/** A failed run as the sync status shows it to every reader. */
export interface SyncFailure {
  kind: SyncFailureKind;
  /**
   * Short and safe: built from the error's kind, status, request path and
   * error code only, never from its message, which may quote SQL with
   * record values or an upstream's error page. The whole error goes to the
   * backend log, masked, through `loggableError`.
   */
  message: string;
}

/** SQLite (`SQLITE_…`) and PostgreSQL (SQLSTATE, five characters) codes. */
const DATABASE_CODE = /^(SQLITE_[A-Z_]+|[0-9A-Z]{5})$/;

/** Error codes of Node's network stack and undici worth naming. */
const NETWORK_CODE = /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/;

/** Classifies the error that ended a sync run; see {@link SyncFailure}. */
export function describeSyncFailure(
  error: unknown,
  options: { aborted?: boolean } = {},
): SyncFailure {
  if (options.aborted) {
    return {
      kind: 'aborted',
      message: 'Sync aborted (timeout or shutdown); stored data is kept.',
    };
  }
  if (error instanceof SourceRequestError) {
    return describeSourceFailure(error);
  }
  const dbCode = databaseCode(error);
  if (dbCode) {
    return {
      kind: 'storage',
      message: `Storing the records failed (database error ${dbCode}); stored data is kept.`,
    };
  }
  const name = isError(error) ? error.name : typeof error;
  return {
    kind: 'unknown',
    message: `Sync failed (${name}); see the backend log for details.`,
  };
}

function describeSourceFailure(error: SourceRequestError): SyncFailure {
  const at = error.request ? ` at ${error.request}` : '';
  const attempts =
    error.attempts > 1 ? ` after ${error.attempts} attempts` : '';
  const { status } = error;
  if (status === 401 || status === 403) {
    return {
      kind: 'auth',
      message: `The source refused the credentials (HTTP ${status})${at}.`,
    };
  }
  if (status === 429) {
    return {
      kind: 'rate_limit',
      message: `The source kept rate-limiting requests (HTTP 429)${attempts}${at}.`,
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      kind: 'upstream',
      message: `The source answered HTTP ${status}${attempts}${at}.`,
    };
  }
  if (status !== undefined && status >= 300) {
    return {
      kind: status < 400 ? 'bad_answer' : 'upstream',
      message:
        status < 400
          ? `The source answered with a redirect (HTTP ${status}) that was not followed${at}.`
          : `The source refused the request (HTTP ${status})${at}.`,
    };
  }
  if (status !== undefined) {
    // A 2xx the client refused: too large, a bomb, empty, not JSON.
    return {
      kind: 'bad_answer',
      message: `The source's answer could not be used (too large, empty or not JSON)${at}.`,
    };
  }
  if (error.timeout) {
    // Built from the stage and the bound only: no host, no address.
    const { stage, afterMs, limit } = error.timeout;
    const within = `${Math.round(afterMs / 100) / 10} s${
      limit === 'attempt' ? ' (the per-attempt limit)' : ''
    }`;
    const what = {
      connect: 'no connection',
      headers: 'no answer headers',
      body: 'the answer body stalled',
    }[stage];
    return {
      kind: 'network',
      message: `The source timed out: ${what} within ${within}${attempts}${at}.`,
    };
  }
  const code = networkCode(error.cause);
  return code
    ? {
        kind: 'network',
        message: `Could not reach the source (${code})${attempts}${at}.`,
      }
    : {
        kind: 'bad_answer',
        message: `The source's answer could not be read${attempts}${at}.`,
      };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function databaseCode(error: unknown): string | undefined {
  const code = codeOf(error);
  if (code && DATABASE_CODE.test(code) && !NETWORK_CODE.test(code)) {
    return code;
  }
  // knex wraps driver errors and keeps the driver's fields.
  const nested = (error as { nativeError?: unknown } | undefined)?.nativeError;
  return nested ? databaseCode(nested) : undefined;
}

function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = codeOf(current);
    if (code && NETWORK_CODE.test(code)) {
      return code;
    }
    if (isError(current) && current.name === 'TimeoutError') {
      return 'timeout';
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
