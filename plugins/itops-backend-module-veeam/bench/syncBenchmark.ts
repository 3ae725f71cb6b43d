/* eslint-disable no-console */
/**
 * Sync throughput of the Veeam source: the Veeam simulator in scale mode
 * (on loopback, in this process) serves N jobs and M sessions over 60
 * days; the real sync engine reads them through this module into a fresh
 * SQLite file or PostgreSQL database, in full and then incrementally after an hour of
 * (simulated) time. Prints records per second and the upstream requests
 * of each run by kind (token, sessions, task sessions, restore points,
 * jobs), and peak RSS.
 *
 *   yarn workspace @backstage-itops/plugin-itops-backend-module-veeam bench --db sqlite
 *   yarn workspace @backstage-itops/plugin-itops-backend-module-veeam bench --db pg --jobs 5000 --sessions 300000
 *
 * `--token-seconds 5` gives the server 5-second tokens, to see renewals.
 */
import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
// The plugin's own test utilities, made for the source modules that extend it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  migrateItopsDatabase,
  openBenchDatabase,
  SyncEngine,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import { FixedClock, startSimulators } from '@backstage-itops/simulator';
import { parseArgs } from 'node:util';
import { BackupsReader } from '../src/BackupsReader';
import { readVeeamServerConfig } from '../src/config';
import { VeeamClient } from '../src/VeeamClient';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    jobs: { type: 'string', default: '500' },
    sessions: { type: 'string', default: '30000' },
    'page-size': { type: 'string', default: '200' },
    'token-seconds': { type: 'string' },
  },
});

const quietLogger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => quietLogger,
};

/** The kind of an upstream request, by path. */
function kindOf(method: string, path: string): string {
  if (path === '/api/oauth2/token') {
    return 'token';
  }
  if (/^\/api\/v1\/sessions\/[^/]+\/taskSessions$/.test(path)) {
    return 'taskSessions';
  }
  if (/^\/api\/v1\/(restorePoints|objectRestorePoints)$/.test(path)) {
    return 'restorePoints';
  }
  return `${method} ${path}`;
}

async function main() {
  const jobs = Number(args.jobs);
  const sessions = Number(args.sessions);
  const clock = new FixedClock('2026-11-25T12:00:00Z');
  const sims = await startSimulators({
    systems: ['veeam'],
    ports: { veeam: 0 },
    clock,
    scale: {
      services: 0,
      incidents: 0,
      changes: 0,
      backupJobs: jobs,
      backupSessions: sessions,
    },
    veeam: {
      tokenLifetimeSeconds: args['token-seconds']
        ? Number(args['token-seconds'])
        : undefined,
    },
  });
  const database = await openBenchDatabase(args.db, 'veeam-bench');
  const { knex } = database;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const requests = new Map<string, number>();
  let client: VeeamClient | undefined;
  const countingFetch: typeof fetch = (input, init) => {
    const kind = kindOf(init?.method ?? 'GET', new URL(String(input)).pathname);
    requests.set(kind, (requests.get(kind) ?? 0) + 1);
    return globalThis.fetch(input, init);
  };
  try {
    await migrateItopsDatabase(knex);
    const server = readVeeamServerConfig(
      'bench',
      new ConfigReader({
        baseUrl: sims.urls.veeam,
        username: 'itops',
        password: 'veeam-password',
        pageSize: Number(args['page-size']),
        http: { requestsPerSecond: 100000, maxConcurrency: 8 },
      }),
    );
    const now = () => clock.now().getTime();
    client = VeeamClient.fromConfig(server, {
      fetch: countingFetch,
      now,
    });
    const source = {
      type: 'veeam',
      instance: 'bench',
      baseUrl: server.baseUrl,
      readers: {
        backups: new BackupsReader({
          client: client,
          historyDays: server.historyDays,
          restoreTestSessionTypes: server.restoreTestSessionTypes,
          now,
        }),
      },
    };
    const engine = SyncEngine.create({
      knex,
      sources: [source],
      // runOnce is called directly; nothing gets scheduled.
      scheduler: {} as SchedulerService,
      config: new ConfigReader({}),
      logger: quietLogger,
    });
    console.log(
      `Veeam simulator: ${jobs} jobs, ${sessions} sessions; page size ${args['page-size']}; ${args.db}`,
    );
    const run = async (label: string, full: boolean) => {
      requests.clear();
      const started = performance.now();
      const result = await engine.runOnce(source, 'backups', { full });
      const seconds = (performance.now() - started) / 1000;
      const total = [...requests.values()].reduce((sum, n) => sum + n, 0);
      const token = requests.get('token') ?? 0;
      const byKind = [...requests]
        .filter(([kind]) => kind !== 'token')
        .sort((a, b) => b[1] - a[1])
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ');
      console.log(
        `${label}: ${result.status}, ${
          result.written
        } records in ${seconds.toFixed(1)} s = ${Math.round(
          result.written / seconds,
        )}/s; ${
          total - token
        } upstream requests (${byKind}) + ${token} token requests`,
      );
    };
    await run('full backups', true);
    clock.advance(60 * 60_000);
    for (let step = 0; step < 12; step++) {
      sims.simulators.veeam.tick(clock.now());
    }
    await run('incremental backups after an hour', false);
    console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
  } finally {
    clearInterval(sampler);
    await client?.auth.logout();
    await database.drop();
    await sims.close();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
