import type { Entity } from '@backstage/catalog-model';
import {
  type BenchDatabase,
  type MemoryPeak,
  memorySampler,
  openBenchDatabase,
  reopenBenchDatabase,
} from '@backstage-itops/plugin-itops-backend/testUtils';
import { DEFAULT_SEED, type SystemName } from '@backstage-itops/simulator';
import { type ScaleBackend, startScaleBackend } from './backend';
import { scaleCatalog } from './catalog';
import { type RetainedHeap, retainedHeapSampler } from './retainedHeap';
import {
  type SimulatorProcess,
  startSimulatorProcess,
} from './simulatorProcess';
import {
  type SimulatorScales,
  simulatorScales,
  type WorldSizes,
} from './sizes';

/** A synced backend over the simulators' scale world, ready to be measured. */
export interface ScaleRun {
  sizes: WorldSizes;
  scales: SimulatorScales;
  /** The instant the simulators' clock is stopped at. */
  now: Date;
  catalog: Entity[];
  database: BenchDatabase;
  /** Base URL of the ITOps API. */
  baseUrl: string;
  /** How the sync went; absent on a reopened database, which was not synced. */
  sync?: ScaleSync;
  /** Stops backend and simulators; drops the database unless `keep`. */
  close(options?: { keep?: boolean }): Promise<void>;
}

/** What a run measured while its backend started and synced. */
export interface ScaleSync {
  /** Backend start-up, which includes the mapping and the full sync of every source. */
  seconds: number;
  /** Of this process (the simulators run in their own) during the sync. */
  peak: MemoryPeak;
  /** What survived the full collections during the sync: the data held, not garbage. */
  retained: RetainedHeap;
}

export interface ScaleRunOptions {
  sizes: WorldSizes;
  /** `sqlite` or `pg`. */
  db: string;
  seed?: number;
  /** Ask Jira for one SLA per incident, as the module does by default. */
  jiraSla?: boolean;
}

/**
 * Starts the simulators in scale mode (ServiceNow and Veeam in one child
 * process, Jira with its share of the records in another), then the real
 * backend with their source modules on a database of its own, and returns
 * once everything is synced and mapped.
 */
export async function startScaleRun(
  options: ScaleRunOptions,
): Promise<ScaleRun> {
  const { sizes } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  // Whole seconds: the simulators' clock and the backend's "now" agree.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const scales = simulatorScales(sizes);
  const simulators: SimulatorProcess[] = [];
  let database: BenchDatabase | undefined;
  let backend: ScaleBackend | undefined;
  const stopSimulators = () =>
    Promise.all(simulators.map(simulator => simulator.stop()));
  try {
    const mainSystems: SystemName[] =
      sizes.backupJobs > 0 ? ['servicenow', 'veeam'] : ['servicenow'];
    simulators.push(
      await startSimulatorProcess({
        systems: mainSystems,
        scale: scales.main,
        now,
        seed,
      }),
    );
    if (scales.jira) {
      simulators.push(
        await startSimulatorProcess({
          systems: ['jira'],
          scale: scales.jira,
          now,
          seed,
        }),
      );
    }
    const urls = Object.assign({}, ...simulators.map(s => s.urls));
    database = await openBenchDatabase(options.db, 'scale-bench');
    const catalog = scaleCatalog({ scale: scales.main, seed, now });

    const memory = memorySampler();
    const retainedHeap = retainedHeapSampler();
    const started = performance.now();
    backend = await startScaleBackend({
      knex: database.knex,
      urls,
      catalog,
      jiraSla: options.jiraSla ?? false,
    });
    const sync: ScaleSync = {
      seconds: (performance.now() - started) / 1000,
      peak: memory.stop(),
      retained: retainedHeap.stop(),
    };

    const run = { backend, database };
    return {
      sizes,
      scales,
      now,
      catalog,
      database,
      baseUrl: backend.baseUrl,
      sync,
      close: async ({ keep = false } = {}) => {
        await run.backend.stop();
        await stopSimulators();
        await (keep ? run.database.close() : run.database.drop());
      },
    };
  } catch (error) {
    await backend?.stop().catch(() => undefined);
    await stopSimulators();
    await database?.drop().catch(() => undefined);
    throw error;
  }
}

/**
 * Serves a database an earlier run synced and kept (`--keep`), without
 * simulators or sync: for measuring reads again after a change to the read
 * path. The catalog is rebuilt from the same sizes and seed; the scheduled
 * tasks do not run, so the caller refreshes what it needs (the rollups).
 */
export async function reopenScaleRun(options: {
  sizes: WorldSizes;
  db: string;
  name: string;
  seed?: number;
}): Promise<ScaleRun> {
  const { sizes } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const scales = simulatorScales(sizes);
  const database = await reopenBenchDatabase(options.db, options.name);
  try {
    const catalog = scaleCatalog({ scale: scales.main, seed, now });
    const backend = await startScaleBackend({
      knex: database.knex,
      urls: {},
      catalog,
      jiraSla: false,
      runTasksOnStartup: false,
    });
    return {
      sizes,
      scales,
      now,
      catalog,
      database,
      baseUrl: backend.baseUrl,
      close: async ({ keep = false } = {}) => {
        await backend.stop();
        await (keep ? database.close() : database.drop());
      },
    };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}
