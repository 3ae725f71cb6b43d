/*
 * How the shared source HTTP client holds up against a hostile upstream:
 * a 1 GiB JSON answer, a gzip bomb expanding to 1 GiB, a redirect to
 * another origin and an empty 200. Prints, per answer, how it ended, how
 * long that took and the peak RSS of this process (the simulator runs in a
 * process of its own). Goal: refusing a 1 GiB body stays under 600 MB.
 *
 *   yarn workspace @backstage-itops/scale-bench bench:hostile [--megabytes 1024] [--uncapped]
 *
 * `--uncapped` also reads the oversized answer with the cap lifted, to show
 * what the cap saves.
 */
import { SourceHttpClient } from '@backstage-itops/plugin-itops-node';
import { parseArgs } from 'node:util';
import { startSimulatorProcess } from './simulatorProcess';

const { values } = parseArgs({
  options: {
    megabytes: { type: 'string', default: '1024' },
    uncapped: { type: 'boolean', default: false },
  },
});
const megabytes = Number(values.megabytes);

/** Samples RSS every 10 ms while `run` goes on; returns its peak. */
async function measured(run: () => Promise<string>) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const started = performance.now();
  let outcome: string;
  try {
    outcome = await run();
  } catch (error) {
    outcome = `refused: ${(error as Error).message}`;
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { outcome, ms: performance.now() - started, peakMb: peak / 1e6 };
}

async function main() {
  // Request n meets fault n. With --uncapped the oversized answer comes
  // twice, the second time with the cap lifted (last: RSS stays up after).
  const faults = [
    `hostile-mb=${megabytes}`,
    'bomb=1',
    'redirect=1@1',
    'empty=1@2',
    `oversized=${values.uncapped ? 2 : 1}@3`,
  ];
  const scenarios: Array<[string, number | undefined]> = [
    ['gzip bomb', undefined],
    ['foreign redirect', undefined],
    ['empty 200', undefined],
    ['oversized', undefined],
    ...(values.uncapped
      ? [['oversized', 8 * 1024 * 1024 * 1024] as [string, number]]
      : []),
  ];
  const sim = await startSimulatorProcess({
    systems: ['servicenow'],
    scale: {
      services: 5,
      incidents: 50,
      changes: 10,
      backupJobs: 0,
      backupSessions: 0,
    },
    now: new Date('2026-12-01T00:00:00Z'),
    seed: 7,
    faults: `servicenow:${faults.join(',')}`,
  });
  const client = (maxResponseBytes?: number) =>
    new SourceHttpClient({
      name: 'servicenow/hostile',
      baseUrl: sim.urls.servicenow!,
      requestsPerSecond: 1000,
      maxResponseBytes,
      timeoutMs: 120_000,
      retry: { maxAttempts: 1 },
      auth: {
        headers: async () => ({
          authorization: `Basic ${Buffer.from('admin:admin').toString(
            'base64',
          )}`,
        }),
      },
    });
  const path = '/api/now/table/incident?sysparm_limit=10';
  const rows: Array<Record<string, string>> = [];
  const baseline = process.memoryUsage.rss() / 1e6;
  try {
    for (const [scenario, cap] of scenarios) {
      const result = await measured(async () => {
        const answer = await client(cap).json<{ result: unknown[] }>(path);
        return `read ${answer.body.result.length} records`;
      });
      rows.push(
        row(scenario, cap ? 'lifted (8 GiB)' : 'default (64 MiB)', result),
      );
    }
  } finally {
    await sim.stop();
  }
  process.stdout.write(
    `Hostile upstream, ${megabytes} MiB answers; baseline RSS ${baseline.toFixed(
      0,
    )} MB\n`,
  );
  console.table(rows);
}

function row(
  scenario: string,
  cap: string,
  result: { outcome: string; ms: number; peakMb: number },
) {
  return {
    answer: scenario,
    cap,
    outcome: result.outcome.slice(0, 90),
    ms: result.ms.toFixed(0),
    'peak RSS MB': result.peakMb.toFixed(0),
  };
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
