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
import type { SchedulerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { Knex } from 'knex';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { itopsPlugin } from '../src/plugin';
import {
  BENCH_CLIENTS,
  mb,
  measureCalendarMonth,
  measureReadScenario,
  memorySampler,
  openBenchDatabase,
  SyncEngine,
  waitForFreshRollups,
} from '../src/testUtils';
import { benchSource, benchSourceModule } from './benchSource';
import {
  FULL_SIZE,
  type WorldSize,
  catalogEntities,
  changeBatches,
  entityName,
  incidentBatches,
} from './syntheticWorld';

/** Team summaries aggregate ~100 services each: fewer requests keep the run short. */
const TEAM_REQUESTS = 200;
const DAY = 86_400_000;

/**
 * A full reconcile of the incidents just synced, as the scheduler runs one
 * every 6 hours by default: the source yields the same records again.
 * Prints how long it took and how many entity rollups it made stale.
 */
async function measureReconcile(knex: Knex, size: WorldSize, now: number) {
  const source = benchSource({ incidents: () => incidentBatches(size, now) });
  const engine = SyncEngine.create({
    knex,
    sources: [source],
    // runOnce uses no scheduler; the mock root logger logs nothing.
    scheduler: {} as SchedulerService,
    config: new ConfigReader({}),
    logger: mockServices.rootLogger(),
  });
  await knex('itops_entity_rollup_stale').delete();
  const t0 = performance.now();
  const result = await engine.runOnce(source, 'incidents', { full: true });
  const seconds = (performance.now() - t0) / 1000;
  const [{ stale }] = await knex('itops_entity_rollup_stale').countDistinct({
    stale: 'entity_ref',
  });
  console.log(
    `full reconcile of ${result.written} unchanged incidents: ${seconds.toFixed(
      1,
    )} s, ${result.deleted} deleted, ${stale} entity rollups made stale`,
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
    `ITOps backend benchmark on ${values.db}: ${size.entities} entities, ${size.incidents} incidents, ${size.changes} changes, ${BENCH_CLIENTS} clients`,
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
    const rollupsStarted = performance.now();
    await waitForFreshRollups(database.knex);
    console.log(
      `entity rollups: all fresh ${(
        (performance.now() - rollupsStarted) /
        1000
      ).toFixed(1)} s after the backend started serving`,
    );

    const port = (server.address() as AddressInfo).port;
    const baseUrl = `http://127.0.0.1:${port}/api/itops`;
    const entity = (i: number) =>
      `/entities/component/default/${entityName((i * 7919) % size.entities)}`;
    await measureReadScenario(
      'entity summary',
      i => `${entity(i)}/summary`,
      baseUrl,
    );
    await measureReadScenario(
      'incident list (all, page 50)',
      i => `${entity(i)}/incidents?state=all&limit=50`,
      baseUrl,
    );
    await measureReadScenario(
      'entity KPIs (90 days)',
      i => `${entity(i)}/kpis`,
      baseUrl,
    );
    await measureCalendarMonth(baseUrl, {
      from: new Date(now + 5 * DAY),
      to: new Date(now + 35 * DAY),
    });
    await measureReadScenario(
      'team summary (100 services)',
      i => `/entities/group/default/team-${i % 50}/summary`,
      baseUrl,
      TEAM_REQUESTS,
    );
    server.close();
    await measureReconcile(database.knex, size, now);
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
