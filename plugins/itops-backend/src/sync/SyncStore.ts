import {
  type ItopsCapability,
  type ItopsRecordsByCapability,
  MAX_MAPPING_KEY_LENGTH,
  type MappingKey,
  normalizeMappingValue,
} from '@backstage-itops/plugin-itops-common';
import type { SyncPartial } from '@backstage-itops/plugin-itops-node';
import { stringifyError } from '@backstage/errors';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { chunks } from '../database/chunks';
import {
  ENTITY_RECORDS,
  relinkRecords,
  unlinkRecords,
} from '../database/entityRecordLinks';
import {
  type DbRow,
  type RecordKind,
  type RecordTable,
  tableOf,
  tablesOf,
} from '../database/recordTables';
import { toDbTime } from '../database/time';

const RECORD_KEYS = 'itops_record_keys';
const SYNC_STATE = 'itops_sync_state';
const UNIQUE_RECORD = ['source_type', 'source_instance', 'external_id'];

/**
 * Rows per statement. Both databases cap bound variables per statement
 * (SQLite at 32,766, PostgreSQL at 65,535), so wide tables get fewer rows.
 */
const MAX_ROWS_PER_STATEMENT = 500;
const MAX_BINDINGS_PER_STATEMENT = 10_000;

/** Rows SQLite's `analyze` reads per index (its `analysis_limit`). */
const SQLITE_ANALYSIS_ROWS = 1000;

/** A source instance, as the store identifies it. */
export interface SyncSourceRef {
  type: string;
  instance: string;
}

/** The unit of sync bookkeeping: one capability of one source instance. */
export interface SyncStateKey {
  sourceType: string;
  sourceInstance: string;
  capability: ItopsCapability;
}

/** Sync progress and health of one capability of one source instance. */
export interface SyncState {
  /** Resume point of the last committed batch. */
  watermark?: string;
  lastAttemptAt?: Date;
  lastSuccessAt?: Date;
  lastFullSyncAt?: Date;
  /** Why the last run failed; cleared by the next successful run. */
  lastError?: string;
  /** What kind of failure that was; cleared with it. */
  lastErrorKind?: string;
  /** When a run last failed; kept after recovery, for history. */
  lastErrorAt?: Date;
  /** Records currently stored for this source and capability. */
  recordCount: number;
  /** Optional calls the last completed run could not make; empty when whole. */
  partial: SyncPartial[];
  /** Records the last completed run skipped as malformed. */
  lastRejected: number;
}

/** A record that could not be stored, and why; the rest of its batch is. */
export interface RejectedRecord {
  externalId: string;
  reason: string;
}

/** What {@link SyncStore.writeBatch} did. */
export interface WriteBatchResult {
  written: number;
  rejected: RejectedRecord[];
}

interface PreparedRecord {
  row: DbRow;
  keys: MappingKey[];
  /** Stored columns to keep: those of the fields the read could not learn. */
  keep?: string[];
}

/**
 * Writes synced records and sync bookkeeping to the ITOps store. Every
 * method works on SQLite and PostgreSQL; writes of one batch are atomic.
 */
export class SyncStore {
  readonly #knex: Knex;

  /** @param knex - a client whose schema the ITOps migrations have created */
  static create(knex: Knex): SyncStore {
    return new SyncStore(knex);
  }

  private constructor(knex: Knex) {
    this.#knex = knex;
  }

