/* eslint-disable no-console */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Worker } from 'node:worker_threads';

/**
 * Load generation and reporting shared by the benchmarks that measure the
 * read API (the backend's own, over a synthetic source, and the suite's,
 * over the simulators): same load shapes and same output, so that their
 * numbers compare.
 */

/** Concurrent clients of the paced and saturating shapes. */
export const BENCH_CLIENTS = 50;
/** Requests per scenario and shape (one tenth for the single client). */
export const REQUESTS_PER_SCENARIO = 2000;
/** Mean pause of a paced client between requests (see loadClients.js). */
const THINK_MS = 250;

export interface MemoryPeak {
  rss: number;
  heapUsed: number;
  external: number;
}

/** Samples this process's memory so that the peak during a phase can be reported. */
export function memorySampler(): { stop(): MemoryPeak } {
  const peak: MemoryPeak = { rss: 0, heapUsed: 0, external: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
    peak.external = Math.max(peak.external, usage.external);
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** Whole mebibytes, for printing. */
export function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

/** The value at quantile `p` of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/**
 * The clients' worker script: plain JavaScript, so that the worker needs no
 * TypeScript loader. Benchmarks run from the source tree, where it lives;
 * resolved on use, so that importing the test utilities never depends on it.
 */
function loadClientsScript(): string {
  return resolvePackagePath(
    '@backstage-itops/plugin-itops-backend',
    'src/testUtils/loadClients.js',
  );
}

/** Runs the HTTP clients in a worker thread, off the backend's thread. */
async function runClients(
  baseUrl: string,
  paths: string[],
  clients: number,
  thinkMs: number,
) {
  return new Promise<{
    latencies: number[];
    failures: number;
    firstFailure?: string;
    retries: number;
    seconds: number;
  }>((resolve, reject) => {
    const worker = new Worker(loadClientsScript(), {
      workerData: { baseUrl, paths, clients, thinkMs },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/**
 * Measures one read scenario in three load shapes and prints a line each:
 * one client at a time (the service time of a request), 50 paced clients
 * (the latency 50 concurrent users see), and 50 clients back to back
 * (throughput at saturation, where latency is mostly queueing). Throws when
 * a request failed.
 */
export async function measureReadScenario(
  name: string,
  pathFor: (i: number) => string,
  baseUrl: string,
  requests = REQUESTS_PER_SCENARIO,
): Promise<void> {
  const shapes = [
    { label: '1 client', clients: 1, thinkMs: 0, count: requests / 10 },
    {
      label: `${BENCH_CLIENTS} paced`,
      clients: BENCH_CLIENTS,
      thinkMs: THINK_MS,
      count: requests,
    },
    {
      label: `${BENCH_CLIENTS} saturating`,
      clients: BENCH_CLIENTS,
      thinkMs: 0,
      count: requests,
    },
  ];
  for (const [index, shape] of shapes.entries()) {
    // Each shape asks for other entities, so no shape warms another's cache.
    const paths = Array.from({ length: shape.count }, (_, i) =>
      pathFor(i + index * requests),
    );
    const { latencies, failures, firstFailure, retries, seconds } =
      await runClients(baseUrl, paths, shape.clients, shape.thinkMs);
    console.log(
      `${`${name}, ${shape.label}`.padEnd(44)} p50 ${percentile(
        latencies,
        0.5,
      ).toFixed(1)} ms  p95 ${percentile(latencies, 0.95).toFixed(
        1,
      )} ms  p99 ${percentile(latencies, 0.99).toFixed(1)} ms  ${(
        latencies.length / seconds
      ).toFixed(0)} req/s${
        retries > 0 ? `  (${retries} retried after a connection reset)` : ''
      }`,
    );
    if (failures > 0) {
      throw new Error(
        `${name}: ${failures} requests failed, the first ${firstFailure}`,
      );
    }
  }
}

/**
 * Times the change list of one calendar month for all entities: the first
 * page of 500, and every page (median of five). Prints one line.
 */
export async function measureCalendarMonth(
  baseUrl: string,
  month: { from: Date; to: Date },
): Promise<void> {
  const range = `from=${encodeURIComponent(
    month.from.toISOString(),
  )}&to=${encodeURIComponent(month.to.toISOString())}`;
  const timings: number[] = [];
  let changes = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    changes = 0;
    for (let offset = 0; ; offset += 500) {
      const response = await fetch(
        `${baseUrl}/changes?${range}&limit=500&offset=${offset}`,
      );
      const body = (await response.json()) as { items: unknown[] };
      if (!response.ok) throw new Error(JSON.stringify(body));
      changes += body.items.length;
      if (body.items.length < 500) break;
    }
    timings.push(performance.now() - t0);
  }
  timings.sort((a, b) => a - b);
  const firstPage = performance.now();
  await (await fetch(`${baseUrl}/changes?${range}&limit=500`)).arrayBuffer();
  console.log(
    `calendar month, all entities  ${changes} changes: first page of 500 ${(
      performance.now() - firstPage
    ).toFixed(1)} ms, whole month (all pages) median ${timings[2].toFixed(
      0,
    )} ms`,
  );
}

/**
 * Runs `run` once to warm up, then `runs` times in sequence, and prints the
 * median and p95 with the note the last run returned.
 */
export async function measureSequential(
  name: string,
  run: () => Promise<string>,
  runs = 15,
): Promise<void> {
  await run();
  const timings: number[] = [];
  let note = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    note = await run();
    timings.push(performance.now() - t0);
  }
  timings.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(44)} median ${percentile(timings, 0.5)
      .toFixed(1)
      .padStart(7)} ms  p95 ${percentile(timings, 0.95)
      .toFixed(1)
      .padStart(7)} ms  ${note}`,
  );
}
