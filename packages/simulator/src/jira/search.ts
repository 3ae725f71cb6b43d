import { createHash } from 'node:crypto';
import type { SimResponse } from '../types';
import type { IssueRecord } from './issue';
import { type CompiledQuery, compileJql } from './jql/compile';
import { JqlError } from './jql/errors';
import type { FieldValue, QueryContext } from './jql/fields';
import {
  type IssueRenderer,
  identifiersOnly,
  type RenderContext,
  selectFields,
} from './render';
import { jiraError, json } from './responses';
import type { IssueStore } from './store';
import { DAY } from './time';

/**
 * Issue search: Cloud's token-paged `/search/jql` and approximate count,
 * and Data Center's offset-paged `/search` with a total.
 */

export interface SearchParams {
  jql: string;
  nextPageToken?: string;
  startAt?: number;
  maxResults?: number;
  fields?: string[];
  expand?: string;
}

export interface SearchDeps {
  store: IssueStore;
  renderer: IssueRenderer;
  query: QueryContext;
}

type SortTuple = Array<FieldValue | null>;

const TOKEN_LIFETIME = 7 * DAY;
const INVALID_TOKEN = 'The provided next page token is invalid or expired.';
const UNBOUNDED =
  'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';

function tupleOf(issue: IssueRecord, query: CompiledQuery): SortTuple {
  return query.sort.map(spec => spec.value(issue));
}

/** Empty values sort after all others, whatever the direction. */
function compareTuples(
  a: SortTuple,
  b: SortTuple,
  query: CompiledQuery,
): number {
  for (let i = 0; i < a.length; i++) {
    const left = a[i];
    const right = b[i];
    if (left === right) {
      continue;
    }
    if (left === null || right === null) {
      return left === null ? 1 : -1;
    }
    return (left < right ? -1 : 1) * query.sort[i].direction;
  }
  return 0;
}

/**
 * Matching issues in the query's order, strictly after `after` (the sort
 * values of the last issue of the previous page). A sync query ordered by
 * `updated ASC` walks the store in its own order from the first possible
 * issue; other orders sort all matches.
 */
function* orderedMatches(
  store: IssueStore,
  query: CompiledQuery,
  after?: SortTuple,
): Generator<IssueRecord> {
  if (query.sortedByUpdated) {
    const from = Math.max(query.updatedFrom, Number(after?.[0] ?? -Infinity));
    for (const issue of store.ascendingByUpdated(from)) {
      if (
        query.matches(issue) &&
        (!after || compareTuples(tupleOf(issue, query), after, query) > 0)
      ) {
        yield issue;
      }
    }
    return;
  }
  const matches: Array<{ issue: IssueRecord; tuple: SortTuple }> = [];
  for (const issue of store.ascendingByUpdated(query.updatedFrom)) {
    if (query.matches(issue)) {
      const tuple = tupleOf(issue, query);
      if (!after || compareTuples(tuple, after, query) > 0) {
        matches.push({ issue, tuple });
      }
    }
  }
  matches.sort((a, b) => compareTuples(a.tuple, b.tuple, query));
  for (const match of matches) {
    yield match.issue;
  }
}

function jqlHash(jql: string): string {
  return createHash('sha256')
    .update(jql.trim())
    .digest('base64url')
    .slice(0, 16);
}

/** Opaque to clients; carries the position after the page's last issue. */
function encodeToken(jql: string, after: SortTuple, now: number): string {
  return Buffer.from(
    JSON.stringify({ q: jqlHash(jql), a: after, t: now }),
  ).toString('base64url');
}

function decodeToken(
  token: string,
  jql: string,
  now: number,
): SortTuple | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(token, 'base64url').toString('utf8'),
    );
    if (
      payload.q === jqlHash(jql) &&
      Array.isArray(payload.a) &&
      typeof payload.t === 'number' &&
      now - payload.t <= TOKEN_LIFETIME
    ) {
      return payload.a;
    }
  } catch {
    // Falls through to "invalid".
  }
  return undefined;
}

