import type { Clock } from '../world/clock';
import type { SimResponse, SystemSimulator } from '../types';
import {
  type CountedFault,
  type FaultConfig,
  type FaultCounts,
  type FaultKind,
  validateFaultConfig,
} from './faults';

/** What to do with one request, decided before the simulator sees it. */
export type FaultDecision =
  | { action: 'respond'; response: SimResponse }
  | { action: 'reset' }
  | {
      action: 'handle';
      /** Headers added to the simulator's answer (rate-limit state). */
      headers: Record<string, string>;
      body?: 'truncate' | 'slow' | 'malformed';
      chunkDelayMs?: number;
    }
  | {
      action: 'hostile';
      body: 'oversized' | 'gzipBomb';
      bytes: number;
    }
  | {
      action: 'handle';
      headers: Record<string, string>;
      /** The simulator answers, but with an empty body. */
      body: 'empty';
    };

export interface FaultStats {
  /** Requests served since start or the last reset (admin requests excluded). */
  requests: number;
  faults: FaultCounts;
}

function zeroCounts(): FaultCounts {
  return {
    latency: 0,
    rateLimited: 0,
    errors: 0,
    resets: 0,
    truncated: 0,
    slowBodies: 0,
    malformed: 0,
    tokenExpiries: 0,
    shiftedRecords: 0,
    outage: 0,
    oversized: 0,
    gzipBombs: 0,
    foreignRedirects: 0,
    emptyAnswers: 0,
  };
}

function hits(fault: CountedFault | undefined, n: number): boolean {
  const after = fault?.after ?? 0;
  return !!fault && n > after && n <= after + fault.count;
}

/**
 * The fault state of one system: its configuration, the requests seen
 * since it was set, the rate-limit window and what has been injected.
 * Windows and outages follow the simulators' clock; latency is real time.
 */
export class SystemFaults {
  readonly #simulator: SystemSimulator;
  readonly #clock: Clock;
  #config: FaultConfig = {};
  /** Requests since the configuration was set: what `after` counts. */
  #sinceSet = 0;
  #setAt = 0;
  #window = { start: 0, count: 0 };
  #requests = 0;
  #counts = zeroCounts();

  constructor(
    simulator: SystemSimulator,
    clock: Clock,
    config: FaultConfig = {},
  ) {
    this.#simulator = simulator;
    this.#clock = clock;
    this.set(config);
  }

  get config(): FaultConfig {
    return this.#config;
  }

  set(config: FaultConfig): void {
    this.#config = validateFaultConfig(structuredClone(config));
    this.#sinceSet = 0;
    this.#setAt = this.#clock.now().getTime();
    this.#window = { start: this.#setAt, count: 0 };
  }

  /** Clears faults and counters. */
  reset(): void {
    this.set({});
    this.#requests = 0;
    this.#counts = zeroCounts();
  }

  stats(): FaultStats {
    return { requests: this.#requests, faults: { ...this.#counts } };
  }

  /** Milliseconds to delay this request by. */
  latencyMs(): number {
    const { fixedMs = 0, jitterMs = 0 } = this.#config.latency ?? {};
    const delay = fixedMs + Math.random() * jitterMs;
    if (delay > 0) {
      this.#count('latency');
    }
    return delay;
  }

  decide(): FaultDecision {
    const config = this.#config;
    const n = ++this.#sinceSet;
    this.#requests++;
    const now = this.#clock.now().getTime();

    const outageEnd = this.#outageEnd(now);
    if (outageEnd !== undefined) {
      this.#count('outage');
      return this.#respond(503, 'Service Unavailable', {
        'Retry-After': String(Math.max(1, Math.ceil((outageEnd - now) / 1000))),
      });
    }
    if (config.expireTokens && n === config.expireTokens.after + 1) {
      this.#count('tokenExpiries');
      this.#simulator.expireAllTokens();
    }
    if (config.shiftRecords && n === config.shiftRecords.after + 1) {
      this.#count('shiftedRecords');
      this.#simulator.insertShiftingRecord();
    }

