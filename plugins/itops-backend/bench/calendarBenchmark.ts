/* eslint-disable no-console */
/**
 * Benchmark of the change calendar's API. Two worlds, synced through the real
 * plugin (sync engine, entity mapper, calendar relations):
 *
 * - `month`: the change-calendar issue's case, 10,000 changes planned in one
 *   month across 2,000 entities (40 teams);
 * - `year`: the backend benchmark's 200,000 changes over a year for 5,000
 *   entities, about 17,000 in a month.
 *
 * Prints median and p95 of sequential requests for a month: the first page
 * of 500, all pages, the month view by day (what the calendar page loads),
 * the same for one team ("my teams"), and one change's detail.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/calendarBenchmark.ts --db sqlite
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/calendarBenchmark.ts --db pg --world year
 *
 * PostgreSQL comes from ITOPS_BENCH_PG (default postgresql://postgres@127.0.0.1:5432).
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ChangeRecord } from '@backstage-itops/plugin-itops-common';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { itopsPlugin } from '../src/plugin';
import { measureSequential, openBenchDatabase } from '../src/testUtils';
import { benchSourceModule } from './benchSource';
import { catalogEntities, changeBatches, serviceName } from './syntheticWorld';

const DAY = 86_400_000;

function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function changeType(roll: number): ChangeRecord['type'] {
  if (roll < 0.55) return 'standard';
  return roll < 0.93 ? 'normal' : 'emergency';
}

/** 10,000 changes planned from 5 to 35 days ahead, some a few days long. */
function* monthBatches(entities: number, count: number, now: number) {
  const random = lcg(7);
  let batch: ChangeRecord[] = [];
  for (let i = 0; i < count; i++) {
    const start = now + 5 * DAY + Math.floor(random() * 30 * DAY);
    const hours = random() < 0.05 ? 24 + random() * 72 : 1 + random() * 6;
    const roll = random();
    batch.push({
      externalId: `chg-${i}`,
      number: `CHG${String(i).padStart(7, '0')}`,
      title: `Synthetic change ${i}`,
      type: changeType(roll),
      state: 'scheduled',
      risk: random() < 0.1 ? 'high' : 'moderate',
      plannedStart: new Date(start).toISOString(),
      plannedEnd: new Date(start + hours * 3_600_000).toISOString(),
      approval: 'approved',
      keys: [
        {
          type: 'servicenow-service',
          value: serviceName(Math.floor(random() * entities)).toLowerCase(),
        },
      ],
    });
    if (batch.length === 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Half the services depend on another one, so conflicts follow relations. */
function withDependencies(entities: Entity[]): Entity[] {
  const components = entities.filter(e => e.kind === 'Component');
  return entities.map(entity => {
    const index = components.indexOf(entity);
    if (index < 0 || index % 2 === 1) return entity;
    const target = components[(index * 31 + 1) % components.length];
    return {
      ...entity,
      relations: [
        ...(entity.relations ?? []),
        {
          type: 'dependsOn',
          targetRef: `component:default/${target.metadata.name}`,
        },
      ],
    };
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'sqlite' },
      world: { type: 'string', default: 'month' },
    },
  });
  const now = Date.now();
  const world =
    values.world === 'year'
      ? {
          entities: 5000,
          changes: 200_000,
          batches: () =>
            changeBatches(
              { entities: 5000, incidents: 0, changes: 200_000 },
              now,
            ),
        }
      : {
          entities: 2000,
          changes: 10_000,
          batches: () => monthBatches(2000, 10_000, now),
        };
  const catalog = withDependencies(
    catalogEntities({ entities: world.entities, incidents: 0, changes: 0 }),
  );
  console.log(
    `Change calendar benchmark on ${values.db}, world '${values.world}': ${world.changes} changes, ${world.entities} entities`,
  );
  const database = await openBenchDatabase(values.db!, 'calendar-bench');
  try {
    const t0 = performance.now();
    const { server } = await startTestBackend({
      features: [
        itopsPlugin,
        benchSourceModule('calendar-bench-source', { changes: world.batches }),
        mockServices.database.factory({ knex: database.knex }),
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
        catalogServiceMock.factory({ entities: catalog }),
      ],
    });
    console.log(
      `sync + mapping: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    if (values.db === 'pg') {
      // As autovacuum would soon after a load: the planner needs statistics.
      await database.knex.raw('analyze');
    }
    const [{ count }] = await database
      .knex('itops_entity_relations')
      .count({ count: '*' });
    console.log(`catalog relations stored: ${count}`);

    const base = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/itops`;
    const month = new URLSearchParams({
      from: new Date(now + 5 * DAY).toISOString(),
      to: new Date(now + 35 * DAY).toISOString(),
    }).toString();
    const get = async (url: string) => {
      const response = await fetch(`${base}${url}`);
      const body = await response.json();
      if (!response.ok) throw new Error(JSON.stringify(body));
      return body;
    };

    await measureSequential('month, first page of 500', async () => {
      const body = await get(`/changes?${month}&limit=500`);
      return `${body.items.length} of ${body.totalCount} changes`;
    });
    await measureSequential('month, all pages of 500', async () => {
      let total = 0;
      for (let offset = 0; ; offset += 500) {
        const body = await get(`/changes?${month}&limit=500&offset=${offset}`);
        total += body.items.length;
        if (body.items.length < 500) break;
      }
      return `${total} changes`;
    });
    await measureSequential(
      'month view by day (perDay 4, Europe/Berlin)',
      async () => {
        const body = await get(
          `/calendar/days?${month}&perDay=4&timeZone=Europe%2FBerlin`,
        );
        const shown = body.days.reduce(
          (n: number, d: { items: unknown[] }) => n + d.items.length,
          0,
        );
        return `${body.totalCount} changes, ${shown} shown, ${body.days.length} days`;
      },
    );
    await measureSequential('month view, one team ("my teams")', async () => {
      const body = await get(
        `/calendar/days?${month}&perDay=4&owner=${encodeURIComponent(
          'group:default/team-7',
        )}`,
      );
      return `${body.totalCount} changes`;
    });
    await measureSequential('week view by day (perDay 20)', async () => {
      const week = new URLSearchParams({
        from: new Date(now + 10 * DAY).toISOString(),
        to: new Date(now + 17 * DAY).toISOString(),
      });
      const body = await get(`/calendar/days?${week}&perDay=20`);
      return `${body.totalCount} changes`;
    });
    const first = (await get(`/changes?${month}&limit=1`)).items[0];
    await measureSequential('change detail with conflicts', async () => {
      const body = await get(`/calendar/changes/${first.id}`);
      return `${body.conflicts.length} conflicts`;
    });
    server.close();
  } finally {
    await database.drop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
