import type { SourceHttpClient } from '@backstage-itops/plugin-itops-node';
import { encodedQuery } from './query';
import { formatSnDateTime, snDateTimeMs } from './time';

/** A Table API row read with `sysparm_exclude_reference_link=true`: every value a string. */
export type SnRow = Record<string, string>;

interface TableAnswer {
  result?: SnRow[];
}

/** One `whoisoncall` escalatee (source-apis.md §1.11). */
export interface Escalatee {
  userId: string;
  memberId?: string;
  group: string;
  rota: string;
  roster?: string;
  order: number;
  isOverride?: boolean;
}

/** A page of a walk over a table in `sys_updated_on` order. */
export interface WalkPage {
  /** Rows not returned before in this walk; empty when ACLs hid the page. */
  rows: SnRow[];
  /** The newest `sys_updated_on` read so far, as epoch ms. */
  newestUpdatedMs?: number;
  /** The instance's clock when it answered (its `Date` header), as epoch ms. */
  serverTimeMs?: number;
  /**
   * Rows the instance counted but did not return (ACLs hide them after the
   * page limit is applied), so far in this walk, each counted once.
   */
  hiddenRows: number;
}

/** One page of `GET /api/now/table/{table}`. */
export interface TablePage {
  rows: SnRow[];
  /** Whether more pages follow (the `Link` header's `next`). */
  hasNext: boolean;
  /** `X-Total-Count`: rows the query matches, ACL-hidden ones included. */
  total?: number;
  /** The `Date` header, as epoch ms. */
  serverTimeMs?: number;
}

export interface WalkOptions {
  table: string;
  /** Columns to read; `sys_id` and `sys_updated_on` are always added. */
  fields: readonly string[];
  /** Operator-written encoded query ANDed to the walk. */
  filter?: string;
  /** Only rows updated at or after this instant. */
  sinceMs?: number;
  pageSize: number;
  signal?: AbortSignal;
}

const LOOKUP_CHUNK = 100;

/**
 * The ServiceNow REST calls the readers need, over the shared source HTTP
 * client (which owns retries, rate budget and credentials).
 */
export class ServiceNowClient {
  readonly http: SourceHttpClient;

  constructor(http: SourceHttpClient) {
    this.http = http;
  }

  /** One page of `GET /api/now/table/{table}`. */
  async page(
    table: string,
    params: {
      query: string;
      fields: readonly string[];
      limit: number;
      offset?: number;
      signal?: AbortSignal;
    },
  ): Promise<TablePage> {
    const response = await this.http.json<TableAnswer>(
      `/api/now/table/${encodeURIComponent(table)}`,
      {
        query: {
          sysparm_query: params.query || undefined,
          sysparm_fields: params.fields.join(','),
          sysparm_limit: params.limit,
          sysparm_offset: params.offset || undefined,
          sysparm_exclude_reference_link: true,
          sysparm_display_value: false,
        },
        signal: params.signal,
      },
    );
    const rows = response.body?.result;
    if (!Array.isArray(rows)) {
      throw new Error(
        `${this.http.name}: GET /api/now/table/${table} answered without a result list`,
      );
    }
    const link = response.headers.get('link');
    const totalHeader = response.headers.get('x-total-count');
    const total =
      totalHeader !== null && /^\d+$/.test(totalHeader)
        ? Number(totalHeader)
        : undefined;
    // A page is cut to the limit before ACLs apply, so a short page does
    // not mean the end: the Link header's `next` does.
    const hasNext =
      link !== null ? /rel="?next"?/.test(link) : rows.length >= params.limit;
    const date = Date.parse(response.headers.get('date') ?? '');
    return {
      rows,
      hasNext,
      total,
      serverTimeMs: Number.isNaN(date) ? undefined : date,
    };
  }

  /** How many rows match, from `X-Total-Count`; undefined when the instance does not say. */
  async count(
    table: string,
    query: string,
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    const { total } = await this.page(table, {
      query,
      fields: ['sys_id'],
      limit: 1,
      signal,
    });
    return total;
  }

