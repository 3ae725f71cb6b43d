/**
 * Test utilities for source modules: a migrated ITOps store on the test
 * databases, the real sync engine and read store, and the entity mapping, so
 * that a module's integration tests can sync from a simulator and compare
 * what the plugin stores. Not for production code.
 *
 * @packageDocumentation
 */

export { createTestDatabases } from './testDatabases';
export { migrateItopsDatabase } from './migrate';
export { SyncEngine, type SyncRunResult } from '../sync/SyncEngine';
export { ItopsReadStore } from '../read/ItopsReadStore';
export { computeEntityMapping } from '../mapping/computeEntityMapping';
export { replaceEntityMappingIfChanged } from '../mapping/entityMappingStore';
export { exampleCatalog } from './exampleCatalog';
export {
  openBenchDatabase,
  reopenBenchDatabase,
  type BenchDatabase,
} from './benchDatabase';
export { refreshEntityRollups, waitForFreshRollups } from './rollups';
export {
  BENCH_CLIENTS,
  REQUESTS_PER_SCENARIO,
  mb,
  measureCalendarMonth,
  measureReadScenario,
  measureSequential,
  memorySampler,
  percentile,
  type MemoryPeak,
} from './readApiLoad';
