import { DAY, HOUR, MINUTE, snDateTime, startOfUtcDay } from './format';
import type { TableSchema } from './schema';
import type { SnRow } from './store';

/**
 * Encoded queries (`sysparm_query`): `^` joins conditions with AND, `^OR`
 * ORs a condition with the previous one, `^NQ` starts a new OR'd group;
 * `ORDERBY`/`ORDERBYDESC` sort. Conditions on unknown fields are dropped,
 * as ServiceNow does by default.
 */

export interface Condition {
  /** Column, possibly dot-walked (`assignment_group.name`). */
  field: string;
  operator: string;
  /** Values with `javascript:` expressions already evaluated. */
  values: string[];
}

export interface OrderBy {
  field: string;
  descending: boolean;
}

export interface EncodedQuery {
  /** OR of groups; a group is an AND of clauses; a clause is an OR of conditions. */
  groups: Condition[][][];
  orderBy: OrderBy[];
}

/** `sysparm_query`, or else `field=value` parameters ANDed together. */
export function queryFromParams(
  params: URLSearchParams,
  isKnownField: FieldCheck,
  now: Date,
): EncodedQuery {
  const encoded = params.get('sysparm_query');
  if (encoded !== null) {
    return parseEncodedQuery(encoded, isKnownField, now);
  }
  const simple = [...params]
    .filter(([name]) => !name.startsWith('sysparm_'))
    .map(([name, value]) => `${name}=${value}`)
    .join('^');
  return parseEncodedQuery(simple, isKnownField, now);
}

/** Longer operators first, so that `<=` is not read as `<`. */
const OPERATORS = [
  'ISNOTEMPTY',
  'ISEMPTY',
  'ANYTHING',
  'EMPTYSTRING',
  'NOT LIKE',
  'NOT IN',
  'LIKE',
  'STARTSWITH',
  'ENDSWITH',
  'BETWEEN',
  'IN',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '=',
];

export type FieldCheck = (field: string) => boolean;

export function parseEncodedQuery(
  text: string,
  isKnownField: FieldCheck,
  now: Date,
): EncodedQuery {
  const query: EncodedQuery = { groups: [], orderBy: [] };
  for (const groupText of text.split('^NQ')) {
    const group: Condition[][] = [];
    for (const part of groupText.split('^')) {
      if (part.startsWith('ORDERBYDESC')) {
        addOrder(query, part.slice('ORDERBYDESC'.length), true, isKnownField);
      } else if (part.startsWith('ORDERBY')) {
        addOrder(query, part.slice('ORDERBY'.length), false, isKnownField);
      } else if (part.startsWith('OR') && group.length > 0) {
        const condition = parseCondition(part.slice(2), isKnownField, now);
        if (condition) {
          group[group.length - 1].push(condition);
        }
      } else {
        const condition = parseCondition(part, isKnownField, now);
        if (condition) {
          group.push([condition]);
        }
      }
    }
    query.groups.push(group);
  }
  return query;
}

function addOrder(
  query: EncodedQuery,
  field: string,
  descending: boolean,
  isKnownField: FieldCheck,
) {
  if (isKnownField(field)) {
    query.orderBy.push({ field, descending });
  }
}

function parseCondition(
  text: string,
  isKnownField: FieldCheck,
  now: Date,
): Condition | undefined {
  const field = /^[a-z0-9_.]+/.exec(text)?.[0];
  if (!field || !isKnownField(field)) {
    return undefined;
  }
  const rest = text.slice(field.length);
  const operator = OPERATORS.find(op => rest.startsWith(op));
  if (!operator) {
    return undefined;
  }
  const raw = rest.slice(operator.length);
  let values: string[];
  if (operator === 'IN' || operator === 'NOT IN') {
    values = raw.split(',');
  } else if (operator === 'BETWEEN') {
    values = raw.split('@');
  } else {
    values = [raw];
  }
  return { field, operator, values: values.map(v => evaluateValue(v, now)) };
}

