/* eslint-disable no-console */
/**
 * Sync throughput and upstream requests of the Jira source: the Jira
 * simulator in scale mode (on loopback, in this process) serves N
 * incidents and M changes and the JSM Ops schedules of the org's teams;
 * the real sync engine reads them through this module into in-memory
 * SQLite: incidents and changes in full, on-call, then incidents
 * incrementally after an hour of live changes. Per run it prints records
 * per second and the upstream requests, with token, on-call and SLA
 * requests apart. The simulator's clock follows real time, so that
 * short-lived OAuth tokens expire during the runs as they would upstream.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/syncBenchmark.ts
 *   … --incidents 5000 --changes 1000 --oauth --token-seconds 5 --no-timeline --no-sla-fields
 *
 * `--oauth` syncs through the OAuth 2.0 (3LO) gateway (`--token-seconds`,
 * default 3600); `--no-timeline` answers JSM Ops `/timeline` 404;
 * `--no-sla-fields` gives the site no SLA fields, so SLAs are asked per
 * incident (up to `--sla-cap`, default 500); `--no-sla` turns SLAs off.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { SchedulerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
// The plugin's own test utilities, made for the source modules that extend it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  migrateItopsDatabase,
  replaceEntityMappingIfChanged,
  SyncEngine,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import {
  type Clock,
  type createJiraSimulator,
  startSimulators,
} from '@backstage-itops/simulator';
import knexFactory, { type Knex } from 'knex';
import { parseArgs } from 'node:util';
import {
  DatabaseOAuthTokenStore,
  migrateJiraDatabase,
} from '../src/auth/OAuthTokenStore';
import { readJiraSiteConfig } from '../src/config';
import { createJiraSource } from '../src/createJiraSource';

const { values: args } = parseArgs({
  options: {
    incidents: { type: 'string', default: '100000' },
    changes: { type: 'string', default: '20000' },
    services: { type: 'string', default: '5000' },
    oauth: { type: 'boolean', default: false },
    'token-seconds': { type: 'string', default: '3600' },
    'no-timeline': { type: 'boolean', default: false },
    'no-sla-fields': { type: 'boolean', default: false },
    'no-sla': { type: 'boolean', default: false },
    'sla-cap': { type: 'string', default: '500' },
  },
});

/** Real time from a fixed start, moved on by hand for the live steps. */
class RunningClock implements Clock {
  readonly #origin = Date.parse('2026-11-25T12:00:00Z');
  readonly #started = performance.now();
  #offset = 0;

  now(): Date {
    return new Date(
      this.#origin +
        Math.round(performance.now() - this.#started) +
        this.#offset,
    );
  }

  advance(ms: number): void {
    this.#offset += ms;
  }
}

/** The org's JSM Ops teams, mapped by an entity each so that on-call is read. */
const TEAMS = ['Payments', 'Platform SRE', 'Storefront'];

async function mapTeams(knex: Knex) {
  await replaceEntityMappingIfChanged(knex, {
    entities: TEAMS.map(team => ({
      entityRef: `group:default/${team.toLowerCase().replace(/ /g, '-')}`,
      kind: 'group',
      title: team,
      ownerRef: null,
      systemRef: null,
    })),
    keys: TEAMS.map(team => {
      const entityRef = `group:default/${team
        .toLowerCase()
        .replace(/ /g, '-')}`;
      return {
        entityRef,
        type: 'jsm-team' as const,
        value: team.toLowerCase(),
        viaRef: entityRef,
      };
    }),
  });
}

async function main() {
  const incidents = Number(args.incidents);
  const changes = Number(args.changes);
  const clock = new RunningClock();
  const sims = await startSimulators({
    systems: ['jira'],
    ports: { jira: 0 },
    clock,
    scale: {
      services: Number(args.services),
      incidents,
      changes,
      backupJobs: 0,
      backupSessions: 0,
    },
    jira: {
      oauth: { accessTokenSeconds: Number(args['token-seconds']) },
      ops: { timeline: !args['no-timeline'] },
      slaFields: !args['no-sla-fields'],
    },
  });
  const simulator = sims.simulators.jira as ReturnType<
    typeof createJiraSimulator
  >;
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
    await mapTeams(knex);
    const url = sims.urls.jira;
    const auth = args.oauth
      ? {
          oauth: {
            clientId: simulator.oauth.clientId,
            clientSecret: simulator.oauth.clientSecret,
            refreshToken: simulator.oauth.refreshToken,
            tokenUrl: `${url}/oauth/token`,
          },
        }
      : { email: 'itops@acme.example', apiToken: 'jira-api-token' };
    if (args.oauth) {
      await migrateJiraDatabase(knex);
    }
    const source = createJiraSource(
      readJiraSiteConfig(
        'bench',
        new ConfigReader({
          baseUrl: url,
          atlassianApiUrl: url,
          ...(args.oauth ? { cloudId: simulator.cloudId } : {}),
          auth,
          sla: {
            enabled: !args['no-sla'],
            maxRequestsPerRun: Number(args['sla-cap']),
          },
          http: { requestsPerSecond: 100000, maxConcurrency: 8 },
        }),
      ),
      {
        now: () => clock.now().getTime(),
        tokenStore: args.oauth ? new DatabaseOAuthTokenStore(knex) : undefined,
      },
    );
    const engine = SyncEngine.create({
      knex,
      sources: [source],
      // runOnce is called directly; nothing gets scheduled.
      scheduler: {} as SchedulerService,
      config: new ConfigReader({}),
      logger: mockServices.rootLogger(),
    });
    let slaMode = 'from search';
    if (args['no-sla']) {
      slaMode = 'off';
    } else if (args['no-sla-fields']) {
      slaMode = `per issue (cap ${args['sla-cap']})`;
    }
    console.log(
      `Jira simulator: ${incidents} incidents, ${changes} changes, ${
        TEAMS.length
      } on-call teams; auth ${
        args.oauth ? `OAuth (${args['token-seconds']} s tokens)` : 'Basic'
      }; timeline ${
        args['no-timeline'] ? 'absent' : 'present'
      }; SLA ${slaMode}`,
    );
    const measure = async (
      label: string,
      run: () => ReturnType<SyncEngine['runOnce']>,
    ) => {
      const before = simulator.stats();
      const started = performance.now();
      const result = await run();
      const seconds = (performance.now() - started) / 1000;
      const after = simulator.stats();
      const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
      console.log(
        `${label}: ${result.status}${
          result.partial.length > 0 ? ' (partial)' : ''
        }, ${result.written} records in ${seconds.toFixed(1)} s = ${Math.round(
          result.written / seconds,
        )}/s; ${delta('requests')} requests: ${delta(
          'searches',
        )} search, ${delta('tokenRequests')} token, ${delta(
          'opsRequests',
        )} on-call, ${delta('slaRequests')} SLA`,
      );
    };
    for (const capability of ['incidents', 'changes', 'oncall'] as const) {
      await measure(`full ${capability}`, () =>
        engine.runOnce(source, capability, { full: true }),
      );
    }
    clock.advance(60 * 60_000);
    for (let step = 0; step < 20; step++) {
      simulator.tick(clock.now());
    }
    await measure('incremental incidents after 20 live steps', () =>
      engine.runOnce(source, 'incidents'),
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