  /**
   * Every row of a query, page by page, for small tables (groups, schedules).
   */
  async *rows(
    table: string,
    params: {
      query: string;
      fields: readonly string[];
      pageSize: number;
      signal?: AbortSignal;
    },
  ): AsyncGenerator<SnRow[]> {
    let previousFirst: string | undefined;
    for (let offset = 0; ; offset += params.pageSize) {
      const page = await this.page(table, {
        query: params.query,
        fields: params.fields,
        limit: params.pageSize,
        offset,
        signal: params.signal,
      });
      const first = page.rows[0]?.sys_id;
      if (first !== undefined && first === previousFirst) {
        throw new Error(
          `${this.http.name}: GET /api/now/table/${table} answered the same page for another sysparm_offset; stopping instead of looping`,
        );
      }
      previousFirst = first;
      if (page.rows.length > 0) {
        yield page.rows;
      }
      if (!page.hasNext) {
        return;
      }
    }
  }

  /** Rows by sys_id, in chunks; ids not found are left out. */
  async bySysIds(
    table: string,
    sysIds: Iterable<string>,
    fields: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, SnRow>> {
    const ids = [...new Set(sysIds)].filter(id => /^[0-9a-f]{32}$/i.test(id));
    const found = new Map<string, SnRow>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      const query = encodedQuery().whereIn('sys_id', chunk).toString();
      for await (const rows of this.rows(table, {
        query,
        fields: ['sys_id', ...fields],
        // One more than can match, so a full page never suggests more.
        pageSize: LOOKUP_CHUNK + 1,
        signal,
      })) {
        for (const row of rows) {
          found.set(row.sys_id, row);
        }
      }
    }
    return found;
  }

  /**
   * Walks a table in `sys_updated_on, sys_id` order by keyset: each page
   * asks for rows updated at or after the newest time seen, skipping the
   * rows of that second it already returned. Rows updated during the walk
   * move behind the cursor's front and are read again with their new
   * values; inserts and deletes elsewhere do not shift the pages.
   *
   * The instance cuts a page to the limit before ACLs apply, so a page can
   * come back short with rows hidden among its positions. The walk counts
   * those hidden positions once each: `X-Total-Count` of consecutive
   * queries says how many positions of the previous page a new query
   * covers again (the rows of the cursor's second, hidden ones included,
   * that the skip could not count), and only positions new to the walk
   * count. Exact while the table holds still; rows changing during the walk
   * can move the count by those rows.
   */
  async *walk(options: WalkOptions): AsyncGenerator<WalkPage> {
    const fields = [
      ...new Set(['sys_id', 'sys_updated_on', ...options.fields]),
    ];
    let cursor = options.sinceMs;
    /** Positions of the current query already consumed. */
    let skip = 0;
    /** Rows already returned whose `sys_updated_on` equals the cursor. */
    let seenAtCursor = new Set<string>();
    let newest: number | undefined;
    /** Pages in a row that brought nothing new: a stuck walk, not a slow one. */
    let stale = 0;
    let hiddenRows = 0;
    /** Positions `[0, coveredUntil)` of the current query are counted. */
    let coveredUntil = 0;
    /** Set when the cursor just moved: the previous query's count. */
    let moved: { total?: number } | undefined;
    for (;;) {
      const query = encodedQuery().and(options.filter);
      if (cursor !== undefined) {
        query.where('sys_updated_on', '>=', formatSnDateTime(cursor));
      }
      query.orderBy('sys_updated_on').orderBy('sys_id');
      const page = await this.page(options.table, {
        query: query.toString(),
        fields,
        limit: options.pageSize,
        offset: skip,
        signal: options.signal,
      });
      const fresh: SnRow[] = [];
      let last: number | undefined;
      for (const row of page.rows) {
        const updated = snDateTimeMs(row.sys_updated_on);
        if (updated === undefined) {
          fresh.push(row);
          continue;
        }
        if (updated === cursor && seenAtCursor.has(row.sys_id)) {
          continue;
        }
        fresh.push(row);
        last = Math.max(last ?? updated, updated);
      }
      if (moved) {
        // The new query starts `total(previous) - total(new)` positions
        // later than the previous one; without counts, assume it starts
        // where the skip says.
        coveredUntil =
          moved.total !== undefined && page.total !== undefined
            ? coveredUntil - (moved.total - page.total)
            : skip;
      }
      const span = coveredPositions(page, skip, options.pageSize);
      // Positions counted before come round again after a cursor move: the
      // rows of the new cursor's second that an earlier page held, returned
      // ones (skipped again above) and hidden ones (not counted twice).
      const again = Math.min(span, Math.max(0, coveredUntil - skip));
      hiddenRows += Math.max(0, span - again - fresh.length);
      coveredUntil = Math.max(coveredUntil, skip + span);
      if (last !== undefined && last !== cursor) {
        // The cursor moves on: the new query starts at `last`, and the
        // rows of that second in this page are already done.
        cursor = last;
        seenAtCursor = new Set(
          fresh
            .filter(r => snDateTimeMs(r.sys_updated_on) === last)
            .map(r => r.sys_id),
        );
        skip = seenAtCursor.size;
        moved = { total: page.total };
      } else {
        for (const row of fresh) {
          seenAtCursor.add(row.sys_id);
        }
        skip += options.pageSize;
        moved = undefined;
      }
      if (last !== undefined) {
        newest = Math.max(newest ?? last, last);
      }
      stale = fresh.length === 0 && page.rows.length > 0 ? stale + 1 : 0;
      if (stale > 3) {
        throw new Error(
          `${this.http.name}: paging ${options.table} by sys_updated_on returns only rows already read; the instance seems to ignore sysparm_offset`,
        );
      }
      yield {
        rows: fresh,
        newestUpdatedMs: newest,
        serverTimeMs: page.serverTimeMs,
        hiddenRows,
      };
      if (!page.hasNext) {
        return;
      }
    }
  }