  /**
   * Upserts a batch of one capability's records, marking them as seen by
   * `syncId`, and replaces their mapping keys, all in one transaction.
   * Records stored with the same content (columns and keys, by hash) are
   * only marked as seen: a full reconcile rewrites what changed, not all.
   * With `nothingStored` (the caller's run began with no records of this
   * source and capability) the stored hashes are not looked up: a first
   * sync would find none. A record repeated within the run is upserted
   * again, as it would be without hashes.
   * Records that cannot be converted (e.g. an unparseable timestamp) are
   * skipped and returned, so that one bad record does not stall a source.
   */
  async writeBatch<C extends ItopsCapability>(
    source: SyncSourceRef,
    capability: C,
    records: readonly ItopsRecordsByCapability[C][],
    syncId: string,
    options: { nothingStored?: boolean } = {},
  ): Promise<WriteBatchResult> {
    const rejected: RejectedRecord[] = [];
    const byTable = new Map<RecordTable<any>, Map<string, PreparedRecord>>();
    for (const record of records) {
      try {
        const table = tableOf(capability, record);
        const prepared = prepareRecord(table, record, source, syncId);
        const rows = byTable.get(table) ?? new Map();
        // Last one wins: PostgreSQL refuses to upsert one row twice in a statement.
        rows.set(record.externalId, prepared);
        byTable.set(table, rows);
      } catch (error) {
        rejected.push({
          externalId: String(record?.externalId),
          reason: stringifyError(error),
        });
      }
    }

    let written = 0;
    if (byTable.size === 0) {
      return { written, rejected };
    }
    await this.#knex.transaction(async trx => {
      for (const [table, prepared] of byTable) {
        written += await upsertRecords(
          trx,
          table,
          { source, syncId, compareStored: !options.nothingStored },
          [...prepared.values()],
        );
      }
    });
    return { written, rejected };
  }

  /**
   * Marks the stored records with these external ids as seen by the sync
   * `syncId`, so that a full run's {@link SyncStore.deleteUnseen} keeps them.
   */
  async markSeen(
    source: SyncSourceRef,
    capability: ItopsCapability,
    externalIds: readonly string[],
    syncId: string,
  ): Promise<void> {
    for (const ids of chunks(externalIds, MAX_ROWS_PER_STATEMENT)) {
      for (const { table } of tablesOf(capability)) {
        await this.#knex(table)
          .where({
            source_type: source.type,
            source_instance: source.instance,
          })
          .whereIn('external_id', ids)
          .update({ seen_in_sync: syncId });
      }
    }
  }

  /** Deletes the stored records with these external ids; how many there were. */
  async deleteByExternalIds(
    source: SyncSourceRef,
    capability: ItopsCapability,
    externalIds: readonly string[],
  ): Promise<number> {
    return this.#knex.transaction(async trx => {
      let deleted = 0;
      for (const ids of chunks(externalIds, MAX_ROWS_PER_STATEMENT)) {
        deleted += await deleteRecords(trx, source, capability, q =>
          q.whereIn('external_id', ids),
        );
      }
      return deleted;
    });
  }

  /**
   * Deletes the records of a source and capability, and their keys, that the
   * sync `syncId` did not yield. Only call it after that sync read every
   * record (a completed full sync). Returns how many records were deleted.
   */
  async deleteUnseen(
    source: SyncSourceRef,
    capability: ItopsCapability,
    syncId: string,
  ): Promise<number> {
    return this.#knex.transaction(trx =>
      deleteRecords(trx, source, capability, q =>
        q.whereNot('seen_in_sync', syncId),
      ),
    );
  }

  /**
   * How many records of a source and capability the sync `syncId` has
   * stored so far (upserts keep one row per external id, so this counts
   * distinct records however often the run yielded them).
   */
  async countSeen(
    source: SyncSourceRef,
    capability: ItopsCapability,
    syncId: string,
  ): Promise<number> {
    return this.#count(capability, {
      source_type: source.type,
      source_instance: source.instance,
      seen_in_sync: syncId,
    });
  }

  /** Which of `externalIds` the sync `syncId` has stored for a source and capability. */
  async seenExternalIds(
    source: SyncSourceRef,
    capability: ItopsCapability,
    syncId: string,
    externalIds: readonly string[],
  ): Promise<Set<string>> {
    const seen = new Set<string>();
    for (const { table } of tablesOf(capability)) {
      for (const ids of chunks(externalIds, MAX_ROWS_PER_STATEMENT)) {
        const rows: Array<{ external_id: string }> = await this.#knex(table)
          .select('external_id')
          .where({
            source_type: source.type,
            source_instance: source.instance,
            seen_in_sync: syncId,
          })
          .whereIn('external_id', ids);
        for (const row of rows) {
          seen.add(row.external_id);
        }
      }
    }
    return seen;
  }

  /**
   * Refreshes the planner statistics of a capability's tables after bulk
   * writes. PostgreSQL's autovacuum does so too, but late, and not at all
   * where it is switched off. SQLite keeps none until asked: without them it
   * walked every backup run of a source to find one job's.
   */
  async refreshStatistics(capability: ItopsCapability): Promise<void> {
    const tables = [
      ...tablesOf(capability).map(t => t.table),
      RECORD_KEYS,
      ENTITY_RECORDS,
    ];
    if (isPostgres(this.#knex)) {
      await this.#knex.raw(
        `analyze ${tables.map(() => '??').join(', ')}`,
        tables,
      );
      return;
    }
    // A sample of rows per index keeps the cost flat as the tables grow;
    // the planner needs proportions, not exact counts.
    await this.#knex.raw(`pragma analysis_limit = ${SQLITE_ANALYSIS_ROWS}`);
    for (const table of tables) {
      await this.#knex.raw('analyze ??', [table]);
    }
  }

  /** How many records of a source and capability are stored. */
  async countRecords(
    source: SyncSourceRef,
    capability: ItopsCapability,
  ): Promise<number> {
    return this.#count(capability, {
      source_type: source.type,
      source_instance: source.instance,
    });
  }

  /** Rows of a capability's tables matching `where`. */
  async #count(
    capability: ItopsCapability,
    where: Record<string, string>,
  ): Promise<number> {
    let count = 0;
    for (const { table } of tablesOf(capability)) {
      const [row] = await this.#knex(table).where(where).count({ count: '*' });
      count += Number(row.count);
    }
    return count;
  }

  /** The sync state, or undefined if this capability never synced. */
  async getState(key: SyncStateKey): Promise<SyncState | undefined> {
    const row = await this.#knex(SYNC_STATE).where(stateWhere(key)).first();
    return row ? stateFromRow(row) : undefined;
  }

  /** Notes that a run started, creating the state row on the first run. */
  async recordAttempt(key: SyncStateKey, at: Date): Promise<void> {
    await this.#knex(SYNC_STATE)
      .insert({ ...stateWhere(key), last_attempt_at: at })
      .onConflict(['source_type', 'source_instance', 'capability'])
      .merge(['last_attempt_at']);
  }

  /** Stores the resume point after a committed batch. */
  async saveWatermark(key: SyncStateKey, watermark: string): Promise<void> {
    await this.#knex(SYNC_STATE).where(stateWhere(key)).update({ watermark });
  }

  /** Notes a completed run: clears the last error and refreshes the count. */
  async recordSuccess(
    key: SyncStateKey,
    run: {
      at: Date;
      full: boolean;
      partial?: readonly SyncPartial[];
      rejected?: number;
    },
  ): Promise<void> {
    const recordCount = await this.countRecords(keySource(key), key.capability);
    await this.#knex(SYNC_STATE)
      .where(stateWhere(key))
      .update({
        last_success_at: run.at,
        last_error: null,
        last_error_kind: null,
        record_count: recordCount,
        partial: run.partial?.length ? JSON.stringify(run.partial) : null,
        last_rejected: run.rejected ?? 0,
        ...(run.full ? { last_full_sync_at: run.at } : {}),
      });
  }

  /**
   * Notes a failed run. The watermark stays at the last committed batch.
   * `message` must already be free of credentials.
   */
  async recordFailure(
    key: SyncStateKey,
    run: { at: Date; message: string; kind?: string },
  ): Promise<void> {
    const recordCount = await this.countRecords(keySource(key), key.capability);
    await this.#knex(SYNC_STATE)
      .where(stateWhere(key))
      .update({
        last_error: run.message,
        last_error_kind: run.kind ?? null,
        last_error_at: run.at,
        record_count: recordCount,
      });
  }
}

