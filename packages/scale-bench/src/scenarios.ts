/* eslint-disable no-console */
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  measureCalendarMonth,
  measureReadScenario,
  measureSequential,
  percentile,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import type { ScaleRun } from './pipeline';

const DAY = 86_400_000;
/** Team summaries aggregate a team's services: fewer requests keep the run short. */
const TEAM_REQUESTS = 200;
const SINGLE_EVALUATIONS = 20;

/**
 * The month the scenarios ask for: 30 days wholly inside the 90 days over
 * which both simulators spread their changes, away from either edge.
 */
export function benchMonth(now: Date): { from: Date; to: Date } {
  return {
    from: new Date(now.getTime() - 60 * DAY),
    to: new Date(now.getTime() - 30 * DAY),
  };
}

function names(run: ScaleRun, kind: string, prefix = ''): string[] {
  return run.catalog
    .filter(e => e.kind === kind && e.metadata.name.startsWith(prefix))
    .map(e => e.metadata.name);
}

/** Authenticated JSON request to the ITOps API; throws on an error status. */
export async function requestJson(
  run: ScaleRun,
  path: string,
  method = 'GET',
): Promise<any> {
  const response = await fetch(`${run.baseUrl}${path}`, {
    method,
    headers: { authorization: mockCredentials.user.header() },
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  }
  return JSON.parse(text);
}

/**
 * The backend benchmark's read scenarios (bench/apiBenchmark.ts in the
 * backend), over the entities the simulators' records are mapped to.
 */
export async function measureReadApi(run: ScaleRun): Promise<void> {
  const components = names(run, 'Component');
  // Generated teams own 25 services each; the org's teams fewer.
  const teams = names(run, 'Group', 'scale-team-');
  const entity = (i: number) =>
    `/entities/component/default/${components[(i * 7919) % components.length]}`;
  await measureReadScenario(
    'entity summary',
    i => `${entity(i)}/summary`,
    run.baseUrl,
  );
  await measureReadScenario(
    'incident list (all, page 50)',
    i => `${entity(i)}/incidents?state=all&limit=50`,
    run.baseUrl,
  );
  await measureReadScenario(
    'entity KPIs (90 days)',
    i => `${entity(i)}/kpis`,
    run.baseUrl,
  );
  await measureCalendarMonth(run.baseUrl, benchMonth(run.now));
  if (teams.length > 0) {
    await measureReadScenario(
      'team summary (25 services)',
      i => `/entities/group/default/${teams[i % teams.length]}/summary`,
      run.baseUrl,
      TEAM_REQUESTS,
    );
  }
}

/**
 * The change-calendar issue's case: what the calendar page loads for a
 * month (the first page of 500 and the month view by day), for everyone
 * and for one team.
 */
export async function measureCalendarCase(run: ScaleRun): Promise<void> {
  const { from, to } = benchMonth(run.now);
  const month = new URLSearchParams({
    from: from.toISOString(),
    to: to.toISOString(),
  }).toString();
  const team = names(run, 'Group', 'scale-team-')[0] ?? 'platform-sre';
  await measureSequential('month, first page of 500', async () => {
    const body = await requestJson(run, `/changes?${month}&limit=500`);
    return `${body.items.length} of ${body.totalCount} changes`;
  });
  await measureSequential(
    'month view by day (perDay 4, Europe/Berlin)',
    async () => {
      const body = await requestJson(
        run,
        `/calendar/days?${month}&perDay=4&timeZone=Europe%2FBerlin`,
      );
      return `${body.totalCount} changes, ${body.days.length} days`;
    },
  );
  await measureSequential('month view, one team ("my teams")', async () => {
    const body = await requestJson(
      run,
      `/calendar/days?${month}&perDay=4&owner=${encodeURIComponent(
        `group:default/${team}`,
      )}`,
    );
    return `${body.totalCount} changes`;
  });
}

export interface ComplianceFigures {
  entityCount: number;
  resultCount: number;
  fullSeconds: number[];
  singleMedianMs: number;
}

/**
 * Full evaluation of every check for every entity through the compliance
 * API, `runs` times, then single-entity evaluations of sampled components.
 */
export async function measureCompliance(
  run: ScaleRun,
  runs: number,
): Promise<ComplianceFigures> {
  const fullSeconds: number[] = [];
  let snapshot = { entityCount: 0, resultCount: 0 };
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const summary = await requestJson(run, '/compliance/evaluate', 'POST');
    const seconds = (performance.now() - t0) / 1000;
    fullSeconds.push(seconds);
    snapshot = summary.snapshot;
    const phases = Object.entries(
      (summary.timings ?? {}) as Record<string, number>,
    )
      .map(([phase, ms]) => `${phase.replace(/Ms$/, '')} ${ms.toFixed(0)} ms`)
      .join(', ');
    console.log(
      `compliance full evaluation ${i + 1}: ${seconds.toFixed(2)} s for ${
        snapshot.entityCount
      } entities, ${snapshot.resultCount} results${
        phases ? ` (${phases})` : ''
      }`,
    );
  }
  const components = names(run, 'Component');
  const single: number[] = [];
  for (let i = 0; i < SINGLE_EVALUATIONS; i++) {
    const name = components[(i * 97) % components.length];
    const t0 = performance.now();
    await requestJson(
      run,
      `/compliance/entities/component/default/${name}/evaluate`,
      'POST',
    );
    single.push(performance.now() - t0);
  }
  single.sort((a, b) => a - b);
  const singleMedianMs = percentile(single, 0.5);
  console.log(
    `compliance single-entity evaluation: median ${singleMedianMs.toFixed(
      0,
    )} ms, max ${single[single.length - 1].toFixed(0)} ms`,
  );
  return { ...snapshot, fullSeconds, singleMedianMs };
}
