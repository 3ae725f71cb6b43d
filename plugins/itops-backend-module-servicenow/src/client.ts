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
  rows: SnRow[];
  /** The newest `sys_updated_on` read so far, as epoch ms. */
  newestUpdatedMs?: number;
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
  ): Promise<{ rows: SnRow[]; hasNext: boolean; total?: number }> {
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
    return { rows, hasNext, total };
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
      } else {
        for (const row of fresh) {
          seenAtCursor.add(row.sys_id);
        }
        skip += options.pageSize;
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
      if (fresh.length > 0) {
        yield { rows: fresh, newestUpdatedMs: newest };
      }
      if (!page.hasNext) {
        return;
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
