import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  ITOPS_CAPABILITIES,
  type ItopsCapability,
  type ItopsRecordsByCapability,
} from '@backstage-itops/plugin-itops-common';
import type {
  ItopsRecordReader,
  ItopsSource,
  SyncPartial,
  SyncRunDelivered,
} from '@backstage-itops/plugin-itops-node';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  type CapabilitySyncConfig,
  readCapabilitySyncConfig,
} from './syncConfig';
import { readMappedKeyValues } from '../mapping/entityMappingStore';
import { loggableError, syncErrorMessage } from './syncErrorMessage';
import { describeSyncFailure } from './syncFailure';
import { type SyncState, type SyncStateKey, SyncStore } from './SyncStore';

/**
 * Capabilities whose sources return a small current snapshot (rotas, freeze
 * calendars) rather than a change feed, so every run reads them whole.
 */
/** Records a run writes before the database's statistics are first refreshed. */
const STATISTICS_FIRST_REFRESH = 10_000;

const SNAPSHOT_CAPABILITIES: ReadonlySet<ItopsCapability> = new Set([
  'oncall',
  'freezeWindows',
]);

/** How many rejected record ids a warning names. */
const LOGGED_REJECTIONS = 5;

/** Options of {@link SyncEngine.runOnce}. */
export interface SyncRunOptions {
  /**
   * Force a full (`true`) or incremental (`false`) run instead of deciding
   * from the sync state. Snapshot capabilities are always full.
   */
  full?: boolean;
  /** Aborts the run between batches, and is passed on to the reader. */
  signal?: AbortSignal;
}

/** The outcome of one sync run; a failing source is reported here, not thrown. */
export interface SyncRunResult {
  status: 'succeeded' | 'failed' | 'skipped';
  full: boolean;
  /** Records stored by this run. */
  written: number;
  /** Records the store refused (invalid data), skipped. */
  rejected: number;
  /** Records removed because a full run no longer saw them. */
  deleted: number;
  /**
   * Optional calls that failed during the run, once each: the run stored
   * what the rest gave, and deleted nothing if it was full.
   */
  partial: SyncPartial[];
  /** The stored (credential-free) error message of a failed run. */
  error?: string;
}

/** Options of {@link SyncEngine.create}. */
export interface SyncEngineOptions {
  /** A client whose schema the ITOps migrations have created. */
  knex: Knex;
  sources: readonly ItopsSource[];
  scheduler: SchedulerService;
  /** The root config; `itops.sync` is read from it. */
  config: Config;
  logger: LoggerService;
  /**
   * Called after a scheduled run that wrote or deleted records, failed or
   * not: what is derived from the store (the entity rollups) catches up.
   */
  onStoreChanged?: () => void;
}

/**
 * Keeps the ITOps store in step with the registered sources: one scheduled
 * task per source instance and capability streams the source's records into
 * the store, incrementally from the stored watermark, and now and then as a
 * full reconcile that also deletes what the source no longer has.
 */
export class SyncEngine {
  readonly #knex: Knex;
  readonly #store: SyncStore;
  readonly #sources: readonly ItopsSource[];
  readonly #scheduler: SchedulerService;
  readonly #logger: LoggerService;
  readonly #config: ReadonlyMap<ItopsCapability, CapabilitySyncConfig>;
  readonly #onStoreChanged?: () => void;
  #activeRuns = 0;

  /** Reads the sync config, failing fast on invalid schedules. */
  static create(options: SyncEngineOptions): SyncEngine {
    return new SyncEngine(options);
  }

