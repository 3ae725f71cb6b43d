/* eslint-disable no-console */
/**
 * Sync throughput of the ServiceNow module at the simulator's scale mode
 * (1,000,000 incidents, 200,000 changes): the module's readers over HTTP
 * feed the real sync engine, which stores into SQLite or PostgreSQL. Prints
 * records per second and the peak memory of this process (the simulator
 * runs in a child process of its own) and the upstream requests of each run:
 * in all, token requests (`/oauth_token.do`) and on-call requests
 * (`/api/now/on_call_rota/…`) separately.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/syncBenchmark.ts --db sqlite
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/syncBenchmark.ts --db pg --scale 0.1
 *
 * Options: --scale F (fraction of the full size, default 1), --page-size N
 * (default 1000, the module's default), --rps N (request budget, default
 * 10, the module's default), --capabilities incidents,changes,oncall
 * (on-call for the first --teams N of the simulator's teams, default 2),
 * --auth basic|oauth (oauth: client_credentials with tokens living
 * --token-lifetime SECONDS, default 1800 as on an instance),
 * --analyze-every SECONDS (PostgreSQL: run ANALYZE on the record tables this
 * often during the sync, as autovacuum's autoanalyze would on a server that
 * has it on; 0 = never, the default).
 *
 * Without fresh statistics PostgreSQL plans the store's per-batch key
 * replacement (`delete from itops_record_keys where record_table = ? and
 * record_id in (…)`) as a scan of every key of the table, so a server with
 * autovacuum off slows down as the first full sync grows.
 * PostgreSQL comes from ITOPS_BENCH_PG (default
 * postgresql://postgres@127.0.0.1:5432); the benchmark creates and drops
 * its own database there.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  computeEntityMapping,
  migrateItopsDatabase,
  replaceEntityMappingIfChanged,
  SyncEngine,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import { ORG_TEAMS } from '@backstage-itops/simulator';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import knexFactory, { type Knex } from 'knex';
import { readInstanceOptions } from '../src/config';
import { createServiceNowSource } from '../src/createServiceNowSource';

interface Database {
  knex: Knex;
  drop(): Promise<void>;
}

async function openDatabase(kind: string): Promise<Database> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itops-sn-bench-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'itops.sqlite') },
      useNullAsDefault: true,
    });
    return {
      knex,
      drop: async () => {
        await knex.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (kind !== 'pg') {
    throw new Error(`--db must be sqlite or pg, got ${kind}`);
  }
  const url =
    process.env.ITOPS_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432';
  const name = `itops_sn_bench_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: `${url}/postgres` });
  await admin.raw(`create database ${name}`);
  const knex = knexFactory({ client: 'pg', connection: `${url}/${name}` });
  return {
    knex,
    drop: async () => {
      await knex.destroy();
      await admin.raw(`drop database ${name}`);
      await admin.destroy();
    },
  };
}

/** Starts bench/simulatorProcess.ts and waits for its URL. */
async function startSimulator(
  scale: string,
  tokenLifetime: string,
): Promise<{
  url: string;
  child: ChildProcess;
  incidents: number;
  changes: number;
}> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'simulatorProcess.ts'),
      '--scale',
      scale,
      '--token-lifetime',
      tokenLifetime,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const parsed = JSON.parse(line);
    return {
      url: parsed.url,
      child,
      incidents: parsed.scale.incidents,
      changes: parsed.scale.changes,
    };
  }
  throw new Error('The simulator process ended without printing its URL');
}

