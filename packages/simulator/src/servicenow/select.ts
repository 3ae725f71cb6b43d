import {
  compareValues,
  type EncodedQuery,
  type FieldReader,
  matchesQuery,
} from './query';
import type { TableSchema } from './schema';
import type { Database, SnRow, SnTable } from './store';

/** The rows a query matched, in order, without necessarily holding them. */
export interface Selection {
  total: number;
  page(offset: number, limit: number): SnRow[];
}

/** Reads a column, following dot-walked references (`assignment_group.name`). */
export function fieldReader(db: Database, schema: TableSchema): FieldReader {
  return (row, field) => {
    const parts = field.split('.');
    let current: SnRow | undefined = row;
    let currentSchema: TableSchema | undefined = schema;
    for (let i = 0; i < parts.length - 1 && current; i++) {
      const target: string | undefined = currentSchema?.references[parts[i]];
      const next: SnTable | undefined = target ? db.table(target) : undefined;
      current = next?.bySysId(current[parts[i]] ?? '');
      currentSchema = next?.schema;
    }
    return current?.[parts[parts.length - 1]] ?? '';
  };
}

export function select(
  table: SnTable,
  query: EncodedQuery,
  read: FieldReader,
): Selection {
  const range = monotonicRange(table, query);
  if (range) {
    const [start, end] = range;
    return {
      total: Math.max(0, end - start),
      page: (offset, limit) => {
        const rows: SnRow[] = [];
        for (
          let i = start + offset;
          i < Math.min(end, start + offset + limit);
          i++
        ) {
          rows.push(table.at(i));
        }
        return rows;
      },
    };
  }
  return scan(table, query, read);
}

/**
 * A full scan keeps positions rather than rows, so that a broad query over a
 * derived table does not materialise it.
 */
function scan(
  table: SnTable,
  query: EncodedQuery,
  read: FieldReader,
): Selection {
  let positions: number[] = [];
  const size = table.size();
  for (let i = 0; i < size; i++) {
    if (matchesQuery(query, table.at(i), read)) {
      positions.push(i);
    }
  }
  if (query.orderBy.length > 0) {
    const keys = new Map<number, string[]>();
    for (const i of positions) {
      const row = table.at(i);
      keys.set(
        i,
        query.orderBy.map(o => read(row, o.field)),
      );
    }
    positions = positions.sort((a, b) => {
      const ka = keys.get(a)!;
      const kb = keys.get(b)!;
      for (let k = 0; k < query.orderBy.length; k++) {
        const c = compareValues(ka[k], kb[k]);
        if (c !== 0) {
          return query.orderBy[k].descending ? -c : c;
        }
      }
      return a - b;
    });
  }
  return {
    total: positions.length,
    page: (offset, limit) =>
      positions.slice(offset, offset + limit).map(i => table.at(i)),
  };
}

/**
 * The `[start, end)` positions a query selects when it only bounds and sorts
 * by columns that increase with the position (e.g. the incremental sync
 * `sys_updated_on>=X^ORDERBYsys_updated_on`); undefined for other shapes.
 */
function monotonicRange(
  table: SnTable,
  query: EncodedQuery,
): [number, number] | undefined {
  const monotonic = new Set(table.monotonic);
  if (
    monotonic.size === 0 ||
    query.groups.length !== 1 ||
    query.orderBy.some(o => o.descending || !monotonic.has(o.field))
  ) {
    return undefined;
  }
  let start = 0;
  let end = table.size();
  for (const clause of query.groups[0]) {
    const [condition] = clause;
    if (clause.length !== 1 || !monotonic.has(condition.field)) {
      return undefined;
    }
    const first = (test: (value: string) => boolean) =>
      firstPosition(table, condition.field, test);
    const [value, upper] = condition.values;
    switch (condition.operator) {
      case '>=':
        start = Math.max(
          start,
          first(v => compareValues(v, value) >= 0),
        );
        break;
      case '>':
        start = Math.max(
          start,
          first(v => compareValues(v, value) > 0),
        );
        break;
      case '<':
        end = Math.min(
          end,
          first(v => compareValues(v, value) >= 0),
        );
        break;
      case '<=':
        end = Math.min(
          end,
          first(v => compareValues(v, value) > 0),
        );
        break;
      case '=':
        start = Math.max(
          start,
          first(v => compareValues(v, value) >= 0),
        );
        end = Math.min(
          end,
          first(v => compareValues(v, value) > 0),
        );
        break;
      case 'BETWEEN':
        start = Math.max(
          start,
          first(v => compareValues(v, value) >= 0),
        );
        end = Math.min(
          end,
          first(v => compareValues(v, upper ?? '') > 0),
        );
        break;
      default:
        return undefined;
    }
  }
  return [start, Math.max(start, end)];
}

/** Binary search for the first position whose value passes a monotonic test. */
function firstPosition(
  table: SnTable,
  field: string,
  test: (value: string) => boolean,
): number {
  let low = 0;
  let high = table.size();
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(table.at(middle)[field])) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}
