import type { SimRequest, SimResponse } from '../types';
import { snDateTime } from './format';
import { pageWindow, paginationHeaders } from './paging';
import {
  type Condition,
  knownFieldCheck,
  matchesQuery,
  parseEncodedQuery,
  queryFromParams,
} from './query';
import { errorBody, jsonResponse, notFound } from './responses';
import { type Freeze, scheduleSysId } from './schedules';
import type { TableSchema } from './schema';
import { fieldReader, select } from './select';
import type { Database, SnRow } from './store';

const CHANGE_PATH =
  /^\/api\/sn_chg_rest\/(?:v1\/)?change(?:\/(normal|standard|emergency))?(?:\/([0-9a-f]{32}))?(?:\/(task|conflict))?\/?$/;

/** Columns the Change API answers as JSON numbers and booleans. */
const NUMBERS = new Set([
  'state',
  'risk',
  'impact',
  'urgency',
  'priority',
  'scope',
  'sys_mod_count',
]);
const BOOLEANS = new Set(['active', 'on_hold', 'cab_required', 'unauthorized']);
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

type Typed = {
  display_value: string;
  value: string | number | boolean;
  display_value_internal?: string;
};

interface Conflict {
  type: 'blackout' | 'ci_already_scheduled';
  ci?: SnRow;
  conflictingChange?: SnRow;
  freeze?: Freeze;
}

/**
 * The Change Management API (`/api/sn_chg_rest[/v1]/change…`): change and
 * task lists with typed `{display_value, value}` fields, and conflict
 * detection against blackout windows and changes on the same CI.
 */
export class ChangeApi {
  readonly #db: Database;
  readonly #freezes: readonly Freeze[];
  readonly #runs = new Map<
    string,
    { lastRun: string; conflicts: Conflict[] }
  >();

  constructor(db: Database, freezes: readonly Freeze[]) {
    this.#db = db;
    this.#freezes = freezes;
  }

