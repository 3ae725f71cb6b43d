import type { Clock } from './world/clock';

/**
 * The contract between the HTTP server layer (src/server) and the three
 * system simulators (src/servicenow, src/jira, src/veeam).
 *
 * A system simulator is a plain request → response function over its
 * in-memory (or, in scale mode, derived-on-demand) data. The server layer
 * owns sockets, ports, the admin endpoint and the generic faults (latency,
 * rate limiting, 5xx bursts, resets, truncated or malformed bodies,
 * outages); it asks the system for vendor-shaped error bodies and for the
 * system-specific faults (expiring tokens, shifting pages).
 */

export type SystemName = 'servicenow' | 'jira' | 'veeam';

export interface SimRequest {
  method: string;
  /** Full URL; `url.pathname` is relative to the system's root (any prefix stripped). */
  url: URL;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** Raw request body (empty string when none). */
  body: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Already serialised body; JSON bodies carry `content-type` in headers. */
  body?: string;
}

export interface SimulatorOptions {
  /** Seed of the deterministic world. */
  seed: number;
  clock: Clock;
  /**
   * Scale mode for benchmarks: record counts to derive lazily from
   * (seed, index) instead of the demo world. Undefined: the demo world.
   */
  scale?: ScaleOptions;
}

export interface ScaleOptions {
  services: number;
  incidents: number;
  changes: number;
  backupJobs: number;
  backupSessions: number;
}

export interface SystemSimulator {
  readonly system: SystemName;
  handle(request: SimRequest): Promise<SimResponse> | SimResponse;
  /** Live mode: one step of mutations (open/update/resolve incidents, run backup sessions, ...). */
  tick(now: Date): void;
  /** A response in the vendor's own error shape for a given status, e.g. 429, 500, 503. */
  errorResponse(status: number, message: string): SimResponse;
  /** Fault: every issued access token stops being valid now. */
  expireAllTokens(): void;
  /** Fault: insert one record that sorts before the others, shifting offset-based pages. */
  insertShiftingRecord(): void;
  /** Counts of records and of handled requests, for the admin endpoint. */
  stats(): Record<string, number>;
}
