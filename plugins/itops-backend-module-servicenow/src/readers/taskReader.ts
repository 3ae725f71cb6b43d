import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ItopsRecordReader,
  SyncBatch,
  SyncRequest,
  SyncRunDelivered,
} from '@backstage-itops/plugin-itops-node';
import type { ServiceNowClient, SnRow } from '../client';
import { encodedQuery } from '../query';

export interface TaskReaderOptions<T> {
  client: ServiceNowClient;
  table: string;
  fields: readonly string[];
  filter?: string;
  pageSize: number;
  /** Incremental syncs re-read this far behind the watermark. */
  overlapMs: number;
  toRecord(row: SnRow): T;
  logger?: LoggerService;
  /** Extra walks a full sync may take when the instance gained rows behind its cursor. */
  maxExtraPasses?: number;
}

/**
 * Reads a task table (incidents, change requests) in `sys_updated_on`
 * order. Incremental runs start an overlap window before the watermark,
 * because ServiceNow stamps whole seconds and a transaction may commit a
 * row stamped earlier than rows already read; the upserts make the re-read
 * harmless. Full runs read everything and then compare the instance's count
 * with the distinct rows delivered: a row that appeared behind the cursor (a
 * late import stamped in the past) is fetched by a further walk, so that the
 * reconcile never deletes or misses what exists. The engine answers which
 * rows the run delivered from its store, so the reader holds no more than a
 * page however large the table.
 */
export function taskReader<T>(
  options: TaskReaderOptions<T>,
): ItopsRecordReader<T> {
  return {
    read: request => readTasks(options, request),
  };
}

async function* readTasks<T>(
  options: TaskReaderOptions<T>,
  request: SyncRequest,
): AsyncGenerator<SyncBatch<T>> {
  const { client, table, fields, filter, pageSize, signal } = {
    ...options,
    signal: request.signal,
  };
  const since = request.full ? undefined : watermarkMs(request.watermark);
  const sinceMs =
    since === undefined ? undefined : Math.max(0, since - options.overlapMs);
  let yielded = 0;
  // Without the engine's answer (a caller of its own), rows yielded stand in
  // for distinct rows: an overcount only when rows changed during the walk,
  // which can delay a late row to the next full sync but never deletes one.
  const delivered: SyncRunDelivered = request.delivered ?? {
    count: async () => yielded,
    has: async () => new Set(),
  };
  let newest: number | undefined;

  const pass = async function* walkPass(onlyUndelivered: boolean) {
    for await (const page of client.walk({
      table,
      fields,
      filter,
      sinceMs,
      pageSize,
      signal,
    })) {
      let rows = page.rows;
      if (onlyUndelivered) {
        const done = await delivered.has(rows.map(row => row.sys_id));
        rows = rows.filter(row => !done.has(row.sys_id));
      }
      if (page.newestUpdatedMs !== undefined) {
        newest = Math.max(newest ?? page.newestUpdatedMs, page.newestUpdatedMs);
      }
      if (rows.length > 0) {
        yielded += rows.length;
        yield {
          records: rows.map(row => options.toRecord(row)),
          watermark:
            newest === undefined ? undefined : new Date(newest).toISOString(),
        };
      }
    }
  };

  yield* pass(false);
  if (!request.full) {
    return;
  }
  const countQuery = encodedQuery().and(filter).toString();
  for (let extra = 0; extra < (options.maxExtraPasses ?? 2); extra++) {
    const total = await client.count(table, countQuery, signal);
    // Asked after the walk: every batch yielded so far is stored by now.
    const read = await delivered.count();
    if (total === undefined || total <= read) {
      return;
    }
    options.logger?.info(
      `${client.http.name}: ${table} has ${total} rows but the full sync read ${read}; rows appeared behind the cursor, reading again`,
    );
    yield* pass(true);
  }
}

function watermarkMs(watermark: string | undefined): number | undefined {
  if (!watermark) {
    return undefined;
  }
  const ms = Date.parse(watermark);
  return Number.isNaN(ms) ? undefined : ms;
}