/** The `javascript:gs.*` date helpers clients put into queries. */
function evaluateValue(value: string, now: Date): string {
  const match = /^javascript:\s*gs\.(\w+)\(([^)]*)\)\s*;?$/.exec(value.trim());
  if (!match) {
    return value;
  }
  const [, fn, argText] = match;
  const args = argText
    .split(',')
    .map(arg => arg.trim().replace(/^['"]|['"]$/g, ''));
  const n = Number(args[0] || 0);
  const today = startOfUtcDay(now).getTime();
  switch (fn) {
    case 'daysAgo':
      return snDateTime(new Date(now.getTime() - n * DAY));
    case 'hoursAgo':
      return snDateTime(new Date(now.getTime() - n * HOUR));
    case 'minutesAgo':
      return snDateTime(new Date(now.getTime() - n * MINUTE));
    case 'daysAgoStart':
      return snDateTime(new Date(today - n * DAY));
    case 'daysAgoEnd':
      return snDateTime(new Date(today - n * DAY + DAY - 1000));
    case 'beginningOfToday':
      return snDateTime(new Date(today));
    case 'endOfToday':
      return snDateTime(new Date(today + DAY - 1000));
    case 'now':
    case 'nowDateTime':
      return snDateTime(now);
    case 'dateGenerate':
      return `${args[0]} ${args[1] || '00:00:00'}`;
    default:
      return value;
  }
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Numbers compare as numbers, everything else (incl. UTC date-times) as strings. */
export function compareValues(a: string, b: string): number {
  if (NUMERIC.test(a) && NUMERIC.test(b)) {
    return Number(a) - Number(b);
  }
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

export type FieldReader = (row: SnRow, field: string) => string;

function matchesCondition(condition: Condition, actual: string): boolean {
  const [value = '', upper = ''] = condition.values;
  const lowerActual = actual.toLowerCase();
  switch (condition.operator) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case 'LIKE':
      return lowerActual.includes(value.toLowerCase());
    case 'NOT LIKE':
      return !lowerActual.includes(value.toLowerCase());
    case 'STARTSWITH':
      return lowerActual.startsWith(value.toLowerCase());
    case 'ENDSWITH':
      return lowerActual.endsWith(value.toLowerCase());
    case 'IN':
      return condition.values.includes(actual);
    case 'NOT IN':
      return !condition.values.includes(actual);
    case 'ISEMPTY':
    case 'EMPTYSTRING':
      return actual === '';
    case 'ISNOTEMPTY':
      return actual !== '';
    case 'ANYTHING':
      return true;
    default:
      // Ordering operators never match an empty (NULL) value.
      if (actual === '') {
        return false;
      }
      return compare(condition.operator, actual, value, upper);
  }
}

function compare(
  operator: string,
  actual: string,
  value: string,
  upper: string,
) {
  const c = compareValues(actual, value);
  switch (operator) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case 'BETWEEN':
      return c >= 0 && compareValues(actual, upper) <= 0;
    default:
      return false;
  }
}

export function matchesQuery(
  query: EncodedQuery,
  row: SnRow,
  read: FieldReader,
): boolean {
  return query.groups.some(group =>
    group.every(clause =>
      clause.some(condition =>
        matchesCondition(condition, read(row, condition.field)),
      ),
    ),
  );
}

/** Whether a dotted field path starts at a known column of the table. */
export function knownFieldCheck(
  schema: TableSchema,
  schemaOf: (table: string) => TableSchema | undefined,
): FieldCheck {
  return field => {
    let current: TableSchema | undefined = schema;
    const parts = field.split('.');
    for (let i = 0; i < parts.length; i++) {
      if (!current?.fields.includes(parts[i])) {
        return false;
      }
      if (i < parts.length - 1) {
        const target: string | undefined = current.references[parts[i]];
        current = target ? schemaOf(target) : undefined;
      }
    }
    return true;
  };
}
