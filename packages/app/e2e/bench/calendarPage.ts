/* eslint-disable no-console */
/*
 * Browser benchmark of the change calendar page at scale, run by
 * scripts/bench-calendar-page.sh against the backend it started over the
 * simulators' scale mode. Waits for the sync and the entity mapping, then
 * loads /itops/changes for every owner in Chromium, BENCH_RUNS times per
 * view, and prints per view the time from navigation to the view drawn
 * with its data, the server time of its API call, what it drew, and the
 * month → week switch. Fails, rather than printing numbers, when the page
 * does not show what the API returned.
 *
 * Environment:
 *   E2E_BASE_URL         the app, served by the backend (required)
 *   BENCH_CATALOG        the catalog file the backend reads (required):
 *                        its components are the mapping probes
 *   BENCH_MONTH          the month to show, YYYY-MM (required)
 *   BENCH_MONTH_TARGET   changes the month should hold (default 10000);
 *                        fewer than 80 % of it fails the run
 *   BENCH_RUNS           loads per view (default 5)
 *   E2E_OUTPUT_DIR       screenshots (default test-results/bench-calendar)
 *   E2E_TIMEOUT_MS       how long a view may take to show (default 60000)
 *   E2E_SYNC_TIMEOUT_MS  how long the sync may take (default 900000)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { getJson, guestToken, launchSignedIn } from '../browser';
import { median, screenshotter } from '../harness';
import { waitForSync } from '../waitForSync';
import {
  type CalendarProbeState,
  installCalendarProbe,
  type RenderMark,
} from './pageProbe';

type View = 'month' | 'week' | 'agenda';

/** Changes per day the page asks for (ChangeCalendarContent's PER_DAY). */
const PER_DAY = { month: 3, week: 20 } as const;
const AGENDA_PAGE = 100;
/** The zone of launchSignedIn's browser, which the page asks the API in. */
const ZONE = 'Europe/Berlin';
/** Mapping probes: this many components spread over the catalog. */
const PROBES = 12;

interface ApiTiming {
  /** When the page sent the request, in ms since navigation start. */
  sentAt: number;
  /** When its last byte arrived, in ms since navigation start. */
  doneAt: number;
  /** Request sent → first response byte: the server's time on localhost. */
  serverMs: number;
  /** Request start → last byte, as the page saw it. */
  totalMs: number;
  bytes: number;
}

interface Sample {
  /** Navigation (or click) → view painted with its data. */
  renderedMs: number;
  /** Navigation (or click) → the API request sent. */
  sentMs: number;
  /** The API response's last byte → view painted. */
  afterApiMs: number;
  api: ApiTiming;
  chips: number;
  moreLinks: number;
  domNodes: number;
  longestTaskMs: number;
  /** Month and week: chips of changes that began on an earlier day. */
  carriedOver?: number;
  /** Month → week only: day counts the week grid showed before its data. */
  staleWeekGrid?: number[];
}

