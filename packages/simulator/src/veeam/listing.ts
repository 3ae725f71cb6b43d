import { parseVeeamDate } from './dates';
import { badRequest } from './errors';

/** VBR's page size when `limit` is absent (as its examples show). */
const DEFAULT_LIMIT = 200;

export interface PageParams {
  skip: number;
  limit: number;
  orderColumn?: string;
  orderAsc: boolean;
}

export interface Page<T> {
  data: T[];
  pagination: { total: number; count: number; skip: number; limit: number };
}

export type SortKey<T> = (item: T) => string | number | boolean | null;

/** Reads skip/limit/orderColumn/orderAsc, rejecting what VBR would reject. */
export function readPageParams(
  query: URLSearchParams,
  columns: readonly string[],
): PageParams {
  const requested = query.get('orderColumn');
  const orderColumn =
    requested === null
      ? undefined
      : columns.find(c => c.toLowerCase() === requested.toLowerCase());
  if (requested !== null && !orderColumn) {
    throw badRequest(
      `The value '${requested}' is not valid for orderColumn. Valid values: ${columns.join(
        ', ',
      )}.`,
    );
  }
  return {
    skip: readInt(query, 'skip') ?? 0,
    limit: readInt(query, 'limit') ?? DEFAULT_LIMIT,
    orderColumn,
    orderAsc: readBool(query, 'orderAsc') ?? true,
  };
}

export function readInt(
  query: URLSearchParams,
  name: string,
): number | undefined {
  const text = query.get(name);
  if (text === null) {
    return undefined;
  }
  if (!/^\d+$/.test(text) || Number(text) > 2_147_483_647) {
    throw badRequest(`The value '${text}' is not valid for ${name}.`);
  }
  return Number(text);
}

export function readBool(
  query: URLSearchParams,
  name: string,
): boolean | undefined {
  const text = query.get(name);
  if (text === null) {
    return undefined;
  }
  if (!/^(true|false)$/i.test(text)) {
    throw badRequest(`The value '${text}' is not valid for ${name}.`);
  }
  return text.toLowerCase() === 'true';
}

export function readDate(
  query: URLSearchParams,
  name: string,
): number | undefined {
  const text = query.get(name);
  if (text === null) {
    return undefined;
  }
  const parsed = parseVeeamDate(text);
  if (parsed === undefined) {
    throw badRequest(`The value '${text}' is not valid for ${name}.`);
  }
  return parsed;
}

/**
 * `nameFilter`: `*` matches any run of characters, the rest must match the
 * whole name, ignoring case (`*SQL*`, `Backup Job*`).
 */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  const body = pattern
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${body}$`, 'is');
  return value => regex.test(value);
}

/** Typed enum/string filters compare case-insensitively: clients treat enums as open strings. */
function equalsIgnoreCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Filters, orders and pages an in-memory collection. */
export function pageOf<T, R>(
  items: readonly T[],
  params: PageParams,
  options: {
    filters: Array<(item: T) => boolean>;
    sortKeys: Record<string, SortKey<T>>;
    render: (item: T) => R;
  },
): Page<R> {
  const matching = items.filter(item => options.filters.every(f => f(item)));
  if (params.orderColumn) {
    sortInPlace(
      matching,
      options.sortKeys[params.orderColumn],
      params.orderAsc,
    );
  }
  const slice = matching.slice(params.skip, params.skip + params.limit);
  return envelope(slice.map(options.render), matching.length, params);
}

export function envelope<R>(
  data: R[],
  total: number,
  params: { skip: number; limit: number },
): Page<R> {
  return {
    data,
    pagination: {
      total,
      count: data.length,
      skip: params.skip,
      limit: params.limit,
    },
  };
}

/** Stable sort; nulls first ascending, as SQL-backed servers order them. */
export function sortInPlace<T>(
  items: T[],
  key: SortKey<T>,
  ascending: boolean,
): void {
  const direction = ascending ? 1 : -1;
  const keyed = items.map((item, position) => ({
    item,
    position,
    value: key(item),
  }));
  keyed.sort(
    (a, b) =>
      compareValues(a.value, b.value) * direction || a.position - b.position,
  );
  keyed.forEach((entry, index) => {
    items[index] = entry.item;
  });
}

function compareValues(
  a: string | number | boolean | null,
  b: string | number | boolean | null,
): number {
  if (a === b) {
    return 0;
  }
  if (a === null) {
    return -1;
  }
  if (b === null) {
    return 1;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return (
      a.localeCompare(b, 'en', { sensitivity: 'base' }) || (a < b ? -1 : 1)
    );
  }
  return a < b ? -1 : 1;
}

/**
 * Predicates for the typed filters a collection supports: exact (case
 * insensitive) match on a field, `nameFilter` wildcards, and date windows
 * (`…AfterFilter` inclusive, `…BeforeFilter` exclusive).
 */
export function filtersFrom<T>(
  query: URLSearchParams,
  spec: {
    name?: (item: T) => string;
    exact?: Record<string, (item: T) => string | number | boolean>;
    dates?: Record<string, (item: T) => number | null>;
  },
): Array<(item: T) => boolean> {
  const filters: Array<(item: T) => boolean> = [];
  const nameFilter = query.get('nameFilter');
  if (spec.name && nameFilter !== null) {
    const nameOf = spec.name;
    const matches = wildcardMatcher(nameFilter);
    filters.push(item => matches(nameOf(item)));
  }
  for (const [parameter, field] of Object.entries(spec.exact ?? {})) {
    const wanted = query.get(parameter);
    if (wanted !== null) {
      filters.push(item => equalsIgnoreCase(String(field(item)), wanted));
    }
  }
  for (const [prefix, field] of Object.entries(spec.dates ?? {})) {
    const after = readDate(query, `${prefix}AfterFilter`);
    const before = readDate(query, `${prefix}BeforeFilter`);
    if (after !== undefined) {
      filters.push(item => (field(item) ?? -Infinity) >= after);
    }
    if (before !== undefined) {
      filters.push(item => (field(item) ?? Infinity) < before);
    }
  }
  return filters;
}