    const headers: Record<string, string> = {};
    if (config.rateLimit) {
      const windowMs = (config.rateLimit.windowSeconds ?? 3600) * 1000;
      if (now - this.#window.start >= windowMs) {
        this.#window = { start: now, count: 0 };
      }
      const resetAt = this.#window.start + windowMs;
      headers['X-RateLimit-Limit'] = String(config.rateLimit.limit);
      headers['X-RateLimit-Reset'] = String(Math.ceil(resetAt / 1000));
      headers['X-RateLimit-Rule'] = 'a0a5f5e4c0a8016400e1f6f5ab1e4b5a';
      if (this.#window.count >= config.rateLimit.limit) {
        this.#count('rateLimited');
        const retryAfter = Math.max(1, Math.ceil((resetAt - now) / 1000));
        return this.#respond(429, 'Rate limit exceeded', {
          ...headers,
          'X-RateLimit-Remaining': '0',
          'Retry-After': String(retryAfter),
        });
      }
      this.#window.count++;
      headers['X-RateLimit-Remaining'] = String(
        config.rateLimit.limit - this.#window.count,
      );
    }
    if (config.errors && hits(config.errors, n)) {
      this.#count('errors');
      return this.#respond(
        config.errors.status,
        statusText(config.errors.status),
        headers,
      );
    }
    if (hits(config.resets, n)) {
      this.#count('resets');
      return { action: 'reset' };
    }
    if (hits(config.truncate, n)) {
      this.#count('truncated');
      return { action: 'handle', headers, body: 'truncate' };
    }
    if (hits(config.malformed, n)) {
      this.#count('malformed');
      return { action: 'handle', headers, body: 'malformed' };
    }
    if (hits(config.oversized, n)) {
      this.#count('oversized');
      return {
        action: 'hostile',
        body: 'oversized',
        bytes: megabytes(config.oversized?.megabytes),
      };
    }
    if (hits(config.gzipBomb, n)) {
      this.#count('gzipBombs');
      return {
        action: 'hostile',
        body: 'gzipBomb',
        bytes: megabytes(config.gzipBomb?.megabytes),
      };
    }
    if (hits(config.foreignRedirect, n)) {
      this.#count('foreignRedirects');
      return {
        action: 'respond',
        response: {
          status: 302,
          headers: {
            ...headers,
            // 127.0.0.2 is loopback, but another origin, where nothing listens.
            location:
              config.foreignRedirect?.location ?? 'http://127.0.0.2:9/collect',
          },
          body: '',
        },
      };
    }
    if (hits(config.emptyAnswer, n)) {
      this.#count('emptyAnswers');
      return { action: 'handle', headers, body: 'empty' };
    }
    if (hits(config.slowBody, n)) {
      this.#count('slowBodies');
      return {
        action: 'handle',
        headers,
        body: 'slow',
        chunkDelayMs: config.slowBody?.chunkDelayMs ?? 200,
      };
    }
    return { action: 'handle', headers };
  }

  /** When the outage `now` falls in ends, or undefined outside one. */
  #outageEnd(now: number): number | undefined {
    const outage = this.#config.outage;
    if (!outage) {
      return undefined;
    }
    const [from, to] =
      outage.durationSeconds !== undefined
        ? [this.#setAt, this.#setAt + outage.durationSeconds * 1000]
        : [Date.parse(outage.from!), Date.parse(outage.to!)];
    return now >= from && now < to ? to : undefined;
  }

  #respond(
    status: number,
    message: string,
    headers: Record<string, string>,
  ): FaultDecision {
    const response = this.#simulator.errorResponse(status, message);
    return {
      action: 'respond',
      response: { ...response, headers: { ...response.headers, ...headers } },
    };
  }

  #count(kind: FaultKind) {
    this.#counts[kind]++;
  }
}

function megabytes(value: number | undefined): number {
  return Math.round((value ?? 1024) * 1024 * 1024);
}

function statusText(status: number): string {
  switch (status) {
    case 500:
      return 'Internal Server Error';
    case 502:
      return 'Bad Gateway';
    case 503:
      return 'Service Unavailable';
    case 504:
      return 'Gateway Timeout';
    default:
      return `HTTP ${status}`;
  }
}