/** Samples memory so that the peak during a sync can be reported. */
function memorySampler() {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
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

function consoleLogger(): LoggerService {
  const logger: LoggerService = {
    error: message => console.error(`[error] ${message}`),
    warn: message => console.error(`[warn] ${message}`),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Upstream requests by kind, counted at the module's fetch. */
type RequestCounts = { all: number; token: number; oncall: number };

function countingFetch(counts: RequestCounts): typeof fetch {
  return (input, init) => {
    const { pathname } = new URL(String(input));
    counts.all++;
    if (pathname === '/oauth_token.do') {
      counts.token++;
    } else if (pathname.startsWith('/api/now/on_call_rota/')) {
      counts.oncall++;
    }
    return fetch(input, init);
  };
}

/** Groups annotated with the first `teams` of the simulator's assignment groups. */
function teamEntities(teams: number) {
  return ORG_TEAMS.slice(0, teams).map(team => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: team.catalogName,
      annotations: { 'itops.io/servicenow-assignment-group': team.name },
    },
    spec: { type: 'team', children: [] },
  }));
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'sqlite' },
      scale: { type: 'string', default: '1' },
      'page-size': { type: 'string', default: '1000' },
      rps: { type: 'string', default: '10' },
      capabilities: { type: 'string', default: 'incidents,changes,oncall' },
      'analyze-every': { type: 'string', default: '0' },
      auth: { type: 'string', default: 'basic' },
      'token-lifetime': { type: 'string', default: '1800' },
      teams: { type: 'string', default: '2' },
    },
  });
  const capabilities = values.capabilities!.split(',') as Array<
    'incidents' | 'changes' | 'oncall'
  >;
  if (values.auth !== 'basic' && values.auth !== 'oauth') {
    throw new Error(`--auth must be basic or oauth, got ${values.auth}`);
  }
  const sim = await startSimulator(values.scale!, values['token-lifetime']!);
  const database = await openDatabase(values.db!);
  try {
    await migrateItopsDatabase(database.knex);
    await replaceEntityMappingIfChanged(
      database.knex,
      computeEntityMapping(teamEntities(Number(values.teams))),
    );
    const logger = consoleLogger();
    const options = readInstanceOptions(
      'bench',
      new ConfigReader({
        baseUrl: sim.url,
        auth:
          values.auth === 'oauth'
            ? { clientId: 'itops-backstage', clientSecret: 'itops-secret' }
            : { username: 'itops.integration', password: 'sn-demo-4f7c1a' },
        pageSize: Number(values['page-size']),
        http: { requestsPerSecond: Number(values.rps) },
      }),
    );
    const counts: RequestCounts = { all: 0, token: 0, oncall: 0 };
    const source = createServiceNowSource(options, {
      logger,
      fetch: countingFetch(counts),
    });
    const engine = SyncEngine.create({
      knex: database.knex,
      sources: [source],
      // runOnce is called directly; nothing is scheduled.
      scheduler: {} as never,
      config: new ConfigReader({}),
      logger,
    });
    const analyzeEvery = Number(values['analyze-every']) * 1000;
    const analyzer =
      values.db === 'pg' && analyzeEvery > 0
        ? setInterval(() => {
            database.knex
              .raw('analyze itops_record_keys, itops_incidents, itops_changes')
              .catch(error => console.error(`[warn] analyze: ${error}`));
          }, analyzeEvery)
        : undefined;
    console.log(
      `ServiceNow sync benchmark: ${values.db}, ${sim.incidents} incidents, ${
        sim.changes
      } changes, page size ${options.pageSize}, ${
        values.rps
      } requests/s budget, ${values.auth} auth${
        values.auth === 'oauth'
          ? ` (tokens live ${values['token-lifetime']} s)`
          : ''
      }, on-call for ${values.teams} team(s), ANALYZE ${
        analyzer ? `every ${analyzeEvery / 1000} s` : 'never'
      }, Node ${process.version}, ${os.cpus().length} CPUs`,
    );
    const baseline = process.memoryUsage().rss;
    const results = [];
    for (const capability of capabilities) {
      // On-call is a snapshot: every run reads it whole.
      for (const full of capability === 'oncall' ? [true] : [true, false]) {
        const before = { ...counts };
        const memory = memorySampler();
        const started = process.hrtime.bigint();
        const result = await engine.runOnce(source, capability, { full });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const peak = memory.stop();
        if (result.status !== 'succeeded') {
          throw new Error(`${capability} sync failed: ${result.error}`);
        }
        const row = {
          capability,
          run: full ? 'full' : 'incremental (nothing new)',
          records: result.written,
          seconds: Number(seconds.toFixed(1)),
          recordsPerSecond: Math.round(result.written / seconds),
          requests: counts.all - before.all,
          tokenRequests: counts.token - before.token,
          onCallRequests: counts.oncall - before.oncall,
          peakRss: mb(peak.rss),
          peakHeap: mb(peak.heapUsed),
        };
        results.push(row);
        console.log(JSON.stringify(row));
      }
    }
    clearInterval(analyzer);
    console.log(`Baseline RSS before syncing: ${mb(baseline)}`);
    console.table(results);
  } finally {
    await database.drop();
    sim.child.kill('SIGTERM');
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
