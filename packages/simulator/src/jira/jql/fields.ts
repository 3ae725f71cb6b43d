import type { IssueRecord } from '../issue';
import {
  ISSUE_TYPES,
  PRIORITIES,
  RESOLUTIONS,
  STATUS_CATEGORIES,
  STATUSES,
  type CustomFieldDef,
  type Site,
  type SiteUser,
} from '../site';
import { isDateFunction, resolveDate } from './dates';
import { JqlError } from './errors';
import type { Operand, Operator } from './parser';

/**
 * The JQL fields the simulator understands: how to read an issue's values
 * for a clause, how to turn operands into comparable values (rejecting
 * unknown ones as Jira does), and how to sort.
 */

export type FieldValue = string | number;

export interface QueryContext {
  site: Site;
  now: number;
  currentUser?: SiteUser;
}

export interface JqlField {
  /** The name Jira uses in messages about this field. */
  name: string;
  operators: ReadonlySet<Operator>;
  /** The issue's values; an empty array is EMPTY. */
  values(issue: IssueRecord): FieldValue[];
  /** An operand as comparable values. */
  resolve(operand: Exclude<Operand, { kind: 'empty' }>): FieldValue;
  /** Text fields match `~` by words instead of equality. */
  text?: boolean;
  sortValue?(issue: IssueRecord): FieldValue | null;
}

const EQUALITY: Operator[] = ['=', '!=', 'IN', 'NOT IN', 'IS', 'IS NOT'];
const ORDERING: Operator[] = ['>', '>=', '<', '<='];
const OPTION_OPERATORS = new Set<Operator>(EQUALITY);
const ORDERED_OPERATORS = new Set<Operator>([...EQUALITY, ...ORDERING]);
const TEXT_OPERATORS = new Set<Operator>(['~', '!~', 'IS', 'IS NOT']);

function unknownValue(value: string, field: string): JqlError {
  return new JqlError(
    `The value '${value}' does not exist for the field '${field}'.`,
  );
}

function noFunction(operand: Operand): JqlError {
  const args = operand.kind === 'function' ? operand.args.join(', ') : '';
  const name = operand.kind === 'function' ? operand.name : '';
  return new JqlError(`Unable to find JQL function '${name}(${args})'.`);
}

/**
 * A field whose values are names from a fixed list; operands may name a
 * value by any of its aliases (name, id, key), case-insensitively.
 */
function optionField(
  name: string,
  aliases: Map<string, string>,
  values: (issue: IssueRecord) => string[],
  sortValue?: (issue: IssueRecord) => FieldValue | null,
): JqlField {
  return {
    name,
    operators: OPTION_OPERATORS,
    values: issue => values(issue).map(v => v.toLowerCase()),
    resolve: operand => {
      if (operand.kind === 'function') {
        throw noFunction(operand);
      }
      const canonical = aliases.get(operand.value.toLowerCase());
      if (canonical === undefined) {
        throw unknownValue(operand.value, name);
      }
      return canonical.toLowerCase();
    },
    sortValue,
  };
}

function aliasMap(entries: Array<[string[], string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [aliases, canonical] of entries) {
    for (const alias of aliases) {
      map.set(alias.toLowerCase(), canonical);
    }
  }
  return map;
}

function dateField(
  name: string,
  read: (issue: IssueRecord) => number | null | undefined,
  context: QueryContext,
): JqlField {
  return {
    name,
    operators: ORDERED_OPERATORS,
    values: issue => {
      const value = read(issue);
      return value === null || value === undefined ? [] : [value];
    },
    resolve: operand => {
      if (operand.kind === 'function' && !isDateFunction(operand.name)) {
        throw noFunction(operand);
      }
      return resolveDate(operand, context.now, name);
    },
    sortValue: issue => read(issue) ?? null,
  };
}