  /**
   * The sys_ids of a table's rows deleted at or after `sinceMs`, page by
   * page, from the audit of deletions (`sys_audit_delete`: `tablename`,
   * `documentkey`, stamped `sys_created_on` when the row was deleted).
   * Reading it usually needs a role integration users lack; a refusal
   * comes back as the SourceRequestError with its status.
   */
  async *deletedSince(
    table: string,
    sinceMs: number,
    signal?: AbortSignal,
  ): AsyncGenerator<string[]> {
    const query = encodedQuery()
      .where('tablename', '=', table)
      .where('sys_created_on', '>=', formatSnDateTime(sinceMs))
      .orderBy('sys_created_on')
      .orderBy('sys_id')
      .toString();
    for await (const rows of this.rows('sys_audit_delete', {
      query,
      fields: ['sys_id', 'documentkey'],
      pageSize: 1000,
      signal,
    })) {
      const ids = rows.map(row => row.documentkey).filter(Boolean);
      if (ids.length > 0) {
        yield ids;
      }
    }
  }

  /**
   * `GET /api/now/on_call_rota/whoisoncall` for groups at a time. Answers
   * 400/404 when the instance lacks the on-call scheduling plugin; those
   * come back as `undefined`.
   */
  async whoIsOnCall(
    groupIds: readonly string[],
    atMs: number,
    signal?: AbortSignal,
  ): Promise<Escalatee[] | undefined> {
    const response = await this.http.json<{ result?: unknown }>(
      '/api/now/on_call_rota/whoisoncall',
      {
        query: {
          group_ids: groupIds.join(','),
          date_time: formatSnDateTime(atMs),
        },
        acceptStatuses: [400, 404],
        signal,
      },
    );
    if (response.status !== 200) {
      return undefined;
    }
    const result = response.body?.result;
    if (!Array.isArray(result)) {
      throw new Error(
        `${this.http.name}: whoisoncall answered without a result list`,
      );
    }
    return result.flatMap(item => {
      const e = item as Record<string, unknown>;
      if (typeof e.userId !== 'string' || !e.userId) {
        return [];
      }
      return [
        {
          userId: e.userId,
          memberId: typeof e.memberId === 'string' ? e.memberId : undefined,
          group: String(e.group ?? ''),
          rota: String(e.rota ?? ''),
          roster: typeof e.roster === 'string' ? e.roster : undefined,
          order: Number(e.order) || 1,
          isOverride: e.isOverride === true || e.isOverride === 'true',
        },
      ];
    });
  }
}

/** How many of its query's positions a page spans, hidden rows included. */
function coveredPositions(page: TablePage, offset: number, limit: number) {
  if (page.total === undefined) {
    // Without a count only a page followed by more is known to be full.
    return page.hasNext ? limit : page.rows.length;
  }
  return Math.max(0, Math.min(limit, page.total - offset));
}
