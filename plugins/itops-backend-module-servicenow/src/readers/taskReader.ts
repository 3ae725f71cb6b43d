import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ItopsRecordReader,
  SyncBatch,
  SyncRequest,
} from '@backstage-itops/plugin-itops-node';
import type { ServiceNowClient, SnRow } from '../client';
import { encodedQuery } from '../query';

/**
 * The sys_ids a full sync has read, as 53-bit hashes: a million ids take
 * about 37 MB of heap instead of about 70 MB as strings. A collision (odds about 1 in 20,000
 * at a million rows) can only hide one late row until the next full sync.
 */
export class SysIdSet {
  readonly #hashes = new Set<number>();

  add(sysId: string): void {
    this.#hashes.add(hash53(sysId));
  }

  has(sysId: string): boolean {
    return this.#hashes.has(hash53(sysId));
  }

  get size(): number {
    return this.#hashes.size;
  }
}

function hash53(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

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
 * with the distinct rows read: a row that appeared behind the cursor (a late
 * import stamped in the past) is fetched by a further walk, so that the
 * reconcile never deletes or misses what exists.
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
  const seen = request.full ? new SysIdSet() : undefined;
  let newest: number | undefined;

  const pass = async function* walkPass(onlyUnseen: boolean) {
    for await (const page of client.walk({
      table,
      fields,
      filter,
      sinceMs,
      pageSize,
      signal,
    })) {
      const rows = onlyUnseen
        ? page.rows.filter(row => !seen!.has(row.sys_id))
        : page.rows;
      for (const row of rows) {
        seen?.add(row.sys_id);
      }
      if (page.newestUpdatedMs !== undefined) {
        newest = Math.max(newest ?? page.newestUpdatedMs, page.newestUpdatedMs);
      }
      if (rows.length > 0) {
        yield {
          records: rows.map(row => options.toRecord(row)),
          watermark:
            newest === undefined ? undefined : new Date(newest).toISOString(),
        };
      }
    }
  };

  yield* pass(false);
  if (!seen) {
    return;
  }
  const countQuery = encodedQuery().and(filter).toString();
  for (let extra = 0; extra < (options.maxExtraPasses ?? 2); extra++) {
    const total = await client.count(table, countQuery, signal);
    if (total === undefined || total <= seen.size) {
      return;
    }
    options.logger?.info(
      `${client.http.name}: ${table} has ${total} rows but the full sync read ${seen.size}; rows appeared behind the cursor, reading again`,
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