function userField(
  name: string,
  read: (issue: IssueRecord) => string | null,
  context: QueryContext,
): JqlField {
  const aliases = aliasMap(
    context.site.users.map(user => [
      [user.accountId, user.email, user.userName],
      user.accountId,
    ]),
  );
  const accountId = (userName: string | null) =>
    userName === null ? undefined : context.site.userByName(userName);
  return {
    name,
    operators: OPTION_OPERATORS,
    values: issue => {
      const user = accountId(read(issue));
      return user ? [user.accountId] : [];
    },
    resolve: operand => {
      if (operand.kind === 'function') {
        if (
          operand.name.toLowerCase() === 'currentuser' &&
          context.currentUser
        ) {
          return context.currentUser.accountId;
        }
        throw noFunction(operand);
      }
      const canonical = aliases.get(operand.value.toLowerCase());
      if (!canonical) {
        throw unknownValue(operand.value, name);
      }
      return canonical;
    },
    sortValue: issue => accountId(read(issue))?.displayName ?? null,
  };
}

function textField(
  name: string,
  read: (issue: IssueRecord) => string,
): JqlField {
  return {
    name,
    operators: TEXT_OPERATORS,
    text: true,
    values: issue => {
      const value = read(issue);
      return value ? [value] : [];
    },
    resolve: operand => {
      if (operand.kind === 'function') {
        throw noFunction(operand);
      }
      return operand.value;
    },
    sortValue: issue => read(issue).toLowerCase(),
  };
}

/** Project key and number as one sortable string: PAY-9 before PAY-10. */
function keySortValue(projectKey: string, number: number): string {
  return `${projectKey}-${String(number).padStart(12, '0')}`;
}

function keyField(): JqlField {
  return {
    name: 'key',
    operators: ORDERED_OPERATORS,
    values: issue => [keySortValue(issue.projectKey, issue.number)],
    resolve: operand => {
      const match =
        operand.kind === 'value'
          ? /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/.exec(operand.value)
          : null;
      if (!match) {
        throw new JqlError(
          `The issue key '${
            operand.kind === 'value' ? operand.value : operand.name
          }' for field 'key' is invalid.`,
        );
      }
      return keySortValue(match[1].toUpperCase(), Number(match[2]));
    },
    sortValue: issue => keySortValue(issue.projectKey, issue.number),
  };
}

function idField(): JqlField {
  return {
    name: 'id',
    operators: ORDERED_OPERATORS,
    values: issue => [issue.id],
    resolve: operand => {
      if (operand.kind !== 'value' || !/^\d+$/.test(operand.value)) {
        throw unknownValue(
          operand.kind === 'value' ? operand.value : operand.name,
          'id',
        );
      }
      return Number(operand.value);
    },
    sortValue: issue => issue.id,
  };
}

/** Priority values are weights, so that `priority > Medium` means more urgent. */
function priorityField(): JqlField {
  const weights = new Map<string, number>();
  PRIORITIES.forEach((name, index) => {
    weights.set(name.toLowerCase(), PRIORITIES.length - index);
    weights.set(String(index + 1), PRIORITIES.length - index);
  });
  const weight = (issue: IssueRecord) =>
    weights.get(issue.priority.toLowerCase())!;
  return {
    name: 'priority',
    operators: ORDERED_OPERATORS,
    values: issue => [weight(issue)],
    resolve: operand => {
      if (operand.kind === 'function') {
        throw noFunction(operand);
      }
      const value = weights.get(operand.value.toLowerCase());
      if (value === undefined) {
        throw unknownValue(operand.value, 'priority');
      }
      return value;
    },
    sortValue: weight,
  };
}

