/* eslint-disable no-console */
/*
 * Browser benchmark of the ITOps tab of a service on the production build,
 * run by scripts/bench-entity-tab.sh against the backend it started over
 * the seeded simulators. Loads the tab BENCH_RUNS times (after one warm-up
 * load that fills the browser cache, as a user who has opened the app
 * before) and prints the time from navigation start to every card painted
 * with its data (median, p95, min, max), when the first and the last API
 * request were sent and answered, how many API and permission requests the
 * tab made, and the waterfall of the last load.
 *
 * Environment:
 *   E2E_BASE_URL     the app, served by the backend (required)
 *   BENCH_ENTITY     the tab's entity (default component/payments-api)
 *   BENCH_RUNS       measured loads (default 15)
 *   E2E_OUTPUT_DIR   screenshots (default test-results/bench-entity-tab)
 *   E2E_TIMEOUT_MS   how long the tab may take (default 60000)
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchSignedIn } from '../browser';
import { screenshotter } from '../harness';
import {
  type EntityTabProbeState,
  installEntityTabProbe,
} from './entityTabProbe';

const baseUrl = (process.env.E2E_BASE_URL ?? '').replace(/\/$/, '');
const entity = process.env.BENCH_ENTITY ?? 'component/payments-api';
const runs = Number(process.env.BENCH_RUNS ?? '15');
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? '60000');
const outputDir = resolve(
  process.env.E2E_OUTPUT_DIR ?? 'test-results/bench-entity-tab',
);

interface Request {
  path: string;
  startMs: number;
  endMs: number;
}

interface Sample {
  allPaintedMs: number;
  cards: EntityTabProbeState['cards'];
  longestTaskMs: number;
  /** Requests to /api/ sent before every card was painted. */
  api: Request[];
  /** Of those, permission checks (/api/permission/authorize). */
  permission: number;
  /** The app's own JS and CSS fetched before every card was painted. */
  scripts: Request[];
}

/** The nearest-rank percentile of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

async function load(page: Page): Promise<Sample> {
  await page.goto(`${baseUrl}/catalog/default/${entity}/itops`, {
    timeout: timeoutMs,
  });
  const handle = await page.waitForFunction(
    () =>
      window.__entityTabProbe?.allPaintedAt !== undefined &&
      window.__entityTabProbe,
    undefined,
    { timeout: timeoutMs },
  );
  const probe = (await handle.jsonValue()) as EntityTabProbeState;
  const resources = await page.evaluate(() =>
    performance.getEntriesByType('resource').map(e => {
      const r = e as PerformanceResourceTiming;
      const url = new URL(r.name);
      return {
        path: url.pathname + url.search,
        startMs: r.startTime,
        endMs: r.responseEnd,
      };
    }),
  );
  const before = resources.filter(r => r.startMs <= probe.allPaintedAt!);
  const api = before.filter(r => r.path.startsWith('/api/'));
  return {
    allPaintedMs: probe.allPaintedAt!,
    cards: probe.cards,
    longestTaskMs: probe.longTasks.longestMs,
    api,
    permission: api.filter(r => r.path.startsWith('/api/permission/')).length,
    scripts: before.filter(r => /\.(js|css)$/.test(r.path)),
  };
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return `median ${median.toFixed(0)}, p95 ${percentile(values, 95).toFixed(
    0,
  )}, min ${sorted[0].toFixed(0)}, max ${sorted[sorted.length - 1].toFixed(0)}`;
}

async function main() {
  if (!baseUrl) throw new Error('E2E_BASE_URL is not set');
  const screenshot = screenshotter(outputDir);
  const browser = await launchSignedIn({ baseUrl, timeoutMs, screenshot });
  const samples: Sample[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const page = await browser.context.newPage();
      try {
        await page.addInitScript(installEntityTabProbe);
        const sample = await load(page);
        if (i === 0) {
          console.log(
            `warm-up load (cold cache): ${sample.allPaintedMs.toFixed(0)} ms`,
          );
          await screenshot(page, `entity-tab-${entity.replace('/', '-')}`);
        } else {
          samples.push(sample);
        }
      } catch (error) {
        await screenshot(page, 'FAILED-entity-tab').catch(() => {});
        throw error;
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }

  const ms = (pick: (s: Sample) => number | undefined) =>
    stats(samples.map(s => pick(s) ?? NaN));
  console.log(
    `\nITOps tab of ${entity}, production build, ${runs} loads (ms since navigation start)`,
  );
  console.log(`all cards painted:     ${ms(s => s.allPaintedMs)}`);
  for (const card of [
    'oncall',
    'incidents',
    'changes',
    'backups',
    'kpis',
  ] as const) {
    console.log(`  ${card.padEnd(20)} ${ms(s => s.cards[card])}`);
  }
  console.log(
    `first API request:     ${ms(s => Math.min(...s.api.map(r => r.startMs)))}`,
  );
  console.log(
    `last API answer:       ${ms(s => Math.max(...s.api.map(r => r.endMs)))}`,
  );
  console.log(`API requests:          ${ms(s => s.api.length)}`);
  console.log(`  of them permission:  ${ms(s => s.permission)}`);
  console.log(`JS/CSS files:          ${ms(s => s.scripts.length)}`);
  console.log(`longest task:          ${ms(s => s.longestTaskMs)}`);
  const last = samples[samples.length - 1];
  console.log(
    `\nWaterfall of the last load (requests before all cards painted; the JS of a warm cache is served from it):`,
  );
  const waterfall = [...last.api, ...last.scripts];
  for (const r of waterfall.sort((a, b) => a.startMs - b.startMs)) {
    console.log(
      `  ${r.startMs.toFixed(0).padStart(5)} → ${r.endMs
        .toFixed(0)
        .padStart(5)}  ${r.path.slice(0, 110)}`,
    );
  }
  console.log(`Screenshot in ${outputDir}`);
}

main().catch(error => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
