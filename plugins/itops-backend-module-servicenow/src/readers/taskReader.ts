import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  type ItopsRecordReader,
  type SkippedRecord,
  type SyncBatch,
  type SyncRequest,
  type SyncRunDelivered,
  SourceRequestError,
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
  /**
   * Incremental runs read `sys_audit_delete` for the rows deleted since the
   * watermark and report them deleted. Off by default (see vendor-calls.md).
   */
  readDeletions?: boolean;
}

/** What is lost when `sys_audit_delete` is refused. */
const DELETIONS_LOST =
  'deletions between full syncs (the full reconcile still removes deleted records)';

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
  /**
   * The rows' records, and the rows that cannot be stored (no sys_id, no
   * opening time) as skipped; a warning names the row and field of each
   * unusable value.
   */
  const mapRows = (rows: readonly SnRow[]) => {
    const records: T[] = [];
    const skipped: SkippedRecord[] = [];
    for (const row of rows) {
      const problems: RowProblem[] = [];
      const record = options.toRecord(row, problems);
      for (const problem of problems) {
        if (++problemCount <= LOGGED_PROBLEMS) {
          options.logger?.warn(
            `${client.http.name}: ${table} ${
              row.number || '(no number)'
            } (sys_id '${row.sys_id ?? ''}'): ${problem.field} ${
              problem.why
            }: ${problem.outcome}`,
          );
        }
      }
      const fatal = problems.find(p => p.outcome === 'record skipped');
      if (fatal) {
        skipped.push({
          externalId: row.sys_id || row.number || '(no sys_id)',
          reason: `${fatal.field}: ${fatal.why}`,
        });
      } else {
        records.push(record);
      }
    }
    return { records, skipped };
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
        const { records, skipped } = mapRows(rows);
        yield {
          records,
          ...(skipped.length > 0 ? { skipped } : {}),
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

  /**
   * The rows deleted since the incremental run's start, from the audit
   * table. Asked before the walk, so that a row restored since (with a new
   * `sys_updated_on`) is stored again by it. Refused, only this is lost.
   */
  const deletions = async function* readDeleted(fromMs: number) {
    try {
      for await (const ids of client.deletedSince(table, fromMs, signal)) {
        yield { records: [], deleted: ids };
      }
    } catch (error) {
      if (
        !(error instanceof SourceRequestError) ||
        ![400, 403, 404].includes(error.status ?? 0)
      ) {
        throw error;
      }
      options.logger?.warn(
        `${client.http.name}: GET /api/now/table/sys_audit_delete answered ${error.status}; deletions of ${table} rows wait for the full reconcile (give the integration user read access to sys_audit_delete, or set deletions.auditTable: false)`,
      );
      yield {
        records: [],
        partial: [
          {
            call: 'GET /api/now/table/sys_audit_delete',
            reason: refusal(error.status!),
            lost: DELETIONS_LOST,
            recordsComplete: true,
          },
        ],
      };
    }
  };

  try {
    if (!request.full && sinceMs !== undefined && options.readDeletions) {
      yield* deletions(sinceMs);
    }
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

/** A refusal's status, as the sync status names it. */
function refusal(status: number): string {
  const text: Record<number, string> = {
    400: 'Bad Request',
    403: 'Forbidden',
    404: 'Not Found',
  };
  return `${status} ${text[status] ?? ''}`.trim();
}

function watermarkMs(watermark: string | undefined): number | undefined {
  if (!watermark) {
    return undefined;
  }
  const ms = Date.parse(watermark);
  return Number.isNaN(ms) ? undefined : ms;
}
