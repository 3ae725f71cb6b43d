/* eslint-disable no-console */
/**
 * Sync throughput of the Jira source: the Jira simulator in scale mode (on
 * loopback, in this process) serves N incidents and M changes; the real
 * sync engine reads them through this module into in-memory SQLite, in
 * full and then incrementally after an hour of (simulated) time. Prints
 * issues per second, requests, pages and peak RSS.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/syncBenchmark.ts
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/syncBenchmark.ts --incidents 200000 --changes 40000 --sla
 *
 * `--sla` adds one JSM SLA request per incident, as the default config does.
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
  SyncEngine,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import { FixedClock, startSimulators } from '@backstage-itops/simulator';
import knexFactory from 'knex';
import { parseArgs } from 'node:util';
import { readJiraSiteConfig } from '../src/config';
import { createJiraSource } from '../src/createJiraSource';

const { values: args } = parseArgs({
  options: {
    incidents: { type: 'string', default: '100000' },
    changes: { type: 'string', default: '20000' },
    sla: { type: 'boolean', default: false },
  },
});

const quietLogger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => quietLogger,
};

async function main() {
  const incidents = Number(args.incidents);
  const changes = Number(args.changes);
  const clock = new FixedClock('2026-11-25T12:00:00Z');
  const sims = await startSimulators({
    systems: ['jira'],
    ports: { jira: 0 },
    clock,
    scale: {
      services: 5000,
      incidents,
      changes,
      backupJobs: 0,
      backupSessions: 0,
    },
  });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    await migrateItopsDatabase(knex);
    const source = createJiraSource(
      readJiraSiteConfig(
        'bench',
        new ConfigReader({
          baseUrl: sims.urls.jira,
          atlassianApiUrl: sims.urls.jira,
          auth: { email: 'itops@acme.example', apiToken: 'jira-api-token' },
          sla: { enabled: args.sla },
          http: { requestsPerSecond: 100000, maxConcurrency: 8 },
        }),
      ),
      { now: () => clock.now().getTime() },
    );
    const engine = SyncEngine.create({
      knex,
      sources: [source],
      // runOnce is called directly; nothing gets scheduled.
      scheduler: {} as SchedulerService,
      config: new ConfigReader({}),
      logger: quietLogger,
    });
    console.log(
      `Jira simulator: ${incidents} incidents, ${changes} changes; SLA requests ${
        args.sla ? 'on' : 'off'
      }`,
    );
    for (const capability of ['incidents', 'changes'] as const) {
      const requestsBefore = sims.faults.stats('jira').requests;
      const started = performance.now();
      const result = await engine.runOnce(source, capability, { full: true });
      const seconds = (performance.now() - started) / 1000;
      const requests = sims.faults.stats('jira').requests - requestsBefore;
      console.log(
        `full ${capability}: ${result.status}, ${
          result.written
        } records in ${seconds.toFixed(1)} s = ${Math.round(
          result.written / seconds,
        )}/s, ${requests} requests`,
      );
    }
    clock.advance(60 * 60_000);
    for (let step = 0; step < 20; step++) {
      sims.simulators.jira.tick(clock.now());
    }
    const started = performance.now();
    const result = await engine.runOnce(source, 'incidents');
    console.log(
      `incremental incidents after 20 live steps: ${result.status}, ${
        result.written
      } records in ${(performance.now() - started).toFixed(0)} ms`,
    );
    console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
  } finally {
    clearInterval(sampler);
    await knex.destroy();
    await sims.close();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