function isPostgres(knex: Knex): boolean {
  return ['pg', 'postgres', 'postgresql'].includes(
    String(knex.client.config.client),
  );
}

function prepareRecord(
  table: RecordTable<any>,
  record: {
    externalId: string;
    url?: string;
    sourceUpdatedAt?: string;
    unknown?: string[];
  },
  source: SyncSourceRef,
  syncId: string,
): PreparedRecord {
  if (typeof record.externalId !== 'string' || record.externalId === '') {
    throw new TypeError('Record has no externalId');
  }
  const keep = (record.unknown ?? []).flatMap(field => {
    const columns = table.keepable?.[field];
    if (!columns) {
      throw new TypeError(
        `Field ${field} of a ${table.kind} cannot be unknown`,
      );
    }
    return columns;
  });
  const content = {
    ...table.toRow(record),
    source_type: source.type,
    source_instance: source.instance,
    external_id: record.externalId,
    url: record.url ?? null,
    source_updated_at: toDbTime(record.sourceUpdatedAt),
  };
  const keys = uniqueKeys((record as { keys?: MappingKey[] }).keys);
  return {
    row: {
      ...content,
      content_hash: contentHash(content, keys),
      seen_in_sync: syncId,
    },
    keys,
    ...(keep.length > 0 ? { keep } : {}),
  };
}

