import type { IssueRecord } from '../issue';
import { JqlError } from './errors';
import {
  type FieldValue,
  type JqlField,
  jqlFields,
  type QueryContext,
} from './fields';
import { type Clause, type Expression, parseJql } from './parser';

/**
 * Turns JQL into what a search needs: a predicate, a total order and the
 * lower bound on `updated` (when the query has one at its top level) that
 * lets a scan start in the middle of the store.
 */

export interface SortSpec {
  value(issue: IssueRecord): FieldValue | null;
  direction: 1 | -1;
}

export interface CompiledQuery {
  /** False when the JQL has no restriction (Cloud refuses such searches). */
  bounded: boolean;
  matches(issue: IssueRecord): boolean;
  /** ORDER BY keys, ending with `id` so that the order is total. */
  sort: SortSpec[];
  /** True when the order is (updated ASC, id ASC), the store's own order. */
  sortedByUpdated: boolean;
  updatedFrom: number;
}

type Predicate = (issue: IssueRecord) => boolean;

const byId: SortSpec = { value: issue => issue.id, direction: 1 };

export function compileJql(
  query: string,
  context: QueryContext,
): CompiledQuery {
  const parsed = parseJql(query);
  const fieldByName = jqlFields(context);
  const errors: string[] = [];
  const lookup = (name: string): JqlField | undefined => {
    const field = fieldByName(name);
    if (!field) {
      errors.push(
        `Field '${name}' does not exist or you do not have permission to view it.`,
      );
    }
    return field;
  };

  const compileClause = (clause: Clause): Predicate => {
    const field = lookup(clause.field);
    if (!field) {
      return () => false;
    }
    if (!field.operators.has(clause.operator)) {
      errors.push(
        `The operator '${clause.operator}' is not supported by the '${clause.field}' field.`,
      );
      return () => false;
    }
    let includesEmpty = false;
    const targets: FieldValue[] = [];
    for (const operand of clause.operands) {
      if (operand.kind === 'empty') {
        includesEmpty = true;
        continue;
      }
      try {
        targets.push(field.resolve(operand));
      } catch (error) {
        if (!(error instanceof JqlError)) {
          throw error;
        }
        errors.push(...error.messages);
      }
    }
    return clausePredicate(field, clause.operator, targets, includesEmpty);
  };

  const compile = (expression: Expression): Predicate => {
    switch (expression.type) {
      case 'and': {
        const left = compile(expression.left);
        const right = compile(expression.right);
        return issue => left(issue) && right(issue);
      }
      case 'or': {
        const left = compile(expression.left);
        const right = compile(expression.right);
        return issue => left(issue) || right(issue);
      }
      case 'not': {
        const inner = compile(expression.expression);
        return issue => !inner(issue);
      }
      default:
        return compileClause(expression);
    }
  };

  const matches = parsed.where ? compile(parsed.where) : () => true;
  const sort: SortSpec[] = [];
  for (const key of parsed.orderBy) {
    const field = lookup(key.field);
    if (field && !field.sortValue) {
      errors.push(`Not able to sort using field '${key.field}'.`);
    } else if (field?.sortValue) {
      sort.push({
        value: field.sortValue,
        direction: key.direction === 'ASC' ? 1 : -1,
      });
    }
  }
  if (errors.length > 0) {
    throw new JqlError([...new Set(errors)]);
  }
  if (parsed.orderBy.length === 0) {
    // Without ORDER BY, newest issues come first.
    sort.push({ value: issue => issue.created, direction: -1 });
  }
  sort.push(byId);

  const updatedField = fieldByName('updated')!;
  const sortedByUpdated =
    parsed.orderBy.length === 1 &&
    fieldByName(parsed.orderBy[0].field) === updatedField &&
    parsed.orderBy[0].direction === 'ASC';
  return {
    bounded: parsed.where !== undefined,
    matches,
    sort,
    sortedByUpdated,
    updatedFrom: lowerBoundOnUpdated(parsed.where, fieldByName, context),
  };
}

function clausePredicate(
  field: JqlField,
  operator: Clause['operator'],
  targets: FieldValue[],
  includesEmpty: boolean,
): Predicate {
  const target = targets[0];
  const contains = (value: FieldValue) =>
    field.text
      ? textMatches(String(value), String(target))
      : targets.includes(value);
  switch (operator) {
    case 'IS':
      return issue => field.values(issue).length === 0;
    case 'IS NOT':
      return issue => field.values(issue).length > 0;
    case '=':
    case 'IN':
      return issue => {
        const values = field.values(issue);
        return (includesEmpty && values.length === 0) || values.some(contains);
      };
    case '!=':
    case 'NOT IN':
      // As in Jira, an empty field matches neither `!=` nor NOT IN, and
      // `!= EMPTY` means "has a value".
      return issue => {
        const values = field.values(issue);
        return values.length > 0 && !values.some(contains);
      };
    case '~':
      return issue => field.values(issue).some(contains);
    case '!~':
      return issue => !field.values(issue).some(contains);
    default:
      return issue =>
        field
          .values(issue)
          .some(value => compareOrdered(value, operator, target));
  }
}

function compareOrdered(
  value: FieldValue,
  operator: Clause['operator'],
  target: FieldValue,
): boolean {
  switch (operator) {
    case '>':
      return value > target;
    case '>=':
      return value >= target;
    case '<':
      return value < target;
    default:
      return value <= target;
  }
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}*]+/u)
    .filter(Boolean);
}

/**
 * Every query word starts a word of the text: a rough stand-in for Jira's
 * stemmed full-text search, where "fail" also finds "failures".
 */
function textMatches(text: string, query: string): boolean {
  const textWords = words(text);
  return words(query).every(word => {
    const prefix = word.replace(/\*+$/, '');
    return textWords.some(candidate => candidate.startsWith(prefix));
  });
}

/** The largest `updated >= X` / `updated > X` among the top-level ANDed clauses. */
function lowerBoundOnUpdated(
  where: Expression | undefined,
  fieldByName: (name: string) => JqlField | undefined,
  context: QueryContext,
): number {
  if (!where) {
    return -Infinity;
  }
  if (where.type === 'and') {
    return Math.max(
      lowerBoundOnUpdated(where.left, fieldByName, context),
      lowerBoundOnUpdated(where.right, fieldByName, context),
    );
  }
  const operand = where.type === 'clause' ? where.operands[0] : undefined;
  if (
    where.type === 'clause' &&
    (where.operator === '>=' || where.operator === '>') &&
    fieldByName(where.field) === fieldByName('updated') &&
    operand &&
    operand.kind !== 'empty'
  ) {
    return Number(fieldByName('updated')!.resolve(operand));
  }
  return -Infinity;
}
