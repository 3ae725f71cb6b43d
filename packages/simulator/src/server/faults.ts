import type { SystemName } from '../types';

/**
 * Faults of one system. Counted faults (`errors`, `resets`, ...) hit the
 * requests numbered `after + 1` to `after + count`, counting from when the
 * configuration was set, so a test can say "the third page fails".
 */
export interface FaultConfig {
  /** Added before every answer: `fixedMs` plus a uniform `0..jitterMs`. */
  latency?: { fixedMs?: number; jitterMs?: number };
  /** At most `limit` requests per window; the rest get 429 with `Retry-After`. */
  rateLimit?: { limit: number; windowSeconds?: number };
  /** A burst of error answers (500, 502, 503, ...). */
  errors?: CountedFault & { status: number };
  /** The connection is reset without an answer. */
  resets?: CountedFault;
  /** Headers and part of the body are sent, then the connection is destroyed. */
  truncate?: CountedFault;
  /** The whole body, dribbled out in chunks `chunkDelayMs` apart. */
  slowBody?: CountedFault & { chunkDelayMs?: number };
  /** A 200 whose body is cut, so it is not valid JSON. */
  malformed?: CountedFault;
  /** Every issued token expires once `after` requests have been served. */
  expireTokens?: { after: number };
  /** A record sorting first is inserted once `after` requests have been served. */
  shiftRecords?: { after: number };
  /** Every request gets 503 between `from` and `to`, or for `durationSeconds` from when set. */
  outage?: { from?: string; to?: string; durationSeconds?: number };
  /**
   * Hostile upstreams, for the client's bounds. A 200 whose JSON body is
   * `megabytes` long (default 1024), streamed without a length.
   */
  oversized?: CountedFault & { megabytes?: number };
  /** A 200 gzip body that expands to `megabytes` (default 1024) of blanks. */
  gzipBomb?: CountedFault & { megabytes?: number };
  /** A 302 to `location` on another origin (default an address nothing listens on). */
  foreignRedirect?: CountedFault & { location?: string };
  /** A 200 with a JSON content type and an empty body. */
  emptyAnswer?: CountedFault;
}

export interface CountedFault {
  count: number;
  after?: number;
}

export type FaultKind =
  | 'latency'
  | 'rateLimited'
  | 'errors'
  | 'resets'
  | 'truncated'
  | 'slowBodies'
  | 'malformed'
  | 'tokenExpiries'
  | 'shiftedRecords'
  | 'outage'
  | 'oversized'
  | 'gzipBombs'
  | 'foreignRedirects'
  | 'emptyAnswers';

export type FaultCounts = Record<FaultKind, number>;

export const SYSTEMS: readonly SystemName[] = ['servicenow', 'jira', 'veeam'];

/**
 * Parses the CLI syntax, one system per `;`-separated part:
 * `servicenow:latency=200,jitter=50,ratelimit=100/60,error=503x3@10;jira:reset=1@5`.
 * See the README for every key.
 */
export function parseFaultSpec(
  spec: string,
): Partial<Record<SystemName, FaultConfig>> {
  const result: Partial<Record<SystemName, FaultConfig>> = {};
  for (const part of spec
    .split(';')
    .map(p => p.trim())
    .filter(Boolean)) {
    const colon = part.indexOf(':');
    const system = part.slice(0, colon) as SystemName;
    if (colon < 0 || !SYSTEMS.includes(system)) {
      throw new Error(
        `Fault spec "${part}" must start with one of ${SYSTEMS.join(
          ', ',
        )} and a colon`,
      );
    }
    const config: FaultConfig = result[system] ?? {};
    for (const setting of part
      .slice(colon + 1)
      .split(',')
      .filter(Boolean)) {
      const [key, value = ''] = setting.split('=', 2).map(s => s.trim());
      applySetting(config, key, value);
    }
    result[system] = validateFaultConfig(config);
  }
  return result;
}