/**
 * What identifies a record's stored state: its columns and its keys (both
 * in the order the record table and {@link uniqueKeys} give, which is
 * stable for the same record).
 */
function contentHash(content: DbRow, keys: MappingKey[]): string {
  return createHash('sha256')
    .update(JSON.stringify([content, keys]))
    .digest('base64url');
}

/** Normalized, de-duplicated keys; values too long to be keys are left out. */
function uniqueKeys(keys: MappingKey[] | undefined): MappingKey[] {
  const unique = new Map<string, MappingKey>();
  for (const key of keys ?? []) {
    const value = normalizeMappingValue(key.value);
    if (value !== '' && value.length <= MAX_MAPPING_KEY_LENGTH) {
      unique.set(`${key.type}\u0000${value}`, { type: key.type, value });
    }
  }
  return [...unique.values()];
}

/**
 * Upserts one table's records of one source and replaces their keys;
 * returns the row count. Records stored unchanged are only marked as seen
 * by this sync: their keys and entity links stay, and so do the rollups of
 * their entities.
 */
async function upsertRecords(
  trx: Knex.Transaction,
  table: RecordTable<any>,
  run: { source: SyncSourceRef; syncId: string; compareStored: boolean },
  records: PreparedRecord[],
): Promise<number> {
  const columns = Object.keys(records[0]?.row ?? {}).length || 1;
  const rowsPerStatement = Math.min(
    MAX_ROWS_PER_STATEMENT,
    Math.floor(MAX_BINDINGS_PER_STATEMENT / columns),
  );
  for (const batch of chunks(records, rowsPerStatement)) {
    const chunk = run.compareStored
      ? await markUnchangedSeen(trx, table, run.source, run.syncId, batch)
      : batch;
    if (chunk.length === 0) {
      continue;
    }
    const upserted = await upsertKeeping(trx, table, chunk);
    const idOf = new Map(upserted.map(r => [r.external_id, r.id]));
    await replaceKeys(
      trx,
      table.kind,
      chunk.map(r => ({
        id: idOf.get(String(r.row.external_id))!,
        keys: r.keys,
      })),
    );
    await relinkRecords(trx, table.kind, [...idOf.values()]);
  }
  return records.length;
}

/**
 * Deletes a source's records of a capability that `narrow` selects, with
 * their keys and entity links; how many records there were.
 */
async function deleteRecords(
  trx: Knex.Transaction,
  source: SyncSourceRef,
  capability: ItopsCapability,
  narrow: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
): Promise<number> {
  let deleted = 0;
  for (const { kind, table } of tablesOf(capability)) {
    const of = () =>
      narrow(
        trx(table).where({
          source_type: source.type,
          source_instance: source.instance,
        }),
      );
    const ids = of().select('id');
    await unlinkRecords(trx, kind, ids);
    await trx(RECORD_KEYS)
      .where('record_table', kind)
      .whereIn('record_id', ids)
      .delete();
    deleted += await of().delete();
  }
  return deleted;
}

/**
 * Inserts or updates rows; a record with columns to keep updates all but
 * those, and its content hash (which then describes the stored row no
 * more), so that what an optional call gave before is not cleared.
 */
