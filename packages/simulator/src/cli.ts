/* eslint-disable no-console */
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { scaleCatalogEntities } from './scaleCatalog';
import { parseFaultSpec, SYSTEMS, type FaultConfig } from './server/faults';
import {
  DEFAULT_PORTS,
  DEFAULT_SCALE,
  DEFAULT_SEED,
  startSimulators,
} from './server/start';
import type { ScaleOptions, SystemName } from './types';
import { FixedClock } from './world/clock';

const USAGE = `Usage: yarn workspace @backstage-itops/simulator start [options]

  --seed N                 seed of the world (default ${DEFAULT_SEED})
  --scale                  benchmark-size world, derived lazily
  --services N             scale sizes (defaults ${DEFAULT_SCALE.services}, ${
  DEFAULT_SCALE.incidents
},
  --incidents N            ${DEFAULT_SCALE.changes}, ${
  DEFAULT_SCALE.backupJobs
}, ${DEFAULT_SCALE.backupSessions}); each one given implies
  --changes N              --scale and overrides that size only
  --backup-jobs N
  --backup-sessions N
  --now ISO                stop the clock at this instant (the world is laid out
                           relative to it), e.g. 2026-11-01T00:00:00Z
  --write-catalog FILE     scale mode: write the Backstage catalog of the world
                           (groups, systems, components) to FILE, as YAML
                           documents, before serving
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

/** The scale sizes given on the command line, as `--<size> N`. */
const SCALE_SIZES: ReadonlyArray<[string, keyof ScaleOptions]> = [
  ['services', 'services'],
  ['incidents', 'incidents'],
  ['changes', 'changes'],
  ['backup-jobs', 'backupJobs'],
  ['backup-sessions', 'backupSessions'],
];

/**
 * The scale of the world: undefined for the demo world, DEFAULT_SCALE for
 * a bare `--scale`, with any size given overriding its default. A size
 * alone implies scale mode, so that a benchmark sized for one question
 * (a month of changes, say) need not derive a million incidents.
 */
function scaleOf(
  values: Record<string, string | boolean | string[] | undefined>,
): ScaleOptions | undefined {
  let scale: ScaleOptions | undefined = values.scale
    ? { ...DEFAULT_SCALE }
    : undefined;
  for (const [flag, key] of SCALE_SIZES) {
    const n = integer(flag, values[flag] as string | undefined);
    if (n !== undefined) {
      scale = { ...(scale ?? DEFAULT_SCALE), [key]: n };
    }
  }
  return scale;
}

/**
 * Writes entities as a multi-document YAML file whose documents are JSON
 * (JSON is YAML), which keeps the simulator free of a YAML dependency. The
 * file appears whole (write, then rename), so a catalog that watches it
 * never reads half of it.
 */
function writeCatalog(file: string, entities: readonly object[]): void {
  const text = entities.map(entity => JSON.stringify(entity)).join('\n---\n');
  writeFileSync(`${file}.tmp`, `${text}\n`);
  renameSync(`${file}.tmp`, file);
}

async function main() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      scale: { type: 'boolean' },
      services: { type: 'string' },
      incidents: { type: 'string' },
      changes: { type: 'string' },
      'backup-jobs': { type: 'string' },
      'backup-sessions': { type: 'string' },
      now: { type: 'string' },
      'write-catalog': { type: 'string' },
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

  const scale = scaleOf(values);
  let clock: FixedClock | undefined;
  if (values.now !== undefined) {
    if (Number.isNaN(Date.parse(values.now))) {
      throw new Error(`--now needs an ISO date-time, got "${values.now}"`);
    }
    clock = new FixedClock(values.now);
  }

  const seed = integer('seed', values.seed) ?? DEFAULT_SEED;
  if (values['write-catalog'] !== undefined) {
    if (!scale) {
      throw new Error('--write-catalog needs scale mode (--scale or a size)');
    }
    writeCatalog(
      values['write-catalog'],
      scaleCatalogEntities({ seed, scale, now: clock?.now() }),
    );
  }

  const running = await startSimulators({
    systems,
    seed,
    scale,
    clock,
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
      scale ? `, scale mode ${JSON.stringify(scale)}` : ''
    }${clock ? `, clock stopped at ${clock.now().toISOString()}` : ''}${
      values.live ? ', live' : ''
    }:`,
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