function applySetting(config: FaultConfig, key: string, value: string) {
  const counted = (): CountedFault => {
    const [count, after] = value.split('@');
    return {
      count: num(count || '1', key),
      after: after ? num(after, key) : 0,
    };
  };
  switch (key) {
    case 'latency':
      config.latency = { ...config.latency, fixedMs: num(value, key) };
      break;
    case 'jitter':
      config.latency = { ...config.latency, jitterMs: num(value, key) };
      break;
    case 'ratelimit': {
      const [limit, windowSeconds] = value.split('/');
      config.rateLimit = {
        limit: num(limit, key),
        ...(windowSeconds ? { windowSeconds: num(windowSeconds, key) } : {}),
      };
      break;
    }
    case 'error': {
      const match = /^(\d{3})(?:x(\d+))?(?:@(\d+))?$/.exec(value);
      if (!match) {
        throw new Error(
          `Fault "error=${value}" must look like 503, 503x3 or 503x3@10`,
        );
      }
      config.errors = {
        status: +match[1],
        count: +(match[2] ?? 1),
        after: +(match[3] ?? 0),
      };
      break;
    }
    case 'reset':
      config.resets = counted();
      break;
    case 'truncate':
      config.truncate = counted();
      break;
    case 'slow':
      config.slowBody = counted();
      break;
    case 'malformed':
      config.malformed = counted();
      break;
    case 'expire':
      config.expireTokens = { after: num(value, key) };
      break;
    case 'shift':
      config.shiftRecords = { after: num(value, key) };
      break;
    case 'oversized':
      config.oversized = { ...config.oversized, ...counted() };
      break;
    case 'bomb':
      config.gzipBomb = { ...config.gzipBomb, ...counted() };
      break;
    case 'hostile-mb': {
      const megabytes = num(value, key);
      config.oversized = { count: 0, ...config.oversized, megabytes };
      config.gzipBomb = { count: 0, ...config.gzipBomb, megabytes };
      break;
    }
    case 'redirect':
      config.foreignRedirect = counted();
      break;
    case 'empty':
      config.emptyAnswer = counted();
      break;
    case 'outage':
      config.outage = value.includes('/')
        ? { from: value.split('/')[0], to: value.split('/')[1] }
        : { durationSeconds: num(value, key) };
      break;
    default:
      throw new Error(`Unknown fault "${key}"`);
  }
}

function num(text: string, key: string): number {
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < 0) {
    throw new Error(
      `Fault "${key}" needs a non-negative number, got "${text}"`,
    );
  }
  return n;
}

const COUNTED = [
  'resets',
  'truncate',
  'slowBody',
  'malformed',
  'oversized',
  'gzipBomb',
  'foreignRedirect',
  'emptyAnswer',
] as const;

/** Checks a configuration from JSON (admin endpoint) or code; throws with a reason. */
export function validateFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('Faults must be a JSON object');
  }
  const config = input as Record<string, any>;
  const known = [
    'latency',
    'rateLimit',
    'errors',
    ...COUNTED,
    'expireTokens',
    'shiftRecords',
    'outage',
  ];
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) {
      throw new Error(`Unknown fault "${key}"; known: ${known.join(', ')}`);
    }
  }
  const number = (value: unknown, path: string, required = false) => {
    if (value === undefined && !required) {
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`${path} must be a non-negative number`);
    }
  };
  number(config.latency?.fixedMs, 'latency.fixedMs');
  number(config.latency?.jitterMs, 'latency.jitterMs');
  if (config.rateLimit) {
    number(config.rateLimit.limit, 'rateLimit.limit', true);
    number(config.rateLimit.windowSeconds, 'rateLimit.windowSeconds');
  }
  if (config.errors) {
    number(config.errors.count, 'errors.count', true);
    number(config.errors.after, 'errors.after');
    if (
      !Number.isInteger(config.errors.status) ||
      config.errors.status < 400 ||
      config.errors.status > 599
    ) {
      throw new Error('errors.status must be an HTTP error status');
    }
  }
  for (const key of COUNTED) {
    if (config[key]) {
      number(config[key].count, `${key}.count`, true);
      number(config[key].after, `${key}.after`);
    }
  }
  number(config.slowBody?.chunkDelayMs, 'slowBody.chunkDelayMs');
  number(config.oversized?.megabytes, 'oversized.megabytes');
  number(config.gzipBomb?.megabytes, 'gzipBomb.megabytes');
  const location = config.foreignRedirect?.location;
  if (location !== undefined && !URL.canParse(location)) {
    throw new Error('foreignRedirect.location must be an absolute URL');
  }
  if (config.expireTokens) {
    number(config.expireTokens.after, 'expireTokens.after', true);
  }
  if (config.shiftRecords) {
    number(config.shiftRecords.after, 'shiftRecords.after', true);
  }
  if (config.outage) {
    const { from, to, durationSeconds } = config.outage;
    number(durationSeconds, 'outage.durationSeconds');
    for (const [name, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (value !== undefined && Number.isNaN(Date.parse(value))) {
        throw new Error(`outage.${name} must be an ISO date-time`);
      }
    }
    if (
      durationSeconds === undefined &&
      (from === undefined || to === undefined)
    ) {
      throw new Error('outage needs from and to, or durationSeconds');
    }
  }
  return config as FaultConfig;
}
