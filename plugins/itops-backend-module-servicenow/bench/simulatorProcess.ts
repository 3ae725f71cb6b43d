/* eslint-disable no-console */
/**
 * Runs the ServiceNow simulator in scale mode in its own process for
 * syncBenchmark.ts, so that the benchmark's memory figures are the sync's
 * alone and the simulator gets its own CPU. Prints one JSON line with the
 * URL, then serves until it is terminated.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/simulatorProcess.ts --scale 0.1
 */
import {
  DEFAULT_SCALE,
  FixedClock,
  startSimulators,
} from '@backstage-itops/simulator';
import { parseArgs } from 'node:util';

async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      now: { type: 'string', default: '2026-11-25T12:00:00Z' },
      seed: { type: 'string', default: '42' },
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
    clock: new FixedClock(values.now!),
    seed: Number(values.seed),
    scale,
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