  private constructor(options: SyncEngineOptions) {
    this.#knex = options.knex;
    this.#store = SyncStore.create(options.knex);
    this.#sources = options.sources;
    this.#scheduler = options.scheduler;
    this.#logger = options.logger;
    this.#onStoreChanged = options.onStoreChanged;
    this.#config = new Map(
      ITOPS_CAPABILITIES.map(c => [
        c,
        readCapabilitySyncConfig(options.config, c),
      ]),
    );
  }

  /** Whether a sync run of this instance is under way (it may be writing). */
  get running(): boolean {
    return this.#activeRuns > 0;
  }

  /** The store the engine writes to, for reading sync state. */
  get store(): SyncStore {
    return this.#store;
  }

  /** Schedules one task per source instance and capability it can read. */
  async start(): Promise<void> {
    for (const source of this.#sources) {
      for (const capability of ITOPS_CAPABILITIES) {
        if (!source.readers[capability]) {
          continue;
        }
        const { schedule } = this.#config.get(capability)!;
        const id = syncTaskId(source, capability);
        await this.#scheduler.scheduleTask({
          id,
          ...schedule,
          fn: async signal => {
            await this.#runTask(id, source, capability, signal);
          },
        });
      }
    }
  }

  /**
   * Runs the scheduled syncs of the snapshot capabilities (on-call, freeze
   * windows) now rather than at their next tick. Their readers ask only for
   * what the catalog maps, so a mapping change (above all the first one,
   * after startup) makes their last snapshot incomplete.
   */
  async triggerSnapshotSyncs(): Promise<void> {
    for (const source of this.#sources) {
      for (const capability of SNAPSHOT_CAPABILITIES) {
        if (!source.readers[capability]) {
          continue;
        }
        const id = syncTaskId(source, capability);
        try {
          await this.#scheduler.triggerTask(id);
        } catch (error) {
          // Already running, or not scheduled on this instance: the running
          // or next run picks the new mapping up anyway.
          this.#logger.debug(
            `ITOps sync task ${id} not triggered: ${syncErrorMessage(error)}`,
          );
        }
      }
    }
  }

  /**
   * Syncs one capability of one source: streams its batches into the store,
   * then deletes unseen records if the run was full and completed. A failure
   * of the source keeps everything stored so far and the last committed
   * watermark, and resolves as `failed`; only an unusable store rejects.
   */
  async runOnce(
    source: ItopsSource,
    capability: ItopsCapability,
    options: SyncRunOptions = {},
  ): Promise<SyncRunResult> {
    return this.#run(source, capability, options, this.#logger);
  }

  async #runTask(
    taskId: string,
    source: ItopsSource,
    capability: ItopsCapability,
    signal: AbortSignal,
  ): Promise<void> {
    const logger = this.#logger.child({
      taskId,
      taskInstanceId: randomUUID(),
    });
    try {
      const result = await this.#run(source, capability, { signal }, logger);
      if (result.written > 0 || result.deleted > 0) {
        this.#onStoreChanged?.();
      }
    } catch (error) {
      // Only the bookkeeping itself (e.g. a lost database) gets here; the
      // scheduler must keep the task alive for the next run regardless.
      logger.error(`ITOps sync task failed: ${syncErrorMessage(error)}`);
    }
  }

  async #run(
    source: ItopsSource,
    capability: ItopsCapability,
    options: SyncRunOptions,
    logger: LoggerService,
  ): Promise<SyncRunResult> {
    this.#activeRuns += 1;
    try {
      return await this.#runReader(source, capability, options, logger);
    } finally {
      this.#activeRuns -= 1;
    }
  }

  async #runReader(
    source: ItopsSource,
    capability: ItopsCapability,
    options: SyncRunOptions,
    logger: LoggerService,
  ): Promise<SyncRunResult> {
    // The reader of `capability` yields that capability's records; the
    // index type cannot say so for a capability that is a variable.
    const reader = source.readers[capability] as
      | ItopsRecordReader<ItopsRecordsByCapability[ItopsCapability]>
      | undefined;
    if (!reader) {
      return {
        status: 'skipped',
        full: false,
        written: 0,
        rejected: 0,
        deleted: 0,
        partial: [],
      };
    }
    const key: SyncStateKey = {
      sourceType: source.type,
      sourceInstance: source.instance,
      capability,
    };
    const state = await this.#store.getState(key);
    const full = this.#isFull(capability, state, options.full);
    const signal = options.signal ?? new AbortController().signal;
    const syncId = randomUUID();
    const result: SyncRunResult = {
      status: 'succeeded',
      full,
      written: 0,
      rejected: 0,
      deleted: 0,
      partial: [],
    };
    // The same call failing on every page is one gap, not one per page.
    const partial = new Map<string, SyncPartial>();

    // External ids of the invalid records a full run read: they are not
    // stored, yet were delivered. Only invalid records, so this stays small.
    const rejectedIds = new Set<string>();

    await this.#store.recordAttempt(key, new Date());
    try {
      // A full run reads everything, so it starts from scratch rather than
      // resuming; its upserts are idempotent.
      const batches = reader.read({
        full,
        watermark: full ? undefined : state?.watermark,
        signal,
        mappedKeys: type => readMappedKeyValues(this.#knex, type),
        delivered: full
          ? this.#delivered(source, capability, syncId, rejectedIds)
          : undefined,
      });
      // A first sync grows tables from nothing; planners with stale
      // statistics then scan where they should seek, and each batch gets
      // slower. Statistics are refreshed after 10k, 20k, 40k… records.
      let nextStatisticsAt = STATISTICS_FIRST_REFRESH;
      // A first sync has nothing to compare with. The count is the last
      // run's: after a crash it may say 0 too soon, which only costs speed.
      const nothingStored = (state?.recordCount ?? 0) === 0;
      for await (const batch of batches) {
        const { written, rejected } = await this.#store.writeBatch(
          source,
          capability,
          batch.records,
          syncId,
          { nothingStored },
        );
        // Stored after the batch commits: a crash in between replays the
        // batch next time, which the upsert makes harmless.
        if (batch.watermark !== undefined) {
          await this.#store.saveWatermark(key, batch.watermark);
        }
        result.written += written;
        result.rejected += rejected.length;
        for (const gap of batch.partial ?? []) {
          partial.set(`${gap.call}\u0000${gap.reason}\u0000${gap.lost}`, gap);
        }
        if (batch.deleted?.length) {
          result.deleted += await this.#store.deleteByExternalIds(
            source,
            capability,
            batch.deleted,
          );
        }
        const skipped = batch.skipped ?? [];
        result.rejected += skipped.length;
        if (skipped.length > 0) {
          logger.warn(
            `ITOps sync of ${describe(key)} skipped ${
              skipped.length
            } malformed record(s): ${skipped
              .slice(0, LOGGED_REJECTIONS)
              .map(r => `${r.externalId} (${r.reason})`)
              .join(', ')}`,
          );
        }
        if (full) {
          for (const { externalId } of [...rejected, ...skipped]) {
            rejectedIds.add(externalId);
          }
        }
        if (result.written >= nextStatisticsAt) {
          await this.#store.refreshStatistics(capability);
          nextStatisticsAt *= 2;
        }
        if (rejected.length > 0) {
          logger.warn(
            `ITOps sync of ${describe(key)} skipped ${
              rejected.length
            } invalid record(s): ${rejected
              .slice(0, LOGGED_REJECTIONS)
              .map(r => `${r.externalId} (${r.reason})`)
              .join(', ')}`,
          );
        }
        signal.throwIfAborted();
      }
      result.partial = [...partial.values()];
      const recordsComplete = result.partial.every(p => p.recordsComplete);
      if (full && recordsComplete) {
        // A record this run read but could not use still exists upstream:
        // its stored copy stays rather than being deleted as unseen.
        await this.#store.markSeen(
          source,
          capability,
          [...rejectedIds],
          syncId,
        );
        result.deleted += await this.#store.deleteUnseen(
          source,
          capability,
          syncId,
        );
      } else if (full) {
        // A record the failed call would have confirmed is not gone; the
        // next whole full run deletes what really is.
        logger.warn(
          `ITOps full sync of ${describe(
            key,
          )} was partial, so it deleted nothing: ${result.partial
            .map(p => `${p.call} (${p.reason}): ${p.lost} missing`)
            .join('; ')}`,
        );
      }
      await this.#store.recordSuccess(key, {
        at: new Date(),
        full,
        partial: result.partial,
        rejected: result.rejected,
      });
      logger.info(
        `ITOps ${full ? 'full' : 'incremental'} sync of ${describe(
          key,
        )} stored ${result.written} record(s), deleted ${result.deleted}`,
      );
      return result;
    } catch (error) {
      // Readers of the status get a safe summary; the log gets the error.
      const failure = describeSyncFailure(error, { aborted: signal.aborted });
      await this.#store.recordFailure(key, {
        at: new Date(),
        message: failure.message,
        kind: failure.kind,
      });
      logger.warn(
        `ITOps sync of ${describe(key)} failed (${failure.kind}) after ${
          result.written
        } record(s); stored data is kept: ${loggableError(
          signal.aborted ? signal.reason ?? error : error,
        )}`,
      );
      return { ...result, status: 'failed', error: failure.message };
    }
  }

  /**
   * What a full run has delivered, from the records it marked as seen: the
   * store de-duplicates by external id, so the reader needs no set of its own.
   */
  #delivered(
    source: ItopsSource,
    capability: ItopsCapability,
    syncId: string,
    rejectedIds: ReadonlySet<string>,
  ): SyncRunDelivered {
    return {
      count: async () =>
        (await this.#store.countSeen(source, capability, syncId)) +
        rejectedIds.size,
      has: async externalIds => {
        const seen = await this.#store.seenExternalIds(
          source,
          capability,
          syncId,
          externalIds,
        );
        for (const id of externalIds) {
          if (rejectedIds.has(id)) {
            seen.add(id);
          }
        }
        return seen;
      },
    };
  }

  #isFull(
    capability: ItopsCapability,
    state: SyncState | undefined,
    requested: boolean | undefined,
  ): boolean {
    if (SNAPSHOT_CAPABILITIES.has(capability)) {
      return true;
    }
    if (requested !== undefined) {
      return requested;
    }
    if (!state?.watermark || !state.lastFullSyncAt) {
      return true;
    }
    const { fullSyncEveryMs } = this.#config.get(capability)!;
    return Date.now() - state.lastFullSyncAt.getTime() >= fullSyncEveryMs;
  }
}

/** The scheduler task id of a source's capability. */
export function syncTaskId(
  source: Pick<ItopsSource, 'type' | 'instance'>,
  capability: ItopsCapability,
): string {
  return `itops-sync:${source.type}:${source.instance}:${capability}`;
}

function describe(key: SyncStateKey): string {
  return `${key.sourceType}/${key.sourceInstance} ${key.capability}`;
}