function customField(def: CustomFieldDef, context: QueryContext): JqlField {
  switch (def.role) {
    case 'rootCause':
      return textField(def.name, issue => issue.rootCause ?? '');
    case 'plannedStart':
      return dateField(def.name, issue => issue.change?.plannedStart, context);
    case 'plannedEnd':
      return dateField(def.name, issue => issue.change?.plannedEnd, context);
    case 'affectedServices':
      return optionField(
        def.name,
        aliasMap(context.site.services.map(s => [[s.id, s.name], s.name])),
        issue => issue.change?.affectedServices ?? [],
      );
    default: {
      const read =
        def.role === 'changeType'
          ? (issue: IssueRecord) => issue.change?.type
          : (issue: IssueRecord) => issue.change?.risk;
      return optionField(
        def.name,
        aliasMap(
          Object.entries(def.options ?? {}).map(([value, id]) => [
            [value, id],
            value,
          ]),
        ),
        issue => {
          const value = read(issue);
          return value ? [value] : [];
        },
        issue => read(issue) ?? null,
      );
    }
  }
}

/** The JQL fields of a site, by every name a query may use for them. */
export function jqlFields(
  context: QueryContext,
): (name: string) => JqlField | undefined {
  const { site } = context;
  const project = optionField(
    'project',
    aliasMap(site.projects.map(p => [[p.key, p.name, p.id], p.key])),
    issue => [issue.projectKey],
    issue => issue.projectKey,
  );
  const issueType = optionField(
    'issuetype',
    aliasMap(ISSUE_TYPES.map(t => [[t.name, t.id], t.name])),
    issue => [issue.issueType],
    issue => issue.issueType,
  );
  const status = optionField(
    'status',
    aliasMap(STATUSES.map(s => [[s.name, s.id], s.name])),
    issue => [issue.status],
    issue => issue.status,
  );
  const categoryOf = new Map(STATUSES.map(s => [s.name, s.category]));
  const statusCategory = optionField(
    'statusCategory',
    aliasMap(
      Object.values(STATUS_CATEGORIES).map(c => [
        [c.key, c.name, String(c.id)],
        c.key,
      ]),
    ),
    issue => [categoryOf.get(issue.status)!],
  );
  const resolution = optionField(
    'resolution',
    aliasMap(RESOLUTIONS.map(r => [[r.name, r.id], r.name])),
    issue => (issue.resolution ? [issue.resolution] : []),
    issue => issue.resolution,
  );
  const component = optionField(
    'component',
    aliasMap(
      site.projects.flatMap(p =>
        p.components.map(c => [[c.name, c.id], c.name] as [string[], string]),
      ),
    ),
    issue => issue.components,
  );
  const labels: JqlField = {
    name: 'labels',
    operators: OPTION_OPERATORS,
    values: issue => issue.labels.map(l => l.toLowerCase()),
    resolve: operand => {
      if (operand.kind === 'function') {
        throw noFunction(operand);
      }
      return operand.value.toLowerCase();
    },
  };
  const created = dateField('created', issue => issue.created, context);
  const updated = dateField('updated', issue => issue.updated, context);
  const resolved = dateField(
    'resolutiondate',
    issue => issue.resolved,
    context,
  );
  const key = keyField();
  const fields = new Map<string, JqlField>([
    ['project', project],
    ['issuetype', issueType],
    ['type', issueType],
    ['status', status],
    ['statuscategory', statusCategory],
    ['category', statusCategory],
    ['priority', priorityField()],
    ['resolution', resolution],
    ['component', component],
    ['labels', labels],
    ['label', labels],
    ['created', created],
    ['createddate', created],
    ['updated', updated],
    ['updateddate', updated],
    ['resolutiondate', resolved],
    ['resolved', resolved],
    ['assignee', userField('assignee', issue => issue.assignee, context)],
    ['reporter', userField('reporter', issue => issue.reporter, context)],
    ['key', key],
    ['issuekey', key],
    ['id', idField()],
    ['summary', textField('summary', issue => issue.summary)],
    ['description', textField('description', issue => issue.description)],
    [
      'text',
      textField('text', issue => `${issue.summary} ${issue.description}`),
    ],
  ]);
  for (const def of site.customFields) {
    const field = customField(def, context);
    fields.set(def.name.toLowerCase(), field);
    fields.set(`cf[${def.numericId}]`, field);
    fields.set(def.id, field);
  }
  return name => fields.get(name.toLowerCase());
}
