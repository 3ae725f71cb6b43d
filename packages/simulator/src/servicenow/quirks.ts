import { createHash } from 'node:crypto';
import type { SimResponse } from '../types';
import { stableSysId } from '../world/org';
import { snDateTime } from './format';
import { systemFields } from './records';
import { errorBody, jsonResponse } from './responses';
import { ArrayTable, type Database, type SnRow } from './store';

/**
 * What real instances do that a tidy simulator would not, one switch each.
 * Set them at start (`startSimulators({ servicenow: { quirks } })`) or at
 * run time with `setQuirks`. The data quirks (dated rows, deletions,
 * malformed rows) change the demo world when they are set and say which
 * rows they changed; the others shape every answer while they are set.
 */
export interface ServiceNowQuirks {
  /**
   * Rows stamped ahead of the instance's clock (clock skew on a node, an
   * import, a script setting `sys_updated_on`): `count` rows of each table
   * get `sys_updated_on` = now + `aheadSeconds`.
   */
  futureDated?: { tables: string[]; count: number; aheadSeconds: number };
  /**
   * Rows changed without moving `sys_updated_on` forward (an import or a
   * script with `autoSysFields(false)`): `count` rows of each table get a
   * new `short_description` and `sys_updated_on` = now − `ageSeconds`.
   */
  pastDated?: { tables: string[]; count: number; ageSeconds: number };
  /**
   * Rows the caller's ACLs hide, a stable `share` of each table's rows by
   * sys_id. As on an instance, a list is cut to `sysparm_limit` before ACLs
   * apply, so pages come back short (even empty) while `X-Total-Count` and
   * the `Link` header still count the hidden rows; a hidden row read by
   * sys_id answers 404. `exemptUsers` (default `admin`) see everything.
   */
  aclHidden?: { tables: string[]; share: number; exemptUsers?: string[] };
  /**
   * Incidents linking a change the integration user may not read: the
   * changes that `count` incidents name in `caused_by` (or `rfc`) are hidden
   * by ACL from everyone but `exemptUsers` (default `admin`): left out of
   * `change_request` lists, 404 by sys_id, and blank through a dot-walk
   * (`caused_by.number`), while the incident still holds their sys_id.
   */
  aclHiddenChangeLinks?: { count: number; exemptUsers?: string[] };
  /**
   * The next `count` requests to `/oauth_token.do` answer 429, with
   * `Retry-After: retryAfterSeconds` when given and without it otherwise.
   */
  tokenRateLimit?: { count: number; retryAfterSeconds?: number };
  /**
   * Users' time zone setting (`sys_user.time_zone`) by user name: the
   * display values (`sysparm_display_value=true|all`) of their date-times
   * are shown in it, as an instance shows them; values stay UTC.
   */
  userTimeZones?: Record<string, string>;
  /**
   * `count` rows of each table deleted; unless `audit` is false each
   * deletion leaves a `sys_audit_delete` row (`tablename`, `documentkey`,
   * `payload`), as ServiceNow records deletions of audited tables.
   */
  deleted?: { tables: string[]; count: number; audit?: boolean };
  /**
   * Tables refused to everyone but `admin`, with 403 (no role: the usual
   * case for `sys_audit_delete` and integration users) or 404 (a table the
   * instance does not have, or hides, such as another on-call engine's).
   */
  deniedTables?: Record<string, 403 | 404>;
  /**
   * Rows with values no well-formed record has: one row per entry gets
   * `values` (column → value), e.g. an unreadable date, an empty `sys_id`,
   * a state code no choice list has.
   */
  malformed?: Array<{ table: string; values: Record<string, string> }>;
  /**
   * Columns a field-level ACL hides from everyone but `admin`, by table
   * (e.g. `{ change_request: ['category'] }`): left out of every row the
   * Table API returns, as an instance leaves out what the caller may not
   * read, while queries on them still match.
   */
  hiddenColumns?: Record<string, string[]>;
}

/** Which rows the data quirks changed, by table. */
export interface QuirkReport {
  futureDated: Record<string, string[]>;
  pastDated: Record<string, string[]>;
  deleted: Record<string, string[]>;
  /** The sys_id each malformed entry's row had before. */
  malformed: Array<{ table: string; sysId: string }>;
  /** The incidents whose linked change `aclHiddenChangeLinks` hid, and that change. */
  hiddenChangeLinks: Array<{ incident: string; change: string }>;
}

