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
        `full evaluation ${run + 1}: ${(ms / 1000).toFixed(2)} s for ${
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
      `full evaluation median: ${(
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