async function upsertKeeping(
  trx: Knex.Transaction,
  table: RecordTable<any>,
  records: PreparedRecord[],
): Promise<Array<{ id: number | string; external_id: string }>> {
  const groups = new Map<string, PreparedRecord[]>();
  for (const record of records) {
    const key = (record.keep ?? []).join(',');
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  const upserted: Array<{ id: number | string; external_id: string }> = [];
  for (const [key, group] of groups) {
    const insert = trx(table.table)
      .insert(group.map(r => r.row))
      .onConflict(UNIQUE_RECORD);
    const keep = new Set(key === '' ? [] : [...key.split(','), 'content_hash']);
    const rows = await (keep.size === 0
      ? insert.merge()
      : insert.merge(Object.keys(group[0].row).filter(c => !keep.has(c)))
    ).returning(['id', 'external_id']);
    upserted.push(...rows);
  }
  return upserted;
}

/**
 * Marks as seen by `syncId` the records stored with the same content hash,
 * and returns the others, which must be written.
 */
async function markUnchangedSeen(
  trx: Knex.Transaction,
  table: RecordTable<any>,
  source: SyncSourceRef,
  syncId: string,
  records: PreparedRecord[],
): Promise<PreparedRecord[]> {
  const stored: Array<{
    id: number | string;
    external_id: string;
    content_hash: string | null;
  }> = await trx(table.table)
    .where({ source_type: source.type, source_instance: source.instance })
    .whereIn(
      'external_id',
      records.map(r => String(r.row.external_id)),
    )
    .select('id', 'external_id', 'content_hash');
  const storedByExternalId = new Map(
    stored.map(row => [row.external_id, row] as const),
  );
  const unchangedIds: Array<number | string> = [];
  const changed: PreparedRecord[] = [];
  for (const record of records) {
    const row = storedByExternalId.get(String(record.row.external_id));
    if (row && row.content_hash === record.row.content_hash) {
      unchangedIds.push(row.id);
    } else {
      changed.push(record);
    }
  }
  if (unchangedIds.length > 0) {
    await trx(table.table)
      .whereIn('id', unchangedIds)
      .update({ seen_in_sync: syncId });
  }
  return changed;
}

async function replaceKeys(
  trx: Knex.Transaction,
  kind: RecordKind,
  records: Array<{ id: number | string; keys: MappingKey[] }>,
): Promise<void> {
  await trx(RECORD_KEYS)
    .where('record_table', kind)
    .whereIn(
      'record_id',
      records.map(r => r.id),
    )
    .delete();
  const keyRows = records.flatMap(r =>
    r.keys.map(k => ({
      record_table: kind,
      record_id: r.id,
      key_type: k.type,
      key_value: k.value,
    })),
  );
  for (const chunk of chunks(keyRows, MAX_ROWS_PER_STATEMENT)) {
    await trx(RECORD_KEYS).insert(chunk);
  }
}

function stateWhere(key: SyncStateKey) {
  return {
    source_type: key.sourceType,
    source_instance: key.sourceInstance,
    capability: key.capability,
  };
}

function keySource(key: SyncStateKey): SyncSourceRef {
  return { type: key.sourceType, instance: key.sourceInstance };
}

/** Timestamps come back as Date from PostgreSQL and epoch ms from SQLite. */
function optionalDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return value instanceof Date ? value : new Date(value as number | string);
}

function stateFromRow(row: DbRow): SyncState {
  return {
    watermark: (row.watermark as string | null) ?? undefined,
    lastAttemptAt: optionalDate(row.last_attempt_at),
    lastSuccessAt: optionalDate(row.last_success_at),
    lastFullSyncAt: optionalDate(row.last_full_sync_at),
    lastError: (row.last_error as string | null) ?? undefined,
    lastErrorKind: (row.last_error_kind as string | null) ?? undefined,
    lastErrorAt: optionalDate(row.last_error_at),
    recordCount: Number(row.record_count),
    partial: parsePartial(row.partial),
    lastRejected: Number(row.last_rejected ?? 0),
  };
}

/**
 * The stored partial list; a value this code did not write (hand-edited,
 * truncated) reads as whole rather than failing every status read.
 */
export function parsePartial(value: unknown): SyncPartial[] {
  if (typeof value !== 'string' || value === '') {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed)
      ? parsed.filter(
          (p): p is SyncPartial =>
            typeof p?.call === 'string' &&
            typeof p?.reason === 'string' &&
            typeof p?.lost === 'string',
        )
      : [];
  } catch {
    return [];
  }
}
