/* eslint-disable no-console */
/**
 * Benchmark of the compliance engine: evaluating every check for every
 * entity of the synthetic world (5,000 production services, 1,000,000
 * incidents, 200,000 changes, plus a backup job with 35 daily runs and a
 * restore test per service and two escalation levels of weekly on-call
 * shifts per service), synced through the real plugin. Prints the time of a
 * full evaluation (per data set), of a single-entity evaluation and of the
 * overview and scorecard requests.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/complianceBenchmark.ts --db sqlite
 *   … --db pg --scale 0.1
 *   … --reuse-sqlite /tmp/synced.sqlite   (a copy of an already synced world:
 *     no sync, migrations still run; `--keep-sqlite PATH` saves one)
 *
 * PostgreSQL comes from ITOPS_BENCH_PG (default postgresql://postgres@127.0.0.1:5432);
 * the benchmark creates and drops its own database there.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  BackupJobRecord,
  BackupRunRecord,
  OnCallShiftRecord,
} from '@backstage-itops/plugin-itops-common';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { ConfigReader } from '@backstage/config';
import type { Knex } from 'knex';
import {
  ComplianceEngine,
  type EvaluationSummary,
} from '../src/compliance/ComplianceEngine';
import { readComplianceSettings } from '../src/compliance/config';
import { computeEntityFacts } from '../src/compliance/entityFacts';
import { toCsv } from '../src/compliance/exports';
import { SnapshotStore } from '../src/compliance/SnapshotStore';
import { WaiverStore } from '../src/compliance/WaiverStore';
import { SyncStore } from '../src/sync/SyncStore';
import { itopsPlugin } from '../src/plugin';
import { openBenchDatabase } from '../src/testUtils';
import { benchSourceModule } from './benchSource';
import {
  FULL_SIZE,
  type WorldSize,
  catalogEntities,
  changeBatches,
  entityName,
  incidentBatches,
  serviceName,
} from './syntheticWorld';

const DAY = 86_400_000;
const RUNS_PER_JOB = 35;

/** The synthetic catalog with the annotations the compliance checks read. */
function complianceCatalog(size: WorldSize): Entity[] {
  return catalogEntities(size).map((entity, index) => {
    if (entity.kind !== 'Component') {
      return {
        ...entity,
        relations: [
          { type: 'hasMember', targetRef: `user:default/member-${index}` },
        ],
      };
    }
    const i = index - 50;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'itops.io/tier': String((i % 4) + 1),
          'itops.io/personal-data': i % 3 === 0 ? 'true' : 'false',
          'itops.io/veeam-job': `Job ${serviceName(i)}`,
          'itops.io/rpo': 'PT24H',
        },
      },
    };
  });
}

/** About 4 % failed and 9 % warning runs, spread over jobs and days. */
function syntheticResult(n: number): BackupRunRecord['result'] {
  if (n % 23 === 0) return 'failed';
  return n % 11 === 0 ? 'warning' : 'success';
}

function* backupBatches(
  size: WorldSize,
  now: number,
): Generator<Array<BackupJobRecord | BackupRunRecord>> {
  for (let i = 0; i < size.entities; i++) {
    const job = `Job ${serviceName(i)}`;
    const batch: Array<BackupJobRecord | BackupRunRecord> = [
      {
        recordType: 'backup-job',
        externalId: `job-${i}`,
        name: job,
        objects: [`vm-${i}`],
        enabled: true,
        keys: [{ type: 'veeam-job', value: job }],
      },
    ];
    for (let d = 0; d < RUNS_PER_JOB; d++) {
      const start = now - (d + 1) * DAY + (i % 600) * 60_000;
      batch.push({
        recordType: 'backup-run',
        externalId: `run-${i}-${d}`,
        jobExternalId: `job-${i}`,
        jobName: job,
        kind: 'backup',
        result: syntheticResult(i + d),
        startedAt: new Date(start).toISOString(),
        endedAt: new Date(start + 1_200_000).toISOString(),
        keys: [],
      });
    }
    const tested = now - ((i % 200) + 1) * DAY;
    batch.push({
      recordType: 'backup-run',
      externalId: `restore-${i}`,
      jobExternalId: `job-${i}`,
      jobName: job,
      kind: 'restore-test',
      result: i % 17 === 0 ? 'failed' : 'success',
      startedAt: new Date(tested).toISOString(),
      endedAt: new Date(tested + ((i % 6) + 1) * 3_600_000).toISOString(),
      keys: [],
    });
    yield batch;
  }
}