function compile(jql: string, deps: SearchDeps): CompiledQuery | SimResponse {
  try {
    return compileJql(jql, deps.query);
  } catch (error) {
    if (error instanceof JqlError) {
      return jiraError(400, error.messages);
    }
    throw error;
  }
}

/** Cloud's enhanced search refuses queries without a restricting clause. */
function compileBounded(
  jql: string,
  deps: SearchDeps,
): CompiledQuery | SimResponse {
  const query = compile(jql, deps);
  if (!isResponse(query) && !query.bounded) {
    return jiraError(400, UNBOUNDED);
  }
  return query;
}

function isResponse(value: CompiledQuery | SimResponse): value is SimResponse {
  return 'status' in value;
}

function withNames(
  body: Record<string, unknown>,
  params: SearchParams,
  deps: SearchDeps,
  fields: ReturnType<typeof selectFields>,
) {
  if (params.expand?.split(',').some(part => part.trim() === 'names')) {
    body.names = deps.renderer.names(fields);
  }
  return body;
}

/** Cloud `GET|POST /rest/api/{2,3}/search/jql`. */
export function searchJql(
  params: SearchParams,
  deps: SearchDeps,
  context: RenderContext,
): SimResponse {
  const query = compileBounded(params.jql, deps);
  if (isResponse(query)) {
    return query;
  }
  const now = deps.query.now;
  let after: SortTuple | undefined;
  if (params.nextPageToken) {
    after = decodeToken(params.nextPageToken, params.jql, now);
    if (!after) {
      return jiraError(400, INVALID_TOKEN);
    }
  }
  const bare = identifiersOnly(params.fields);
  const limit = clamp(params.maxResults, 50, bare ? 5000 : 100);
  const fields = selectFields(params.fields, 'id', deps.query.site);
  const page: IssueRecord[] = [];
  let isLast = true;
  for (const issue of orderedMatches(deps.store, query, after)) {
    if (page.length === limit) {
      isLast = false;
      break;
    }
    page.push(issue);
  }
  const body: Record<string, unknown> = {
    issues: page.map(issue =>
      deps.renderer.render(issue, fields, context, bare),
    ),
  };
  if (!isLast) {
    body.nextPageToken = encodeToken(
      params.jql,
      tupleOf(page[page.length - 1], query),
      now,
    );
  }
  body.isLast = isLast;
  return json(200, withNames(body, params, deps, fields));
}

/** Cloud `POST /rest/api/3/search/approximate-count`. */
export function approximateCount(jql: string, deps: SearchDeps): SimResponse {
  const query = compileBounded(jql, deps);
  if (isResponse(query)) {
    return query;
  }
  let count = 0;
  for (const issue of deps.store.ascendingByUpdated(query.updatedFrom)) {
    if (query.matches(issue)) {
      count++;
    }
  }
  return json(200, { count });
}

/** Data Center `GET|POST /rest/api/2/search`: startAt / maxResults / total. */
export function offsetSearch(
  params: SearchParams,
  deps: SearchDeps,
  context: RenderContext,
): SimResponse {
  const query = compile(params.jql, deps);
  if (isResponse(query)) {
    return query;
  }
  const startAt = Math.max(0, Math.floor(params.startAt ?? 0));
  const maxResults = clamp(params.maxResults, 50, 1000);
  const fields = selectFields(params.fields, '*navigable', deps.query.site);
  const all = [...orderedMatches(deps.store, query)];
  const body: Record<string, unknown> = {
    expand: 'schema,names',
    startAt,
    maxResults,
    total: all.length,
    issues: all
      .slice(startAt, startAt + maxResults)
      .map(issue => deps.renderer.render(issue, fields, context, false)),
  };
  return json(200, withNames(body, params, deps, fields));
}

function clamp(
  value: number | undefined,
  fallback: number,
  max: number,
): number {
  if (value === undefined || !Number.isFinite(value)) {
    return fallback;
  }
  return Math.min(max, Math.max(1, Math.floor(value)));
}