/** Who is asking, as the Table API's ACLs and display values see it. */
export interface Viewer {
  /** Whether the caller's ACLs hide this row of the table. */
  hides(table: string, row: SnRow): boolean;
  /** The caller's time zone for display values; undefined: UTC. */
  timeZone?: string;
  /** Whether a field ACL hides this column of the table from the caller. */
  hidesColumn?(table: string, column: string): boolean;
}

export const AUDIT_DELETE_TABLE = 'sys_audit_delete';

/** The quirks in force and what they need to remember between requests. */
export class QuirkState {
  #quirks: ServiceNowQuirks = {};
  #tokenRefusalsLeft = 0;
  /** Changes `aclHiddenChangeLinks` hides, by sys_id. */
  readonly #hiddenChanges = new Set<string>();
  /** Rows a data quirk changed already, so that two quirks never pick one row. */
  readonly #touched = new Set<string>();
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  get quirks(): ServiceNowQuirks {
    return this.#quirks;
  }

  /**
   * Replaces the quirks in force and applies the data quirks among them to
   * the world at `now`.
   */
  set(quirks: ServiceNowQuirks, now: Date): QuirkReport {
    this.#quirks = structuredClone(quirks);
    this.#tokenRefusalsLeft = quirks.tokenRateLimit?.count ?? 0;
    for (const [user, zone] of Object.entries(quirks.userTimeZones ?? {})) {
      const row = this.#rows('sys_user').find(r => r.user_name === user);
      if (row) {
        row.time_zone = zone;
      }
    }
    const report: QuirkReport = {
      futureDated: {},
      pastDated: {},
      deleted: {},
      malformed: [],
      hiddenChangeLinks: [],
    };
    const stamp = (offsetSeconds: number) =>
      snDateTime(new Date(now.getTime() + offsetSeconds * 1000));
    for (const table of quirks.futureDated?.tables ?? []) {
      report.futureDated[table] = this.#pick(
        table,
        quirks.futureDated!.count,
        0,
      ).map(row => {
        row.sys_updated_on = stamp(quirks.futureDated!.aheadSeconds);
        return row.sys_id;
      });
    }
    for (const table of quirks.pastDated?.tables ?? []) {
      report.pastDated[table] = this.#pick(
        table,
        quirks.pastDated!.count,
        1,
      ).map(row => {
        row.short_description = `${row.short_description} (re-imported)`;
        row.sys_mod_count = String(Number(row.sys_mod_count) + 1);
        row.sys_updated_on = stamp(-quirks.pastDated!.ageSeconds);
        return row.sys_id;
      });
    }
    for (const table of quirks.deleted?.tables ?? []) {
      const rows = this.#pick(table, quirks.deleted!.count, 2);
      report.deleted[table] = rows.map(row => {
        this.#arrayTable(table).remove(row.sys_id);
        if (quirks.deleted!.audit !== false) {
          this.#arrayTable(AUDIT_DELETE_TABLE).insert(
            auditDeleteRow(table, row, now),
          );
        }
        return row.sys_id;
      });
    }
    for (const [i, entry] of (quirks.malformed ?? []).entries()) {
      const [row] = this.#pick(entry.table, 1, 3 + i);
      report.malformed.push({ table: entry.table, sysId: row.sys_id });
      Object.assign(row, entry.values);
    }
    this.#hiddenChanges.clear();
    if (quirks.aclHiddenChangeLinks) {
      const linking = this.#rows('incident').filter(r => r.caused_by || r.rfc);
      const wanted = quirks.aclHiddenChangeLinks.count;
      if (linking.length < wanted) {
        throw new Error(
          `Quirk: ${linking.length} incidents link a change, ${wanted} wanted`,
        );
      }
      for (const row of linking.slice(0, wanted)) {
        const change = row.caused_by || row.rfc;
        this.#hiddenChanges.add(change);
        report.hiddenChangeLinks.push({ incident: row.sys_id, change });
      }
    }
    return report;
  }

  /** The caller's view of the tables. */
  viewer(user: string): Viewer {
    const acl = this.#quirks.aclHidden;
    const exempt = acl?.exemptUsers ?? ['admin'];
    const zone = this.#rows('sys_user').find(
      r => r.user_name === user,
    )?.time_zone;
    const links = this.#quirks.aclHiddenChangeLinks;
    const linkExempt = links?.exemptUsers ?? ['admin'];
    return {
      hides: (table, row) =>
        (acl !== undefined &&
          !exempt.includes(user) &&
          acl.tables.includes(table) &&
          hiddenShare(row.sys_id) < acl.share) ||
        (links !== undefined &&
          !linkExempt.includes(user) &&
          table === 'change_request' &&
          this.#hiddenChanges.has(row.sys_id)),
      timeZone: zone && zone !== 'UTC' ? zone : undefined,
      hidesColumn: (table, column) =>
        user !== 'admin' &&
        (this.#quirks.hiddenColumns?.[table]?.includes(column) ?? false),
    };
  }

  /** A 429 for the token request while `tokenRateLimit` has refusals left. */
  refuseToken(): SimResponse | undefined {
    const limit = this.#quirks.tokenRateLimit;
    if (!limit || this.#tokenRefusalsLeft <= 0) {
      return undefined;
    }
    this.#tokenRefusalsLeft--;
    return jsonResponse(
      429,
      errorBody(
        'Rate limit exceeded',
        'Rate limit of requests per hour for /oauth_token.do exceeded',
      ),
      limit.retryAfterSeconds !== undefined
        ? { 'Retry-After': String(limit.retryAfterSeconds) }
        : {},
    );
  }

  /** The answer that refuses a table to a caller, if it is refused. */
  refuseTable(table: string, user: string): SimResponse | undefined {
    const denied = this.#quirks.deniedTables?.[table];
    if (!denied || user === 'admin') {
      return undefined;
    }
    return denied === 403
      ? jsonResponse(
          403,
          errorBody(
            'User Not Authorized',
            `User ${user} is not authorized to read ${table}`,
          ),
        )
      : jsonResponse(
          404,
          errorBody(
            'No Record found',
            "Record doesn't exist or ACL restricts the record retrieval",
          ),
        );
  }

  /**
   * `count` rows of a table that no other quirk changed, spread over it
   * (`lane` staggers the quirks, so that each picks its own rows).
   */
  #pick(table: string, count: number, lane: number): SnRow[] {
    const rows = this.#rows(table).filter(
      r => !this.#touched.has(`${table}:${r.sys_id}`),
    );
    if (rows.length < count) {
      throw new Error(
        `Quirk: ${table} has ${rows.length} rows left to change, ${count} wanted`,
      );
    }
    const stride = Math.max(1, Math.floor(rows.length / count));
    const offset = Math.floor((stride * (lane % 7)) / 7);
    const picked = Array.from(
      { length: count },
      (_, i) => rows[(offset + i * stride) % rows.length],
    );
    for (const row of picked) {
      this.#touched.add(`${table}:${row.sys_id}`);
    }
    return picked;
  }

  #rows(table: string): readonly SnRow[] {
    return this.#arrayTable(table).rows();
  }

  #arrayTable(name: string): ArrayTable {
    const table = this.#db.table(name);
    if (!(table instanceof ArrayTable)) {
      throw new Error(
        `Quirk: ${name} is not a table of rows that can change (the scale world derives its tasks)`,
      );
    }
    return table;
  }
}

/** A stable number in [0, 1) per sys_id, so that ACLs hide the same rows on every request. */
function hiddenShare(sysId: string): number {
  return createHash('sha256').update(sysId).digest().readUInt32BE(0) / 2 ** 32;
}

/** The audit row a deletion leaves: the deleted record as XML in `payload`. */
function auditDeleteRow(table: string, row: SnRow, now: Date): SnRow {
  const fields = Object.entries(row)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return {
    ...systemFields({
      sysId: stableSysId(AUDIT_DELETE_TABLE, `${table}:${row.sys_id}`),
      className: AUDIT_DELETE_TABLE,
      createdOn: now,
      updatedOn: now,
    }),
    tablename: table,
    documentkey: row.sys_id,
    display_value: row.number ?? row.name ?? row.sys_id,
    payload: `<?xml version="1.0" encoding="UTF-8"?><record_update table="${table}"><${table}>${fields}</${table}></record_update>`,
  };
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