function* onCallBatches(
  size: WorldSize,
  now: number,
): Generator<OnCallShiftRecord[]> {
  const weekStart = now - 35 * DAY;
  for (let i = 0; i < size.entities; i++) {
    const batch: OnCallShiftRecord[] = [];
    for (let level = 1; level <= 2; level++) {
      for (let w = 0; w < 8; w++) {
        const start = weekStart + w * 7 * DAY;
        // Every 10th service has a six-hour hole in its first-level rota.
        const end =
          start +
          7 * DAY -
          (level === 1 && i % 10 === 0 && w === 5 ? 6 * 3_600_000 : 0);
        batch.push({
          externalId: `shift-${i}-${level}-${w}`,
          scheduleName: `Rota ${i}`,
          groupName: `team-${i % 50}`,
          personName: `person-${(i * 3 + level + w) % 400}`,
          start: new Date(start).toISOString(),
          end: new Date(end).toISOString(),
          escalationLevel: level,
          keys: [{ type: 'servicenow-service', value: serviceName(i) }],
        });
      }
    }
    yield batch;
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

/** Rows and bytes of reasons and evidence a snapshot stores itself. */
async function storedSize(knex: Knex, snapshotId: string) {
  const row = await knex('itops_compliance_results')
    .where('snapshot_id', snapshotId)
    .first(
      knex.raw('count(*) as n'),
      knex.raw('sum(length(reason) + length(evidence)) as bytes'),
    );
  return `${Number(row?.n ?? 0)} rows, ${(
    Number(row?.bytes ?? 0) /
    2 ** 20
  ).toFixed(1)} MiB of reasons and evidence`;
}

/**
 * Full against incremental storage, with the engine driven directly: a
 * full run, an incremental one with nothing changed, and one after a sync
 * touched 1 % of the services (a new unassigned P1 incident each), with the
 * cost of reading each snapshot back whole.
 */
async function incrementalPhase(knex: Knex, size: WorldSize, runs: number) {
  const settings = readComplianceSettings(new ConfigReader({}));
  const snapshots = new SnapshotStore(knex);
  const engine = new ComplianceEngine({
    knex,
    settings,
    facts: {
      all: async () =>
        computeEntityFacts(complianceCatalog(size), settings.selection),
      one: async () => undefined,
    },
    snapshots,
    waivers: new WaiverStore(knex, { maxWaiverDays: 365 }),
  });
  const report = async (
    label: string,
    run: () => Promise<EvaluationSummary>,
  ) => {
    const [summary, ms] = await timed(run);
    const t = summary.timings;
    const [read, readMs] = await timed(() =>
      snapshots.results(summary.snapshot.id),
    );
    const [csv, csvMs] = await timed(async () => toCsv(read, settings.checks));
    const [, currentMs] = await timed(() =>
      snapshots.currentResults(undefined, { lean: true }),
    );
    console.log(
      `${label}: ${(ms / 1000).toFixed(2)} s (loading and judging ${(
        t.catalogMs +
        t.backupsMs +
        t.changesMs +
        t.incidentsMs +
        t.oncallMs
      ).toFixed(0)} ms, diff ${t.diffMs.toFixed(
        0,
      )} ms, write ${t.writeMs.toFixed(0)} ms), stored ${await storedSize(
        knex,
        summary.snapshot.id,
      )}; reading ${read.length} results back ${readMs.toFixed(
        0,
      )} ms (as CSV ${(csv.length / 2 ** 20).toFixed(1)} MiB, ${csvMs.toFixed(
        0,
      )} ms), current state (lean) ${currentMs.toFixed(0)} ms`,
    );
    return summary;
  };
  for (let run = 0; run < runs; run++) {
    await report('full run', () => engine.evaluateAll('manual', 'full'));
    await report('incremental, nothing changed', () =>
      engine.evaluateAll('manual', 'auto'),
    );
  }
  const changed = Math.max(1, Math.round(size.entities / 100));
  const now = Date.now();
  await SyncStore.create(knex).writeBatch(
    { type: 'bench', instance: 'synthetic' },
    'incidents',
    Array.from({ length: changed }, (_, k) => ({
      externalId: `inc-bench-change-${now}-${k}`,
      number: `INCX${k}`,
      title: 'Synthetic change for the incremental run',
      state: 'new' as const,
      priority: 1 as const,
      openedAt: new Date(now - 3_600_000).toISOString(),
      keys: [
        {
          type: 'servicenow-service' as const,
          value: serviceName(k * 100),
        },
      ],
    })),
    `bench-change-${now}`,
  );
  await report(`incremental, ${changed} services changed (1 %)`, () =>
    engine.evaluateAll('manual', 'auto'),
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'sqlite' },
      scale: { type: 'string', default: '1' },
      runs: { type: 'string', default: '3' },
      'reuse-sqlite': { type: 'string' },
      'keep-sqlite': { type: 'string' },
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
    `Compliance benchmark on ${values.db}: ${size.entities} entities, ${
      size.incidents
    } incidents, ${size.changes} changes, ${
      size.entities * (RUNS_PER_JOB + 1)
    } backup runs, ${size.entities * 16} on-call shifts`,
  );
  const reuse = values['reuse-sqlite'];
  const database = await openBenchDatabase(
    values.db!,
    'compliance-bench',
    reuse,
  );
  try {
    const [{ server }, setupMs] = await timed(() =>
      startTestBackend({
        features: [
          itopsPlugin,
          ...(reuse
            ? []
            : [
                benchSourceModule('compliance-bench-source', {
                  incidents: () => incidentBatches(size, now),
                  changes: () => changeBatches(size, now),
                  backups: () => backupBatches(size, now),
                  oncall: () => onCallBatches(size, now),
                }),
              ]),
          mockServices.database.factory({ knex: database.knex }),
          // Runs sync, mapping and one scheduled evaluation before returning.
          // A reused world is synced and mapped already: nothing runs at start.
          mockServices.scheduler.factory(
            reuse
              ? { skipTaskRunOnStartup: true }
              : { includeInitialDelayedTasksOnStartup: true },
          ),
          catalogServiceMock.factory({ entities: complianceCatalog(size) }),
        ],
      }),
    );
    console.log(
      `sync, mapping and first scheduled evaluation: ${(setupMs / 1000).toFixed(
        1,
      )} s`,
    );
    const baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/itops`;
    const headers = { authorization: mockCredentials.user.header() };
    const post = async (p: string) => {
      const response = await fetch(`${baseUrl}${p}`, {
        method: 'POST',
        headers,
      });
      const body = await response.json();
      if (!response.ok) throw new Error(JSON.stringify(body));
      return body;
    };
    const get = async (p: string) => {
      const response = await fetch(`${baseUrl}${p}`, { headers });
      const body = await response.text();
      if (!response.ok) throw new Error(body);
      return body;
    };

    const runs = Number(values.runs);
    const totals: number[] = [];
    for (let run = 0; run < runs; run++) {
      const [summary, ms] = await timed(() => post('/compliance/evaluate'));
      totals.push(ms);
      const t = summary.timings as Record<string, number>;
      console.log(
        `${
          summary.baseSnapshotId
            ? `incremental (${summary.storedResults} stored)`
            : 'full'
        } evaluation ${run + 1}: ${(ms / 1000).toFixed(2)} s for ${
          summary.snapshot.entityCount
        } entities, ${
          summary.snapshot.resultCount
        } results (catalog facts ${t.factsMs.toFixed(
          0,
        )} ms, catalog checks ${t.catalogMs.toFixed(
          0,
        )} ms, backups ${t.backupsMs.toFixed(
          0,
        )} ms, changes ${t.changesMs.toFixed(
          0,
        )} ms, incidents ${t.incidentsMs.toFixed(
          0,
        )} ms, on-call ${t.oncallMs.toFixed(
          0,
        )} ms, snapshot write ${t.writeMs.toFixed(0)} ms)`,
      );
    }
    totals.sort((a, b) => a - b);
    console.log(
      `evaluation over HTTP, median: ${(
        totals[Math.floor(totals.length / 2)] / 1000
      ).toFixed(2)} s`,
    );

    const single: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [, ms] = await timed(() =>
        post(
          `/compliance/entities/component/default/${entityName(
            (i * 97) % size.entities,
          )}/evaluate`,
        ),
      );
      single.push(ms);
    }
    single.sort((a, b) => a - b);
    console.log(
      `single-entity evaluation: median ${single[10].toFixed(
        0,
      )} ms, max ${single[19].toFixed(0)} ms`,
    );

    for (const [name, p] of [
      ['overview (all frameworks)', '/compliance/overview'],
      [
        'overview (ISO, one team)',
        `/compliance/overview?framework=iso27001-2022&team=${encodeURIComponent(
          'group:default/team-7',
        )}`,
      ],
      [
        'entity scorecard',
        `/compliance/entities/component/default/${entityName(42)}`,
      ],
      [
        'control A.8.13',
        `/compliance/frameworks/iso27001-2022/controls/A.8.13`,
      ],
      ['printable ISO report', '/compliance/report?framework=iso27001-2022'],
    ] as const) {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) samples.push((await timed(() => get(p)))[1]);
      samples.sort((a, b) => a - b);
      console.log(`${name.padEnd(28)} median ${samples[2].toFixed(0)} ms`);
    }
    const snapshots = JSON.parse(await get('/compliance/snapshots?limit=1'));
    const [csv, csvMs] = await timed(() =>
      get(`/compliance/snapshots/${snapshots.items[0].id}/export?format=csv`),
    );
    console.log(
      `CSV export of the latest snapshot: ${(csv.length / 2 ** 20).toFixed(
        1,
      )} MiB in ${csvMs.toFixed(0)} ms`,
    );
    console.log(
      `peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(
        0,
      )} MiB (current)`,
    );
    server.close();
    // After the HTTP requests: the backend runs in this process, and a
    // keep-alive connection left idle through the phase can be reset.
    await incrementalPhase(database.knex, size, runs);
    const keep = values['keep-sqlite'];
    if (keep && database.isFile) {
      await database.knex.destroy();
      fs.copyFileSync(database.name, keep);
      console.log(`synced world kept in ${keep}`);
    }
  } finally {
    await database.drop().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
