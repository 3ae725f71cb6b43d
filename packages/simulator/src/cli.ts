/* eslint-disable no-console */
import { parseArgs } from 'node:util';
import { parseFaultSpec, SYSTEMS, type FaultConfig } from './server/faults';
import { DEFAULT_PORTS, DEFAULT_SEED, startSimulators } from './server/start';
import type { SystemName } from './types';

const USAGE = `Usage: yarn workspace @backstage-itops/simulator start [options]

  --seed N                 seed of the world (default ${DEFAULT_SEED})
  --scale                  benchmark-size world, derived lazily
  --live                   mutate the world every few seconds
  --live-interval MS       tick interval in live mode (default 5000)
  --faults SPEC            e.g. "servicenow:latency=200,error=503x3@10;jira:ratelimit=100/60"
                           (repeatable; keys in the README)
  --systems LIST           comma-separated subset of ${SYSTEMS.join(',')}
  --host HOST              interface to listen on (default 127.0.0.1)
  --servicenow-port N      default ${DEFAULT_PORTS.servicenow}
  --jira-port N            default ${DEFAULT_PORTS.jira}
  --veeam-port N           default ${DEFAULT_PORTS.veeam}
`;

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`--${name} needs a non-negative integer, got "${text}"`);
  }
  return n;
}

async function main() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      scale: { type: 'boolean' },
      live: { type: 'boolean' },
      'live-interval': { type: 'string' },
      faults: { type: 'string', multiple: true },
      systems: { type: 'string' },
      host: { type: 'string' },
      'servicenow-port': { type: 'string' },
      'jira-port': { type: 'string' },
      'veeam-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const faults: Partial<Record<SystemName, FaultConfig>> = {};
  for (const spec of values.faults ?? []) {
    for (const [system, config] of Object.entries(parseFaultSpec(spec))) {
      faults[system as SystemName] = {
        ...faults[system as SystemName],
        ...config,
      };
    }
  }
  const systems = values.systems?.split(',').map(s => s.trim()) as
    | SystemName[]
    | undefined;
  const unknown = systems?.filter(s => !SYSTEMS.includes(s));
  if (unknown?.length) {
    throw new Error(`Unknown system(s) ${unknown.join(', ')}`);
  }
  const ports: Partial<Record<SystemName, number>> = {};
  for (const system of SYSTEMS) {
    const port = integer(`${system}-port`, values[`${system}-port`]);
    if (port !== undefined) {
      ports[system] = port;
    }
  }

  const running = await startSimulators({
    systems,
    seed: integer('seed', values.seed),
    scale: values.scale,
    live: values.live
      ? { intervalMs: integer('live-interval', values['live-interval']) }
      : false,
    host: values.host,
    ports,
    faults,
  });
  // Since process start, so that module loading and transpiling count too.
  const seconds = process.uptime().toFixed(1);
  const rssMb = Math.round(process.memoryUsage().rss / 1e6);
  console.log(
    `Simulators up in ${seconds}s (${rssMb} MB RSS)${
      values.scale ? ', scale mode' : ''
    }${values.live ? ', live' : ''}:`,
  );
  for (const [system, url] of Object.entries(running.urls)) {
    const faultText = faults[system as SystemName]
      ? `  faults: ${JSON.stringify(faults[system as SystemName])}`
      : '';
    console.log(
      `  ${system.padEnd(
        10,
      )} ${url}  (admin: ${url}/__admin/stats)${faultText}`,
    );
  }
  console.log('Stop with Ctrl+C.');

  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
