/**
 * Benchmarks of the ITOps suite over the simulators' scale mode; see the
 * package README. Nothing here is meant for production use.
 */
export { startScaleRun, type ScaleRun, type ScaleRunOptions } from './pipeline';
export {
  CALENDAR_SIZES,
  FULL_SIZES,
  scaleSizes,
  simulatorScales,
  type SimulatorScales,
  type WorldSizes,
} from './sizes';
export { readSyncReport, type SyncReportRow } from './syncReport';
export type { RetainedHeap } from './retainedHeap';
