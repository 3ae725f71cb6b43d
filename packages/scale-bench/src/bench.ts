/* eslint-disable no-console */
/**
 * Benchmark of the whole suite over the simulators' scale world: the real
 * ServiceNow, Jira and Veeam modules sync the simulators into SQLite or
 * PostgreSQL and map the records onto the matching catalog; then the read
 * API, the change calendar and the compliance engine are measured. See the
 * package README for the options.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs packages/scale-bench/src/bench.ts --db sqlite --scale 0.01
 */
import {
  mb,
  refreshEntityRollups,
  waitForFreshRollups,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  reopenScaleRun,
  type ScaleRun,
  type ScaleSync,
  startScaleRun,
} from './pipeline';
import {
  measureCalendarCase,
  measureCompliance,
  measureReadApi,
} from './scenarios';
import {
  CALENDAR_SIZES,
  FULL_SIZES,
  scaleSizes,
  type WorldSizes,
} from './sizes';
import { readSyncReport } from './syncReport';

const USAGE = `Options:
  --db sqlite|pg          database (PostgreSQL from ITOPS_BENCH_PG, default postgresql://postgres@127.0.0.1:5432)
  --scale F               fraction of every size below (default 1)
  --services N            catalog components = ServiceNow business services = Jira components (default ${FULL_SIZES.services})
  --incidents N           incidents in all, ServiceNow and Jira (default ${FULL_SIZES.incidents})
  --changes N             changes in all, ServiceNow and Jira (default ${FULL_SIZES.changes})
  --jira-share F          fraction of incidents and changes in Jira; 0 leaves Jira out (default ${FULL_SIZES.jiraShare})
  --backup-jobs N         Veeam jobs, one per service from the first (default ${FULL_SIZES.backupJobs})
  --backup-sessions N     Veeam sessions over 60 days (default ${FULL_SIZES.backupSessions})
  --calendar              the change-calendar case: ${CALENDAR_SIZES.services} services, ${CALENDAR_SIZES.changes} changes (~10,000 in the month measured); calendar requests only
  --jira-sla              one JSM SLA request per Jira incident, as the module's default config does
  --compliance-runs N     full compliance evaluations (default 3)
  --sync-only             stop after the sync and the rollups: no read measurements
  --keep                  keep the SQLite file or PostgreSQL database
  --reuse NAME            measure the reads again on a database kept by an earlier run with the same sizes
                          (a SQLite file or PostgreSQL database name): no simulators, no sync; kept unless --drop
  --drop                  with --reuse: drop the database at the end
`;

function sizesFrom(values: Record<string, string | boolean | undefined>) {
  const base = values.calendar ? CALENDAR_SIZES : FULL_SIZES;
  const sizes: WorldSizes = scaleSizes(base, Number(values.scale ?? '1'));
  const overrides: Array<[string, keyof WorldSizes]> = [
    ['services', 'services'],
    ['incidents', 'incidents'],
    ['changes', 'changes'],
    ['jira-share', 'jiraShare'],
    ['backup-jobs', 'backupJobs'],
    ['backup-sessions', 'backupSessions'],
  ];
  for (const [flag, key] of overrides) {
    const text = values[flag];
    if (typeof text === 'string') {
      const n = Number(text);
      if (!(n >= 0)) throw new Error(`--${flag} needs a number, got ${text}`);
      sizes[key] = n;
    }
  }
  return sizes;
}

function printSetup(run: ScaleRun) {
  const { main: serviceNow, jira } = run.scales;
  console.log(
    `ITOps suite benchmark over the simulators' scale world on ${
      run.database.isFile ? 'sqlite' : 'pg'
    }: ${run.sizes.services} services; ServiceNow ${
      serviceNow.incidents
    } incidents, ${serviceNow.changes} changes; Jira ${
      jira?.incidents ?? 0
    } incidents, ${jira?.changes ?? 0} changes; Veeam ${
      serviceNow.backupJobs
    } jobs, ${serviceNow.backupSessions} sessions; Node ${process.version}, ${
      os.cpus().length
    } CPUs`,
  );
}

