/* eslint-disable no-console */
/**
 * Benchmark of the ITOps backend at the scale the backend-core issue sets:
 * a synthetic source yields 1,000,000 incidents and 200,000 changes for
 * 5,000 catalog entities; the real plugin (sync engine, entity mapper, read
 * API) syncs them into SQLite or PostgreSQL, then 50 concurrent clients on
 * loopback request entity summaries, incident lists, KPIs and calendar
 * months. Prints sync throughput, peak RSS and latency percentiles.
 *
 *   yarn workspace @backstage-itops/plugin-itops-backend bench --db sqlite
 *   yarn workspace @backstage-itops/plugin-itops-backend bench --db pg --scale 0.1
 *
 * PostgreSQL comes from ITOPS_BENCH_PG (default postgresql://postgres@127.0.0.1:5432);
 * the benchmark creates and drops its own database there.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { itopsPlugin } from '../src/plugin';
import { openBenchDatabase } from './benchDatabase';
import { benchSourceModule } from './benchSource';
import {
  FULL_SIZE,
  type WorldSize,
  catalogEntities,
  changeBatches,
  entityName,
  incidentBatches,
} from './syntheticWorld';

const CLIENTS = 50;
const REQUESTS_PER_SCENARIO = 2000;
/** Team summaries aggregate ~100 services each: fewer requests keep the run short. */
const TEAM_REQUESTS = 200;
const DAY = 86_400_000;

/** Samples memory so the peak during the sync can be reported. */
function memorySampler() {
  const peak = { rss: 0, heapUsed: 0, external: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
    peak.external = Math.max(peak.external, usage.external);
  };
  const timer = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Mean pause of a paced client between requests (see loadClients.js). */
const THINK_MS = 250;

async function runClients(
  baseUrl: string,
  paths: string[],
  clients: number,
  thinkMs: number,
) {
  return new Promise<{
    latencies: number[];
    failures: number;
    seconds: number;
  }>((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'loadClients.js'), {
      workerData: { baseUrl, paths, clients, thinkMs },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/**
 * Three load shapes per scenario: one client at a time (the service time of
 * a request), 50 paced clients (the latency 50 concurrent users see), and
 * 50 clients back to back (throughput at saturation, where latency is
 * mostly queueing).
 */
async function load(
  name: string,
  pathFor: (i: number) => string,
  baseUrl: string,
  requests = REQUESTS_PER_SCENARIO,
) {
  const shapes = [
    { label: '1 client', clients: 1, thinkMs: 0, count: requests / 10 },
    {
      label: `${CLIENTS} paced`,
      clients: CLIENTS,
      thinkMs: THINK_MS,
      count: requests,
    },
    {
      label: `${CLIENTS} saturating`,
      clients: CLIENTS,
      thinkMs: 0,
      count: requests,
    },
  ];
  for (const [index, shape] of shapes.entries()) {
    // Each shape asks for other entities, so no shape warms another's cache.
    const paths = Array.from({ length: shape.count }, (_, i) =>
      pathFor(i + index * requests),
    );
    const { latencies, failures, seconds } = await runClients(
      baseUrl,
      paths,
      shape.clients,
      shape.thinkMs,
    );
    console.log(
      `${`${name}, ${shape.label}`.padEnd(44)} p50 ${percentile(
        latencies,
        0.5,
      ).toFixed(1)} ms  p95 ${percentile(latencies, 0.95).toFixed(
        1,
      )} ms  p99 ${percentile(latencies, 0.99).toFixed(1)} ms  ${(
        latencies.length / seconds
      ).toFixed(0)} req/s`,
    );
    if (failures > 0) {
      throw new Error(`${name}: ${failures} requests failed`);
    }
  }
}

async function timeMonth(baseUrl: string, now: number) {
  const from = new Date(now + 5 * DAY).toISOString();
  const to = new Date(now + 35 * DAY).toISOString();
  const timings: number[] = [];
  let changes = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    changes = 0;
    for (let offset = 0; ; offset += 500) {
      const response = await fetch(
        `${baseUrl}/changes?from=${encodeURIComponent(
          from,
        )}&to=${encodeURIComponent(to)}&limit=500&offset=${offset}`,
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
  await (
    await fetch(
      `${baseUrl}/changes?from=${encodeURIComponent(
        from,
      )}&to=${encodeURIComponent(to)}&limit=500`,
    )
  ).arrayBuffer();
  console.log(
    `calendar month, all entities  ${changes} changes: first page of 500 ${(
      performance.now() - firstPage
    ).toFixed(1)} ms, whole month (all pages) median ${timings[2].toFixed(
      0,
    )} ms`,
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'sqlite' },
      scale: { type: 'string', default: '1' },
      // Keep the SQLite file or PostgreSQL database for a look at its plans.
      keep: { type: 'boolean', default: false },
    },
  });
  const scale = Number(values.scale);
  const size: WorldSize = {
    entities: Math.round(FULL_SIZE.entities * scale),
    incidents: Math.round(FULL_SIZE.incidents * scale),
    changes: Math.round(FULL_SIZE.changes * scale),
  };
  const now = Date.now();
  console.log(
    `ITOps backend benchmark on ${values.db}: ${size.entities} entities, ${size.incidents} incidents, ${size.changes} changes, ${CLIENTS} clients`,
  );
  const database = await openBenchDatabase(values.db!, 'bench');
  try {
    const memory = memorySampler();
    const t0 = performance.now();
    // The mock scheduler runs every task once at start-up: the entity mapping
    // and a full sync of both capabilities, before the backend is returned.
    const { server } = await startTestBackend({
      features: [
        itopsPlugin,
        benchSourceModule('bench-source', {
          incidents: () => incidentBatches(size, now),
          changes: () => changeBatches(size, now),
        }),
        mockServices.database.factory({ knex: database.knex }),
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
        catalogServiceMock.factory({ entities: catalogEntities(size) }),
      ],
    });
    const syncSeconds = (performance.now() - t0) / 1000;
    const peak = memory.stop();
    const records = size.incidents + size.changes;
    const [{ count }] = await database.knex('itops_incidents').count({
      count: '*',
    });
    const throughput = (records / syncSeconds).toFixed(0);
    console.log(
      `sync + mapping: ${syncSeconds.toFixed(1)} s, ${throughput} records/s, ` +
        `${count} incidents stored, peak RSS ${mb(peak.rss)} MB ` +
        `(heap ${mb(peak.heapUsed)} MB, external ${mb(peak.external)} MB)`,
    );
    if (Number(count) !== size.incidents) {
      throw new Error(`expected ${size.incidents} incidents, got ${count}`);
    }

    const port = (server.address() as AddressInfo).port;
    const baseUrl = `http://127.0.0.1:${port}/api/itops`;
    const entity = (i: number) =>
      `/entities/component/default/${entityName((i * 7919) % size.entities)}`;
    await load('entity summary', i => `${entity(i)}/summary`, baseUrl);
    await load(
      'incident list (all, page 50)',
      i => `${entity(i)}/incidents?state=all&limit=50`,
      baseUrl,
    );
    await load('entity KPIs (90 days)', i => `${entity(i)}/kpis`, baseUrl);
    await timeMonth(baseUrl, now);
    await load(
      'team summary (100 services)',
      i => `/entities/group/default/team-${i % 50}/summary`,
      baseUrl,
      TEAM_REQUESTS,
    );
    server.close();
  } finally {
    if (values.keep) {
      console.log(`kept the database: ${database.name}`);
      await database.close();
    } else {
      await database.drop();
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
