import { InputError } from '@backstage/errors';

/**
 * A typed builder of ServiceNow encoded queries (`sysparm_query`).
 *
 * ServiceNow has no escape sequence for the caret: `^`, `^OR` and `^NQ`
 * inside a value are read as structure, so a value such as
 * `x^NQactive=false` would widen the query. Values are therefore checked,
 * never pasted: a value that cannot be expressed safely (a caret anywhere, a
 * comma inside an `IN` list, an `@` inside `BETWEEN`, a `javascript:`
 * expression the server would evaluate) is refused with an `InputError`, and
 * callers with values from outside (catalog annotations, config) match them
 * on the client instead.
 */

export type ComparisonOperator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'LIKE'
  | 'NOT LIKE'
  | 'STARTSWITH'
  | 'ENDSWITH';

const FIELD_NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/i;

/** Accepts a column name (optionally dot-walked), refusing anything else. */
export function assertFieldName(name: string): string {
  if (!FIELD_NAME.test(name)) {
    throw new InputError(
      `'${name}' is not a ServiceNow field name (letters, digits, underscores, dot-walks)`,
    );
  }
  return name;
}

/** Whether `value` can stand in an encoded query as a single value. */
export function isSafeQueryValue(value: string): boolean {
  return !value.includes('^') && !/^\s*javascript:/i.test(value);
}

function assertValue(
  field: string,
  value: string,
  forbidden?: { char: string; where: string },
): string {
  if (value.includes('^')) {
    throw new InputError(
      `The value for '${field}' contains '^', which ServiceNow encoded queries cannot escape`,
    );
  }
  if (/^\s*javascript:/i.test(value)) {
    throw new InputError(
      `The value for '${field}' is a javascript: expression, which ServiceNow would evaluate`,
    );
  }
  if (/[\r\n]/.test(value)) {
    throw new InputError(`The value for '${field}' contains a line break`);
  }
  if (forbidden && value.includes(forbidden.char)) {
    throw new InputError(
      `The value for '${field}' contains '${forbidden.char}', which separates values ${forbidden.where}`,
    );
  }
  return value;
}

/**
 * Accepts an operator-written encoded query (e.g. a `filter` from config)
 * for ANDing with generated conditions: it may use `^OR` inside, but no
 * `^NQ` (which would OR the generated conditions away) and no `ORDERBY`
 * (which would break paging order).
 */
export function assertEncodedQueryFragment(fragment: string): string {
  const trimmed = fragment.trim().replace(/\^EQ$/, '');
  if (/\^NQ/.test(trimmed)) {
    throw new InputError(
      `Encoded query filter '${fragment}' must not contain ^NQ: it would OR away the sync's own conditions`,
    );
  }
  if (/(^|\^)ORDERBY/.test(trimmed)) {
    throw new InputError(
      `Encoded query filter '${fragment}' must not contain ORDERBY: the sync orders its pages itself`,
    );
  }
  if (trimmed.startsWith('^') || /\^(OR)?$/.test(trimmed)) {
    throw new InputError(
      `Encoded query filter '${fragment}' must not start or end with '^' or '^OR'`,
    );
  }
  return trimmed;
}

type Clause = string[];

/** Builds `sysparm_query` values; every method returns the builder. */
export class EncodedQueryBuilder {
  readonly #clauses: Clause[] = [];
  readonly #orderBy: string[] = [];

  /** ANDs `field <operator> value`. */
  where(field: string, operator: ComparisonOperator, value: string): this {
    this.#clauses.push([condition(field, operator, value)]);
    return this;
  }

  /** ORs `field <operator> value` with the previous condition (`^OR`). */
  orWhere(field: string, operator: ComparisonOperator, value: string): this {
    const last = this.#clauses[this.#clauses.length - 1];
    if (!last) {
      throw new InputError('orWhere needs a condition before it');
    }
    last.push(condition(field, operator, value));
    return this;
  }

  /** ANDs `fieldINa,b,c`; an empty list matches nothing. */
  whereIn(field: string, values: readonly string[]): this {
    assertFieldName(field);
    if (values.length === 0) {
      // `sys_idIN` with nothing would be dropped as invalid and match all.
      this.#clauses.push(['sys_idISEMPTY']);
      return this;
    }
    const list = values.map(v =>
      assertValue(field, v, { char: ',', where: 'in an IN list' }),
    );
    this.#clauses.push([`${field}IN${list.join(',')}`]);
    return this;
  }

  whereEmpty(field: string): this {
    this.#clauses.push([`${assertFieldName(field)}ISEMPTY`]);
    return this;
  }

  whereNotEmpty(field: string): this {
    this.#clauses.push([`${assertFieldName(field)}ISNOTEMPTY`]);
    return this;
  }

  /** ANDs an operator-written fragment (see {@link assertEncodedQueryFragment}). */
  and(fragment: string | undefined): this {
    if (fragment) {
      this.#clauses.push([assertEncodedQueryFragment(fragment)]);
    }
    return this;
  }

  orderBy(field: string, direction: 'asc' | 'desc' = 'asc'): this {
    this.#orderBy.push(
      `${direction === 'desc' ? 'ORDERBYDESC' : 'ORDERBY'}${assertFieldName(
        field,
      )}`,
    );
    return this;
  }

  toString(): string {
    return [
      ...this.#clauses.map(clause => clause.join('^OR')),
      ...this.#orderBy,
    ].join('^');
  }
}

/** A new, empty encoded query. */
export function encodedQuery(): EncodedQueryBuilder {
  return new EncodedQueryBuilder();
}

function condition(
  field: string,
  operator: ComparisonOperator,
  value: string,
): string {
  return `${assertFieldName(field)}${operator}${assertValue(field, value)}`;
}