  /** The answer, or undefined when the path is not a Change API path. */
  handle(request: SimRequest, url: URL, now: Date): SimResponse | undefined {
    const match = CHANGE_PATH.exec(url.pathname);
    if (!match) {
      return undefined;
    }
    const [, type, sysId, sub] = match;
    if (sysId === undefined) {
      return sub || request.method !== 'GET'
        ? methodNotAllowed()
        : this.#list(
            'change_request',
            url,
            now,
            type ? [{ field: 'type', operator: '=', values: [type] }] : [],
          );
    }
    const change = this.#db.lookup('change_request', sysId);
    if (!change || (type && change.type !== type)) {
      return notFound();
    }
    if (sub === 'task' && request.method === 'GET') {
      return this.#list('change_task', url, now, [
        { field: 'change_request', operator: '=', values: [sysId] },
      ]);
    }
    if (sub === 'conflict') {
      return this.#conflict(request.method, change, now);
    }
    if (!sub && request.method === 'GET') {
      return jsonResponse(200, {
        result: this.#typed(change, 'change_request'),
      });
    }
    return methodNotAllowed();
  }

  #list(
    tableName: string,
    url: URL,
    now: Date,
    scope: Condition[],
  ): SimResponse {
    const table = this.#db.table(tableName)!;
    const query = queryFromParams(
      url.searchParams,
      knownFieldCheck(table.schema, n => this.#db.table(n)?.schema),
      now,
    );
    // The path's scope (type, parent change) applies to every OR'd group.
    for (const group of query.groups) {
      group.push(...scope.map(condition => [condition]));
    }
    const selection = select(table, query, fieldReader(this.#db, table.schema));
    const { offset, limit } = pageWindow(url.searchParams);
    const rows = selection.page(offset, limit);
    return jsonResponse(
      200,
      { result: rows.map(row => this.#typed(row, tableName)) },
      paginationHeaders(url, offset, limit, selection.total, rows.length),
    );
  }

  #typed(row: SnRow, tableName: string): Record<string, Typed> {
    const schema: TableSchema = this.#db.table(tableName)!.schema;
    const out: Record<string, Typed> = {};
    for (const field of schema.fields) {
      const value = row[field] ?? '';
      const target = schema.references[field];
      if (target) {
        out[field] = { display_value: this.#displayOf(target, value), value };
      } else if (NUMBERS.has(field) && value !== '') {
        out[field] = {
          display_value: schema.choices[field]?.[value] ?? value,
          value: Number(value),
        };
      } else if (BOOLEANS.has(field)) {
        out[field] = {
          display_value: value || 'false',
          value: value === 'true',
        };
      } else if (DATE_TIME.test(value)) {
        out[field] = {
          display_value: value,
          value,
          display_value_internal: value,
        };
      } else {
        out[field] = {
          display_value: schema.choices[field]?.[value] ?? value,
          value,
        };
      }
    }
    return out;
  }

  #displayOf(tableName: string, sysId: string): string {
    const row = this.#db.lookup(tableName, sysId);
    return row ? row[this.#db.table(tableName)!.schema.displayField] ?? '' : '';
  }

  #conflict(method: string, change: SnRow, now: Date): SimResponse {
    switch (method) {
      case 'POST':
        this.#runs.set(change.sys_id, {
          lastRun: snDateTime(now),
          conflicts: this.#detect(change),
        });
        return jsonResponse(200, { result: change.sys_id });
      case 'DELETE':
        this.#runs.delete(change.sys_id);
        return jsonResponse(200, { result: {} });
      case 'GET':
        return jsonResponse(200, { result: this.#report(change) });
      default:
        return methodNotAllowed();
    }
  }

  #report(change: SnRow) {
    const run = this.#runs.get(change.sys_id);
    const ref = (tableName: string, row?: SnRow) => ({
      display_value: row
        ? row[this.#db.table(tableName)!.schema.displayField] ?? ''
        : '',
      value: row?.sys_id ?? '',
    });
    return {
      // ServiceNow reports "Conflict" after any run, also with no conflicts (a documented quirk).
      status: run ? 'Conflict' : 'Not Run',
      last_run: run?.lastRun ?? '',
      record_count: String(run?.conflicts.length ?? 0),
      job_status: run ? '2' : '0',
      conflicts: (run?.conflicts ?? []).map(conflict => ({
        change: ref('change_request', change),
        type: {
          display_value:
            conflict.type === 'blackout'
              ? 'Blackout'
              : 'Configuration Item Already Scheduled',
          value: conflict.type,
        },
        configuration_item: ref('cmdb_ci', conflict.ci),
        conflicting_change: ref('change_request', conflict.conflictingChange),
        schedule: {
          display_value: conflict.freeze?.name ?? '',
          value: conflict.freeze ? scheduleSysId(conflict.freeze) : '',
        },
      })),
    };
  }

  /** Blackout windows the planned window touches, and other live changes on the same CI at the same time. */
  #detect(change: SnRow): Conflict[] {
    const { start_date: start, end_date: end } = change;
    const conflicts: Conflict[] = [];
    const ci = this.#db.lookup('cmdb_ci', change.cmdb_ci);
    const service = this.#db.lookup('cmdb_ci', change.business_service);
    const ciSchema = this.#db.table('cmdb_ci')!.schema;
    const read = fieldReader(this.#db, ciSchema);
    for (const freeze of this.#freezes) {
      const overlaps =
        start <= snDateTime(freeze.end) && end >= snDateTime(freeze.start);
      const condition = parseEncodedQuery(
        freeze.condition,
        knownFieldCheck(ciSchema, () => undefined),
        new Date(),
      );
      const applies = [ci, service].some(
        row => row && matchesQuery(condition, row, read),
      );
      if (overlaps && applies) {
        conflicts.push({ type: 'blackout', ci: ci ?? service, freeze });
      }
    }
    if (ci) {
      const changes = this.#db.table('change_request')!;
      const others = parseEncodedQuery(
        `cmdb_ci=${ci.sys_id}^sys_id!=${change.sys_id}^stateNOT IN3,4^start_date<=${end}^end_date>=${start}`,
        () => true,
        new Date(),
      );
      const overlapping = select(
        changes,
        others,
        fieldReader(this.#db, changes.schema),
      );
      for (const other of overlapping.page(0, overlapping.total)) {
        conflicts.push({
          type: 'ci_already_scheduled',
          ci,
          conflictingChange: other,
        });
      }
    }
    return conflicts;
  }
}

function methodNotAllowed(): SimResponse {
  return jsonResponse(
    405,
    errorBody(
      'Method not supported',
      'The simulator serves this resource read-only',
    ),
  );
}
