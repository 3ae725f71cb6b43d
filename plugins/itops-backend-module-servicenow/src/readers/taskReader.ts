import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ItopsRecordReader,
  SyncBatch,
  SyncRequest,
  SyncRunDelivered,
} from '@backstage-itops/plugin-itops-node';
import type { ServiceNowClient, SnRow } from '../client';
import type { RowProblem } from '../mapping';
import { encodedQuery } from '../query';

/** How many unusable values a run names in the log before it only counts them. */
const LOGGED_PROBLEMS = 10;

export interface TaskReaderOptions<T> {
  client: ServiceNowClient;
  table: string;
  fields: readonly string[];
  filter?: string;
  pageSize: number;
  /** Incremental syncs re-read this far behind the watermark. */
  overlapMs: number;
  /** The watermark stays this far behind the instance's own clock. */
  clockOverlapMs: number;
  /** The local clock, for an instance that sends no `Date` header. */
  now?: () => number;
  /** The record of a row; values it cannot use go to `problems`. */
  toRecord(row: SnRow, problems: RowProblem[]): T;
  logger?: LoggerService;
  /** Extra walks a full sync may take when the instance gained rows behind its cursor. */
  maxExtraPasses?: number;
}

/**
 * Reads a task table (incidents, change requests) in `sys_updated_on`
 * order. Incremental runs start an overlap window before the watermark,
 * because ServiceNow stamps whole seconds and a transaction may commit a
 * row stamped earlier than rows already read; the upserts make the re-read
 * harmless.
 *
 * The watermark is the newest `sys_updated_on` read, but never later than
 * the instance's own clock (the `Date` header of its answers, else the
 * local clock) minus `clockOverlapMs`. One row stamped in the future (a
 * node's skewed clock, an import, a script setting `sys_updated_on`) would
 * otherwise carry the watermark past every later update until the next
 * full reconcile. Such rows are still stored, and every incremental run
 * reads them again until the clock passes them; an update made after a run
 * is found by the next one.
 *
 * What the overlaps do not catch: a row changed without its
 * `sys_updated_on` moving forward, or moved to a time more than the
 * overlaps before the watermark (an import or a script with
 * `autoSysFields(false)`), sorts behind every later incremental run's
 * start. Only the full reconcile (the engine's `fullSyncEvery`) reads it;
 * that is the safety net, and the reason it exists.
 *
 * Full runs read everything and then compare the instance's count with the
 * distinct rows delivered plus the rows ACLs hid from the walk (counted
 * once, as the walk met them): a row that appeared behind the cursor (a
 * late import stamped in the past) is fetched by a further walk, so that the
 * reconcile never deletes or misses what exists, while rows the integration
 * user may not read cost no second walk. The engine answers which rows the
 * run delivered from its store, so the reader holds no more than a page
 * however large the table.
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
  const now = options.now ?? Date.now;
  let problemCount = 0;
  /** The row's record, with a warning naming the row and field of each unusable value. */
  const toRecord = (row: SnRow): T => {
    const problems: RowProblem[] = [];
    const record = options.toRecord(row, problems);
    for (const problem of problems) {
      if (++problemCount <= LOGGED_PROBLEMS) {
        options.logger?.warn(
          `${client.http.name}: ${table} ${
            row.number || '(no number)'
          } (sys_id '${row.sys_id ?? ''}'): ${problem.field} ${describeValue(
            problem.value,
          )}: ${problem.outcome}`,
        );
      }
    }
    return record;
  };
  /** Rows ACLs hid from the first walk; a later walk meets the same rows. */
  let hidden = 0;

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
        if (rows.length > 0) {
          const done = await delivered.has(rows.map(row => row.sys_id));
          rows = rows.filter(row => !done.has(row.sys_id));
        }
      } else {
        hidden = page.hiddenRows;
      }
      if (page.newestUpdatedMs !== undefined) {
        newest = Math.max(newest ?? page.newestUpdatedMs, page.newestUpdatedMs);
      }
      if (rows.length > 0) {
        yielded += rows.length;
        const clock = (page.serverTimeMs ?? now()) - options.clockOverlapMs;
        yield {
          records: rows.map(toRecord),
          watermark:
            newest === undefined
              ? undefined
              : new Date(Math.min(newest, clock)).toISOString(),
        };
      }
    }
  };

  /** Walks again while the instance counts rows the walk did not meet. */
  const reconcile = async function* walkAgain() {
    const countQuery = encodedQuery().and(filter).toString();
    for (let extra = 0; extra < (options.maxExtraPasses ?? 2); extra++) {
      const total = await client.count(table, countQuery, signal);
      // Asked after the walk: every batch yielded so far is stored by now.
      const read = await delivered.count();
      if (total === undefined || total <= read + hidden) {
        return;
      }
      options.logger?.info(
        `${client.http.name}: ${table} has ${total} rows but the full sync read ${read} and ${hidden} were hidden from it; rows appeared behind the cursor, reading again`,
      );
      yield* pass(true);
    }
  };

  try {
    yield* pass(false);
    if (request.full) {
      yield* reconcile();
    }
  } finally {
    if (problemCount > LOGGED_PROBLEMS) {
      options.logger?.warn(
        `${client.http.name}: ${table}: ${
          problemCount - LOGGED_PROBLEMS
        } more unusable values in this run`,
      );
    }
  }
}

/** A value for the log: quoted, and cut short. */
function describeValue(value: string): string {
  if (value === '') {
    return 'empty';
  }
  return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
}

function watermarkMs(watermark: string | undefined): number | undefined {
  if (!watermark) {
    return undefined;
  }
  const ms = Date.parse(watermark);
  return Number.isNaN(ms) ? undefined : ms;
}
