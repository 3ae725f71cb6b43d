import { createJiraSimulator, type JiraSimulatorOptions } from '../jira';
import {
  createServiceNowSimulator,
  type ServiceNowSimulatorOptions,
} from '../servicenow';
import type {
  ScaleOptions,
  SimulatorOptions,
  SystemName,
  SystemSimulator,
} from '../types';
import { createVeeamSimulator, type VeeamSimulatorOptions } from '../veeam';
import { type Clock, systemClock } from '../world/clock';
import { type FaultStats, SystemFaults } from './fault-state';
import { type FaultConfig, SYSTEMS } from './faults';
import { type RunningServer, serveSystem } from './http';

export const DEFAULT_PORTS: Readonly<Record<SystemName, number>> = {
  servicenow: 7081,
  jira: 7082,
  veeam: 7083,
};

/** The benchmark size `scale: true` stands for. */
export const DEFAULT_SCALE: ScaleOptions = {
  services: 5000,
  incidents: 1_000_000,
  changes: 200_000,
  backupJobs: 5000,
  backupSessions: 2_000_000,
};

export const DEFAULT_SEED = 42;

export interface StartOptions<S extends SystemName = SystemName> {
  /** Which systems to start; all three by default. */
  systems?: readonly S[];
  seed?: number;
  clock?: Clock;
  /** `true` for DEFAULT_SCALE. */
  scale?: boolean | ScaleOptions;
  /** Call every simulator's `tick` periodically (every 5 s unless set). */
  live?: boolean | { intervalMs?: number };
  host?: string;
  /** Per system; 0 picks a free port. Defaults: DEFAULT_PORTS. */
  ports?: Partial<Record<SystemName, number>>;
  faults?: Partial<Record<SystemName, FaultConfig>>;
  /** System-specific options (credentials, token lifetimes, ...). */
  servicenow?: Partial<ServiceNowSimulatorOptions>;
  jira?: Partial<JiraSimulatorOptions>;
  veeam?: Partial<VeeamSimulatorOptions>;
}

/** Faults of the running systems, as the admin endpoint exposes them. */
export interface FaultControl<S extends SystemName = SystemName> {
  get(system: S): FaultConfig;
  /** Replaces the system's faults; `after` counts restart from here. */
  set(system: S, config: FaultConfig): void;
  stats(system: S): FaultStats;
  /** Clears faults and counters of one system, or of all. */
  reset(system?: S): void;
}

export interface RunningSimulators<S extends SystemName = SystemName> {
  urls: Record<S, string>;
  simulators: Record<S, SystemSimulator>;
  faults: FaultControl<S>;
  close(): Promise<void>;
}

const FACTORIES: Record<
  SystemName,
  (options: SimulatorOptions & Record<string, unknown>) => SystemSimulator
> = {
  servicenow: createServiceNowSimulator,
  jira: createJiraSimulator,
  veeam: createVeeamSimulator,
};

/**
 * Starts the simulators, each on its own port behind fault injection and
 * the admin endpoint; with `live`, ticks them on an interval.
 */
export async function startSimulators<S extends SystemName = SystemName>(
  options: StartOptions<S> = {},
): Promise<RunningSimulators<S>> {
  const systems = (options.systems ?? SYSTEMS) as readonly S[];
  const clock = options.clock ?? systemClock;
  const scale =
    options.scale === true ? DEFAULT_SCALE : options.scale || undefined;
  const base: SimulatorOptions = {
    seed: options.seed ?? DEFAULT_SEED,
    clock,
    scale,
  };

  const simulators = {} as Record<S, SystemSimulator>;
  const servers = {} as Record<S, RunningServer>;
  const urls = {} as Record<S, string>;
  try {
    for (const system of systems) {
      const simulator = FACTORIES[system]({ ...options[system], ...base });
      simulators[system] = simulator;
      servers[system] = await serveSystem(simulator, {
        host: options.host,
        port: options.ports?.[system] ?? DEFAULT_PORTS[system],
        faults: new SystemFaults(simulator, clock, options.faults?.[system]),
      });
      urls[system] = servers[system].url;
    }
  } catch (error) {
    await Promise.all(
      Object.values<RunningServer>(servers).map(s => s.close()),
    );
    throw error;
  }

  let timer: NodeJS.Timeout | undefined;
  if (options.live) {
    const intervalMs =
      (options.live === true ? undefined : options.live.intervalMs) ?? 5000;
    timer = setInterval(() => {
      for (const system of systems) {
        simulators[system].tick(clock.now());
      }
    }, intervalMs);
    timer.unref();
  }

  return {
    urls,
    simulators,
    faults: {
      get: system => servers[system].faults.config,
      set: (system, config) => servers[system].faults.set(config),
      stats: system => servers[system].faults.stats(),
      reset: system => {
        for (const s of system ? [system] : systems) {
          servers[s].faults.reset();
        }
      },
    },
    close: async () => {
      clearInterval(timer);
      await Promise.all(systems.map(system => servers[system].close()));
    },
  };
}