function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set`);
  }
  return value;
}

const baseUrl = env('E2E_BASE_URL').replace(/\/$/, '');
const month = env('BENCH_MONTH');
const monthTarget = Number(env('BENCH_MONTH_TARGET', '10000'));
const runs = Number(env('BENCH_RUNS', '5'));
const timeoutMs = Number(env('E2E_TIMEOUT_MS', '60000'));
const outputDir = resolve(env('E2E_OUTPUT_DIR', 'test-results/bench-calendar'));
/** A date well inside the month; the week view shows its week. */
const date = `${month}-15`;

function fail(message: string): never {
  throw new Error(`Sanity check failed: ${message}`);
}

/**
 * Refs of the components of the catalog file, whose documents are JSON
 * (simulator --write-catalog), separated by `---`.
 */
function catalogComponents(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split(/^---$/m)
    .map(doc => doc.trim())
    .filter(Boolean)
    .map(doc => JSON.parse(doc))
    .filter(entity => entity.kind === 'Component')
    .map(
      entity =>
        `component:${entity.metadata.namespace ?? 'default'}/${
          entity.metadata.name
        }`,
    );
}

/** `count` items spread evenly over the list, first and last included. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from(
    { length: count },
    (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))],
  );
}

/** Entity refs the calendar API takes at once (its `maxItems`). */
const REFS_PER_REQUEST = 50;

/**
 * Waits until ITOps knows every component, i.e. a mapping run has covered
 * the whole catalog: the calendar answers 404 for a filter naming an
 * unknown entity. The sampled probes are not enough, as the catalog ingests
 * its entities in no particular order; a one-minute range keeps each
 * request cheap.
 */
async function waitForAllMapped(
  refs: string[],
  token: string,
  deadline: number,
): Promise<void> {
  const from = new Date();
  const to = new Date(from.getTime() + 60_000);
  let next = 0;
  while (next < refs.length) {
    const batch = refs.slice(next, next + REFS_PER_REQUEST);
    const query = new URLSearchParams({
      from: from.toISOString(),
      to: to.toISOString(),
      entityRef: batch.join(','),
      limit: '1',
    });
    try {
      await getJson(baseUrl, `/api/itops/changes?${query}`, token);
      next += batch.length;
    } catch (error) {
      if (!/HTTP 404/.test((error as Error).message)) throw error;
      if (Date.now() > deadline) {
        throw new Error(
          `Gave up: components after ${refs[next]} are not all mapped`,
        );
      }
      console.log(
        `   waiting for the mapping of ${refs.length - next} components from ${
          refs[next]
        }`,
      );
      await new Promise(r => setTimeout(r, 5000));
    }
  }
}

/** Resource timing of the page's last request to `path`. */
async function apiTiming(page: Page, path: string): Promise<ApiTiming> {
  const timing = await page.evaluate(p => {
    const entries = performance
      .getEntriesByType('resource')
      .filter(e => new URL(e.name).pathname.endsWith(p));
    const last = entries[entries.length - 1] as
      | PerformanceResourceTiming
      | undefined;
    return (
      last && {
        sentAt: last.startTime,
        doneAt: last.responseEnd,
        serverMs: last.responseStart - last.requestStart,
        totalMs: last.responseEnd - last.startTime,
        bytes: last.encodedBodySize,
      }
    );
  }, path);
  if (!timing) fail(`the page made no request to ${path}`);
  return timing;
}

/** Waits for the probe's mark of a view to be painted. */
async function painted(page: Page, view: View): Promise<RenderMark> {
  const handle = await page.waitForFunction(
    v => {
      const mark = window.__calendarProbe?.marks[v as View];
      return mark?.paintAt !== undefined && mark;
    },
    view,
    { timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as RenderMark;
}

/** What the page draws, read from the DOM. */
async function drawn(page: Page) {
  return page.evaluate(() => {
    const legend = document.querySelector('[aria-label="legend"]');
    const total = /(\d+) changes in this period/.exec(
      legend?.textContent ?? '',
    );
    const days = [...document.querySelectorAll('[role="gridcell"]')].map(
      cell => {
        const more = /^\+(\d+) more$/.exec(
          cell.querySelector('button:not([data-testid])')?.textContent ?? '',
        );
        return {
          date: (cell.getAttribute('data-testid') ?? '').replace(/^day-/, ''),
          chips: cell.querySelectorAll('[data-testid^="change-"]').length,
          more: more ? Number(more[1]) : 0,
        };
      },
    );
    return {
      legendTotal: total ? Number(total[1]) : undefined,
      days,
      agendaItems: document.querySelectorAll('[data-testid^="agenda-"]').length,
      loadMore: [...document.querySelectorAll('button')].some(b =>
        /^Load \d+ more$/.test(b.textContent ?? ''),
      ),
      domNodes: document.getElementsByTagName('*').length,
      probe: window.__calendarProbe as CalendarProbeState,
    };
  });
}

/**
 * The JSON body of the first response to `path` from now on. Awaited only
 * once the page has drawn; until then a failure must not go unhandled.
 */
function nextJson(page: Page, path: string): Promise<any> {
  const body = page
    .waitForResponse(
      (response: Response) =>
        new URL(response.url()).pathname.endsWith(path) && response.ok(),
      { timeout: timeoutMs },
    )
    .then(response => response.json());
  body.catch(() => undefined);
  return body;
}

type DaysBody = {
  totalCount: number;
  days: Array<{
    date: string;
    start: string;
    total: number;
    items: Array<{ plannedStart: string }>;
  }>;
};

/** Chips of changes that started on an earlier day and run into theirs. */
function carriedOver(body: DaysBody): number {
  return body.days.reduce(
    (n, day) =>
      n +
      day.items.filter(c => Date.parse(c.plannedStart) < Date.parse(day.start))
        .length,
    0,
  );
}

/**
 * The grid must show what the API returned: each day its first changes
 * and "+N more" for the rest, the legend the API's total; days with more
 * changes than fit must say so.
 */
function checkGrid(
  view: 'month' | 'week',
  body: DaysBody,
  page: Awaited<ReturnType<typeof drawn>>,
) {
  if (page.legendTotal !== body.totalCount) {
    fail(
      `${view}: the legend says ${page.legendTotal} changes, the API ${body.totalCount}`,
    );
  }
  if (page.days.length !== body.days.length) {
    fail(
      `${view}: ${page.days.length} days drawn, the API has ${body.days.length}`,
    );
  }
  page.days.forEach((day, i) => {
    const api = body.days[i];
    const hidden = api.total - api.items.length;
    // The API windows each day: a regression to every change fails here.
    if (api.items.length > PER_DAY[view]) {
      fail(
        `${view} ${api.date}: the API sent ${api.items.length} changes, the page asked for ${PER_DAY[view]}`,
      );
    }
    if (day.date !== api.date || day.chips !== api.items.length) {
      fail(
        `${view} ${api.date}: ${day.chips} chips drawn, API sent ${api.items.length}`,
      );
    }
    if (day.more !== hidden) {
      fail(`${view} ${api.date}: "+${day.more} more" drawn, ${hidden} hidden`);
    }
  });
  const overflowing = body.days.filter(d => d.total > PER_DAY[view]).length;
  if (overflowing === 0) fail(`${view}: no day shows "+N more"`);
  // A change spanning midnight counts on both days, never on none.
  const sum = body.days.reduce((n, d) => n + d.total, 0);
  if (sum < body.totalCount || sum > body.totalCount * 1.5) {
    fail(
      `${view}: the days count ${sum} changes, the API total is ${body.totalCount}`,
    );
  }
}

async function loadView(
  page: Page,
  view: View,
  screenshot?: (page: Page) => Promise<unknown>,
): Promise<Sample> {
  const apiPath =
    view === 'agenda' ? '/api/itops/changes' : '/api/itops/calendar/days';
  const body = nextJson(page, apiPath);
  await page.goto(
    `${baseUrl}/itops/changes?view=${view}&date=${date}&owner=all`,
    { timeout: timeoutMs },
  );
  const mark = await painted(page, view);
  const shown = await drawn(page);
  if (view === 'agenda') {
    const { totalCount, items } = await body;
    if (
      shown.agendaItems !== Math.min(AGENDA_PAGE, totalCount) ||
      items.length !== shown.agendaItems
    ) {
      fail(
        `agenda: ${shown.agendaItems} rows drawn, the API sent ${items.length} of ${totalCount}`,
      );
    }
    if (shown.legendTotal !== totalCount) {
      fail(
        `agenda: the legend says ${shown.legendTotal}, the API ${totalCount}`,
      );
    }
    if (totalCount > AGENDA_PAGE && !shown.loadMore) {
      fail('agenda: no "Load more" with more changes than one page');
    }
  }
  const grid: DaysBody | undefined = view === 'agenda' ? undefined : await body;
  if (grid && view !== 'agenda') checkGrid(view, grid, shown);
  await screenshot?.(page);
  const api = await apiTiming(page, apiPath);
  return {
    renderedMs: mark.paintAt!,
    sentMs: api.sentAt,
    afterApiMs: mark.paintAt! - api.doneAt,
    api,
    chips:
      view === 'agenda'
        ? shown.agendaItems
        : shown.days.reduce((n, d) => n + d.chips, 0),
    moreLinks: shown.days.filter(d => d.more > 0).length,
    domNodes: shown.domNodes,
    longestTaskMs: shown.probe.longTasks.longestMs,
    carriedOver: grid && carriedOver(grid),
  };
}

/** Month loaded, then a click on "Week": click → week painted with data. */
async function switchToWeek(page: Page): Promise<Sample> {
  await page.goto(
    `${baseUrl}/itops/changes?view=month&date=${date}&owner=all`,
    { timeout: timeoutMs },
  );
  await painted(page, 'month');
  const body = nextJson(page, '/api/itops/calendar/days');
  const clickedAt = await page.evaluate(() => {
    window.__calendarProbe!.reset();
    const button = [
      ...document.querySelectorAll('[aria-label="view"] button'),
    ].find(b => b.textContent === 'Week') as HTMLButtonElement | undefined;
    if (!button) throw new Error('No "Week" button');
    const at = performance.now();
    button.click();
    return at;
  });
  const mark = await painted(page, 'week');
  const shown = await drawn(page);
  const grid: DaysBody = await body;
  checkGrid('week', grid, shown);
  const api = await apiTiming(page, '/api/itops/calendar/days');
  return {
    renderedMs: mark.paintAt! - clickedAt,
    sentMs: api.sentAt - clickedAt,
    afterApiMs: mark.paintAt! - api.doneAt,
    api,
    chips: shown.days.reduce((n, d) => n + d.chips, 0),
    moreLinks: shown.days.filter(d => d.more > 0).length,
    domNodes: shown.domNodes,
    longestTaskMs: shown.probe.longTasks.longestMs,
    carriedOver: carriedOver(grid),
    staleWeekGrid: shown.probe.weekGridSizes,
  };
}

/**
 * The month's own changes (the grid also shows the whole weeks around it),
 * counted by the API between midnights in the page's zone.
 */
async function changesInMonth(token: string): Promise<number> {
  const [year, m] = month.split('-').map(Number);
  const midnight = (y: number, mo: number) => {
    const utc = Date.UTC(y, mo - 1, 1);
    return new Date(utc - zoneOffsetMs(new Date(utc))).toISOString();
  };
  const query = new URLSearchParams({
    from: midnight(year, m),
    to: m === 12 ? midnight(year + 1, 1) : midnight(year, m + 1),
    limit: '1',
  });
  return (await getJson(baseUrl, `/api/itops/changes?${query}`, token))
    .totalCount;
}

/** The UTC offset of ZONE at an instant, in ms. */
function zoneOffsetMs(at: Date): number {
  const local = new Date(at.toLocaleString('en-US', { timeZone: ZONE }));
  const utc = new Date(at.toLocaleString('en-US', { timeZone: 'UTC' }));
  return local.getTime() - utc.getTime();
}

function row(cells: Array<string | number>, widths: number[]): string {
  return cells
    .map((cell, i) =>
      i === 0
        ? String(cell).padEnd(widths[i])
        : String(cell).padStart(widths[i]),
    )
    .join('  ');
}

function report(name: string, samples: Sample[]) {
  const stat = (pick: (s: Sample) => number) => {
    const values = samples.map(pick);
    return `${median(values).toFixed(0)} / ${Math.max(...values).toFixed(0)}`;
  };
  const last = samples[samples.length - 1];
  return [
    name,
    stat(s => s.renderedMs),
    stat(s => s.sentMs),
    stat(s => s.api.serverMs),
    stat(s => s.api.totalMs),
    stat(s => s.afterApiMs),
    `${(last.api.bytes / 1024).toFixed(0)}`,
    last.chips,
    last.moreLinks,
    last.domNodes,
    stat(s => s.longestTaskMs),
  ];
}

async function main() {
  const components = catalogComponents(env('BENCH_CATALOG'));
  console.log(
    `== waiting for the sync and the mapping of ${components.length} components`,
  );
  const waitStart = Date.now();
  const syncTimeoutMs = Number(env('E2E_SYNC_TIMEOUT_MS', '900000'));
  const syncDeadline = waitStart + syncTimeoutMs;
  const seconds = await waitForSync({
    baseUrl,
    capabilities: ['changes'],
    probes: spread(components, PROBES).map(ref => ({
      // The summary route's path form, `kind/namespace/name`.
      entity: ref.replace(':', '/'),
      areas: ['changes'],
    })),
    timeoutMs: syncTimeoutMs,
    intervalMs: 5000,
    onWait: what => console.log(`   ${what}`),
  });
  const token = await guestToken(baseUrl);
  await waitForAllMapped(components, token, syncDeadline);
  console.log(
    `   synced and mapped after ${seconds.toFixed(0)} s (all ${
      components.length
    } components after ${((Date.now() - waitStart) / 1000).toFixed(0)} s)`,
  );

  const inMonth = await changesInMonth(token);
  if (inMonth < monthTarget * 0.8) {
    fail(`${month} holds ${inMonth} changes, not about ${monthTarget}`);
  }

  const screenshot = screenshotter(outputDir);
  const browser = await launchSignedIn({ baseUrl, timeoutMs, screenshot });
  /** A fresh instrumented page for `run`, screenshotted if `run` fails. */
  const withPage = async <T>(name: string, run: (page: Page) => Promise<T>) => {
    const page = await browser.context.newPage();
    try {
      await page.addInitScript(installCalendarProbe);
      return await run(page);
    } catch (error) {
      await screenshot(page, `FAILED-${name}`).catch(() => {});
      throw error;
    } finally {
      await page.close();
    }
  };
  const results: Array<[string, Sample[]]> = [];
  try {
    for (const view of ['month', 'week', 'agenda'] as const) {
      console.log(`== ${view} view, ${runs} loads`);
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) {
        samples.push(
          await withPage(view, page =>
            loadView(
              page,
              view,
              i === 0 ? () => screenshot(page, `calendar-${view}`) : undefined,
            ),
          ),
        );
      }
      results.push([view === 'agenda' ? 'agenda (1st page)' : view, samples]);
    }
    console.log(`== month → week, ${runs} times`);
    const switches: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      switches.push(await withPage('month-to-week', switchToWeek));
    }
    results.push(['month → week click', switches]);
  } finally {
    await browser.close();
  }

  const widths = [18, 11, 11, 11, 11, 11, 7, 6, 6, 6, 12];
  console.log(
    `\nChange calendar page at scale: ${inMonth} changes in ${month} ` +
      `(${ZONE}), ${components.length} components; ${runs} loads per view, ` +
      `median / max in ms`,
  );
  console.log(
    row(
      [
        'view',
        'rendered',
        'API sent',
        'API server',
        'API total',
        'drawn after',
        'API KiB',
        'chips',
        '+more',
        'DOM',
        'longest task',
      ],
      widths,
    ),
  );
  for (const [name, samples] of results) {
    console.log(row(report(name, samples), widths));
  }
  for (const [name, samples] of results) {
    const sample = samples[samples.length - 1];
    if (sample.carriedOver) {
      console.log(
        `Note: ${sample.carriedOver} of the ${sample.chips} chips of the ${name} view are changes that began on an earlier day.`,
      );
    }
  }
  const stale = results
    .flatMap(([, samples]) => samples)
    .flatMap(s => s.staleWeekGrid ?? []);
  if (stale.length) {
    console.log(
      `Note: after the click, the week grid was first drawn with ${[
        ...new Set(stale),
      ].join(', ')} days (the month's data) until the week's arrived.`,
    );
  }
  console.log(
    [
      'rendered: navigation (or the click) → the view painted with its chips and "+N more"',
      "API sent: navigation (or the click) → the view's API request sent",
      'API server: request sent → first byte of the response; API total: → last byte',
      'drawn after: last byte of the response → painted; API KiB: compressed body',
      'chips, +more, DOM: change chips (agenda rows), days with "+N more", elements on the page',
      'longest task: the longest main-thread task during the load (Long Tasks API)',
    ].join('\n'),
  );
  console.log(`Screenshots in ${outputDir}`);
}

main().catch(error => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
