/* eslint-disable no-console */
/**
 * Runs the ServiceNow simulator in scale mode in its own process for
 * syncBenchmark.ts, so that the benchmark's memory figures are the sync's
 * alone and the simulator gets its own CPU. Prints one JSON line with the
 * URL, then serves until it is terminated. Its clock starts at `--now` and
 * runs in real time, so that short-lived OAuth tokens
 * (`--token-lifetime SECONDS`) expire as they would on an instance.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/simulatorProcess.ts --scale 0.1
 */
import {
  type Clock,
  DEFAULT_SCALE,
  startSimulators,
} from '@backstage-itops/simulator';
import { parseArgs } from 'node:util';

/** Starts at `at` and runs in real time: a stable world, real expiry. */
function runningClock(at: string): Clock {
  const offset = new Date(at).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      now: { type: 'string', default: '2026-11-25T12:00:00Z' },
      seed: { type: 'string', default: '42' },
      'token-lifetime': { type: 'string', default: '1800' },
    },
  });
  const fraction = Number(values.scale);
  if (!(fraction > 0 && fraction <= 1)) {
    throw new Error(`--scale must be in (0, 1], got ${values.scale}`);
  }
  const scale = {
    ...DEFAULT_SCALE,
    incidents: Math.round(DEFAULT_SCALE.incidents * fraction),
    changes: Math.round(DEFAULT_SCALE.changes * fraction),
  };
  const sims = await startSimulators({
    systems: ['servicenow'],
    ports: { servicenow: 0 },
    clock: runningClock(values.now!),
    seed: Number(values.seed),
    scale,
    servicenow: {
      auth: { tokenLifetimeSeconds: Number(values['token-lifetime']) },
    },
  });
  console.log(JSON.stringify({ url: sims.urls.servicenow, scale }));
  const stop = () => {
    sims.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
