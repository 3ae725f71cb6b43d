/**
 * A small typed JQL builder. Every value is written as a quoted string with
 * its quotes and backslashes escaped, so that a project key, component or
 * status name from config or from Jira can never change the query's shape.
 */

/** A JQL condition, rendered by {@link renderJql}. */
export type JqlCondition =
  | { kind: 'compare'; field: string; operator: JqlOperator; value: string }
  | { kind: 'in'; field: string; values: readonly string[]; negated: boolean }
  | { kind: 'and' | 'or'; conditions: readonly JqlCondition[] }
  | { kind: 'raw'; jql: string };

export type JqlOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';

export interface JqlOrder {
  field: string;
  direction: 'ASC' | 'DESC';
}

export interface JqlQuery {
  where: JqlCondition;
  orderBy?: readonly JqlOrder[];
}

/** Quotes a JQL string value, escaping `\` and `"`. */
export function quoteJqlValue(value: string): string {
  // JQL strings cannot carry control characters; a newline in a value is a
  // config mistake, better refused than silently sent.
  if ([...value].some(char => char.charCodeAt(0) < 0x20)) {
    throw new TypeError(
      `JQL value ${JSON.stringify(value)} contains a control character`,
    );
  }
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A field reference: system fields by name, custom fields as `cf[N]` (the
 * form that survives renaming), anything else quoted.
 */
export function jqlField(field: string): string {
  const custom = /^customfield_(\d+)$/.exec(field);
  if (custom) {
    return `cf[${custom[1]}]`;
  }
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(field) || /^cf\[\d+\]$/.test(field)) {
    return field;
  }
  return quoteJqlValue(field);
}

export const jql = {
  eq: (field: string, value: string): JqlCondition => ({
    kind: 'compare',
    field,
    operator: '=',
    value,
  }),
  compare: (
    field: string,
    operator: JqlOperator,
    value: string,
  ): JqlCondition => ({ kind: 'compare', field, operator, value }),
  in: (field: string, values: readonly string[]): JqlCondition => ({
    kind: 'in',
    field,
    values,
    negated: false,
  }),
  notIn: (field: string, values: readonly string[]): JqlCondition => ({
    kind: 'in',
    field,
    values,
    negated: true,
  }),
  and: (...conditions: Array<JqlCondition | undefined>): JqlCondition => ({
    kind: 'and',
    conditions: conditions.filter((c): c is JqlCondition => c !== undefined),
  }),
  or: (...conditions: JqlCondition[]): JqlCondition => ({
    kind: 'or',
    conditions,
  }),
  /** JQL written by an operator in config, taken as a whole in parentheses. */
  raw: (text: string): JqlCondition => ({ kind: 'raw', jql: text }),
};

function renderCondition(condition: JqlCondition, nested: boolean): string {
  switch (condition.kind) {
    case 'compare':
      return `${jqlField(condition.field)} ${
        condition.operator
      } ${quoteJqlValue(condition.value)}`;
    case 'in': {
      if (condition.values.length === 0) {
        throw new TypeError(
          `JQL ${condition.negated ? 'NOT IN' : 'IN'} on ${
            condition.field
          } needs at least one value`,
        );
      }
      return `${jqlField(condition.field)} ${
        condition.negated ? 'NOT IN' : 'IN'
      } (${condition.values.map(quoteJqlValue).join(', ')})`;
    }
    case 'raw':
      return `(${condition.jql})`;
    default: {
      const parts = condition.conditions.map(c => renderCondition(c, true));
      if (parts.length === 0) {
        throw new TypeError(`JQL ${condition.kind.toUpperCase()} of nothing`);
      }
      const joined = parts.join(` ${condition.kind.toUpperCase()} `);
      return nested && parts.length > 1 ? `(${joined})` : joined;
    }
  }
}

/** The JQL text of a query. */
export function renderJql(query: JqlQuery): string {
  const where = renderCondition(query.where, false);
  const order = (query.orderBy ?? [])
    .map(o => `${jqlField(o.field)} ${o.direction}`)
    .join(', ');
  return order ? `${where} ORDER BY ${order}` : where;
}
