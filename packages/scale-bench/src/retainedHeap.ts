import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** The heap the process kept alive during a phase, as its full collections found it. */
export interface RetainedHeap {
  /** Largest heap in use right after a full (mark-compact) collection, in bytes; 0 if none ran. */
  maxAfterFullGc: number;
  /** Full collections during the phase. */
  fullGcs: number;
  /** V8's heap limit (`--max-old-space-size`), which sets how far it lets garbage grow. */
  heapSizeLimit: number;
}

/**
 * Follows the full collections of a phase. The peak RSS and heap include
 * garbage that V8 has not collected yet: with a multi-gigabyte heap limit V8
 * lets the old generation grow to several times what survived the last full
 * collection before it collects again. What a full collection leaves is what
 * the process retains; when that stays flat while the peak grows, the growth
 * is V8's pacing rather than data held. Measured just after the collection
 * is reported, so it can include a little fresh allocation: an upper bound.
 */
export function retainedHeapSampler(): { stop(): RetainedHeap } {
  const retained: RetainedHeap = {
    maxAfterFullGc: 0,
    fullGcs: 0,
    heapSizeLimit: v8.getHeapStatistics().heap_size_limit,
  };
  const observer = new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      // GC entries carry their kind in `detail`, which the DOM-shaped
      // PerformanceEntry type leaves out.
      const { kind } = (entry as { detail?: { kind?: number } }).detail ?? {};
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        retained.fullGcs++;
        retained.maxAfterFullGc = Math.max(
          retained.maxAfterFullGc,
          v8.getHeapStatistics().used_heap_size,
        );
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      observer.disconnect();
      return retained;
    },
  };
}
