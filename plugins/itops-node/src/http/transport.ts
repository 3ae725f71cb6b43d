import { Agent } from 'undici';
import type { SourceTimeout } from './SourceRequestError';
import type { SourceHttpClientOptions } from './types';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The bounds of one attempt, each stage capped by the attempt's. */
export interface AttemptTimeouts {
  attemptMs: number;
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

export function resolveTimeouts(
  options: Pick<SourceHttpClientOptions, 'timeoutMs' | 'timeouts'>,
): AttemptTimeouts {
  const attemptMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cap = (ms: number | undefined, fallback: number) =>
    Math.min(ms ?? fallback, attemptMs);
  return {
    attemptMs,
    connectMs: cap(options.timeouts?.connectMs, DEFAULT_CONNECT_TIMEOUT_MS),
    headersMs: cap(options.timeouts?.headersMs, attemptMs),
    bodyMs: cap(options.timeouts?.bodyMs, attemptMs),
  };
}

/**
 * The fetch of one source instance: Node's own, with an undici dispatcher
 * that bounds connect, headers and body separately and carries the TLS
 * settings. Node's fetch rather than undici's so that tests intercepting
 * `globalThis.fetch` (msw) still see the requests.
 */
export function sourceFetch(
  tls: SourceHttpClientOptions['tls'],
  timeouts: AttemptTimeouts,
): typeof fetch {
  const dispatcher = new Agent({
    connect: {
      timeout: timeouts.connectMs,
      ...(tls
        ? { rejectUnauthorized: tls.rejectUnauthorized !== false, ca: tls.ca }
        : {}),
    },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
  });
  return ((input: URL | string, init?: RequestInit) =>
    globalThis.fetch(input, {
      ...init,
      dispatcher,
    } as RequestInit)) as typeof fetch;
}

/** undici's codes and error names for its stage timeouts. */
const STAGES: Array<[code: string, name: string, SourceTimeout['stage']]> = [
  ['UND_ERR_CONNECT_TIMEOUT', 'ConnectTimeoutError', 'connect'],
  ['UND_ERR_HEADERS_TIMEOUT', 'HeadersTimeoutError', 'headers'],
  ['UND_ERR_BODY_TIMEOUT', 'BodyTimeoutError', 'body'],
];

/**
 * The stage an undici timeout error names. By code, or else by name: when
 * the dispatcher's error comes from another realm than Node's fetch (as
 * under jest), fetch re-wraps it as `new Error(String(error))`, which keeps
 * only "HeadersTimeoutError: …" of it.
 */
function stageOf(error: unknown): SourceTimeout['stage'] | undefined {
  const { code, name, message } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const found = STAGES.find(
    ([c, n]) =>
      code === c ||
      name === n ||
      (typeof message === 'string' && message.startsWith(`${n}:`)),
  );
  return found?.[2];
}

/**
 * Whether `error` is a timeout of the attempt, and of which stage. The
 * attempt's own deadline (an `AbortSignal.timeout`) names the stage the
 * attempt was in: before the answer's headers arrived, or reading its body.
 */
export function timeoutOf(
  error: unknown,
  phase: 'headers' | 'body',
  deadline: AbortSignal,
  timeouts: AttemptTimeouts,
): SourceTimeout | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const stage = stageOf(e);
    if (stage) {
      return { stage, afterMs: timeouts[`${stage}Ms`], limit: 'stage' };
    }
    e = (e as { cause?: unknown }).cause;
  }
  if (deadline.aborted) {
    return { stage: phase, afterMs: timeouts.attemptMs, limit: 'attempt' };
  }
  return undefined;
}