async function printSync(run: ScaleRun, sync: ScaleSync) {
  const rows = await readSyncReport(run.database.knex);
  const records = rows.reduce((n, row) => n + row.records, 0);
  const { seconds, peak, retained } = sync;
  console.log(
    `sync + mapping: ${seconds.toFixed(1)} s for ${records} records (${(
      records / seconds
    ).toFixed(0)} records/s overall), peak RSS ${mb(peak.rss)} MB (heap ${mb(
      peak.heapUsed,
    )} MB, external ${mb(
      peak.external,
    )} MB; simulators in their own processes)`,
  );
  console.log(
    `  retained heap: ${
      retained.fullGcs > 0
        ? `at most ${mb(retained.maxAfterFullGc)} MB after each of ${
            retained.fullGcs
          } full GCs`
        : 'no full GC ran during the sync'
    } (heap limit ${mb(
      retained.heapSizeLimit,
    )} MB; the peak above also holds garbage V8 had not collected yet)`,
  );
  for (const row of rows) {
    console.log(
      `  ${`${row.source} ${row.capability}`.padEnd(28)} ${String(
        row.records,
      ).padStart(9)} records in ${row.seconds
        .toFixed(1)
        .padStart(6)} s  ${String(row.recordsPerSecond).padStart(7)} records/s${
        row.error ? `  FAILED: ${row.error}` : ''
      }`,
    );
  }
}

/**
 * The entity rollups the summary and KPI routes read: a started backend
 * refreshes them after its sync runs, so the benchmark waits for that; on a
 * reused database it computes them itself, and times it.
 */
async function printRollups(run: ScaleRun, reused: boolean) {
  const knex = run.database.knex;
  const t0 = performance.now();
  if (reused) {
    const refreshed = await refreshEntityRollups(knex);
    console.log(
      `entity rollups: ${refreshed} computed in ${(
        (performance.now() - t0) /
        1000
      ).toFixed(1)} s`,
    );
  } else {
    await waitForFreshRollups(knex);
    console.log(
      `entity rollups: all fresh ${((performance.now() - t0) / 1000).toFixed(
        1,
      )} s after the backend started serving`,
    );
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'sqlite' },
      scale: { type: 'string' },
      services: { type: 'string' },
      incidents: { type: 'string' },
      changes: { type: 'string' },
      'jira-share': { type: 'string' },
      'backup-jobs': { type: 'string' },
      'backup-sessions': { type: 'string' },
      calendar: { type: 'boolean', default: false },
      'jira-sla': { type: 'boolean', default: false },
      'compliance-runs': { type: 'string', default: '3' },
      'sync-only': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'string' },
      drop: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const reused = values.reuse !== undefined;
  const keep = reused ? !values.drop : values.keep;
  const run = reused
    ? await reopenScaleRun({
        sizes: sizesFrom(values),
        db: values.db!,
        name: values.reuse!,
      })
    : await startScaleRun({
        sizes: sizesFrom(values),
        db: values.db!,
        jiraSla: values['jira-sla'],
      });
  try {
    printSetup(run);
    if (run.sync) {
      await printSync(run, run.sync);
    } else {
      console.log(`reusing the database ${run.database.name}: no sync`);
    }
    await printRollups(run, reused);
    if (!run.database.isFile) {
      // As autovacuum would soon after a load (PostgreSQL 13 and later also
      // vacuum after inserts): the planner needs statistics, and index-only
      // scans need the visibility map that vacuum sets.
      await run.database.knex.raw('vacuum analyze');
    }
    if (values['sync-only']) {
      console.log('--sync-only: no read measurements');
    } else if (values.calendar) {
      await measureCalendarCase(run);
    } else {
      await measureReadApi(run);
      await measureCompliance(run, Number(values['compliance-runs']));
    }
  } finally {
    if (keep) console.log(`kept the database: ${run.database.name}`);
    await run.close({ keep });
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
