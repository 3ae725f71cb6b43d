import type { SourceHttpClient } from '@backstage-itops/plugin-itops-node';
import type { JiraDeployment } from '../config';
import type { JiraField } from '../fields';
import type {
  JiraIssue,
  JiraUser,
  JsmPage,
  JsmSla,
  OffsetSearchPage,
  TokenSearchPage,
} from './types';

export interface SearchOptions {
  jql: string;
  /** Always explicit: Cloud returns only ids without it. */
  fields: readonly string[];
  pageSize: number;
  signal?: AbortSignal;
}

/**
 * Jira's platform and JSM REST APIs for one site. Cloud searches through
 * `/rest/api/3/search/jql` with `nextPageToken` (the old `/rest/api/3/search`
 * is gone and answers 410); Data Center through `/rest/api/2/search` with
 * `startAt`.
 */
export class JiraClient {
  readonly #http: SourceHttpClient;
  readonly #deployment: JiraDeployment;
  readonly #version: '2' | '3';

  constructor(http: SourceHttpClient, deployment: JiraDeployment) {
    this.#http = http;
    this.#deployment = deployment;
    this.#version = deployment === 'cloud' ? '3' : '2';
  }

  /** The search endpoint of the deployment. */
  get searchPath(): string {
    return this.#deployment === 'cloud'
      ? '/rest/api/3/search/jql'
      : '/rest/api/2/search';
  }

  /** Pages of issues matching the JQL, in the JQL's order. */
  search(options: SearchOptions): AsyncIterable<JiraIssue[]> {
    if (options.fields.length === 0) {
      throw new TypeError('A Jira search needs an explicit fields list');
    }
    return this.#deployment === 'cloud'
      ? this.#searchByToken(options)
      : this.#searchByOffset(options);
  }

  async *#searchByToken(options: SearchOptions): AsyncIterable<JiraIssue[]> {
    let nextPageToken: string | undefined;
    for (;;) {
      const { body } = await this.#http.json<TokenSearchPage>(
        '/rest/api/3/search/jql',
        {
          query: {
            // The same JQL on every page: the token is bound to it.
            jql: options.jql,
            fields: options.fields.join(','),
            maxResults: options.pageSize,
            nextPageToken,
          },
          signal: options.signal,
        },
      );
      const issues = issuesOf(body, '/rest/api/3/search/jql');
      yield issues;
      // The token is what says more pages follow; `isLast` may be absent.
      if (body?.isLast === true || !body?.nextPageToken) {
        return;
      }
      nextPageToken = body.nextPageToken;
    }
  }

  async *#searchByOffset(options: SearchOptions): AsyncIterable<JiraIssue[]> {
    let startAt = 0;
    for (;;) {
      const { body } = await this.#http.json<OffsetSearchPage>(
        '/rest/api/2/search',
        {
          query: {
            jql: options.jql,
            fields: options.fields.join(','),
            startAt,
            maxResults: options.pageSize,
          },
          signal: options.signal,
        },
      );
      const issues = issuesOf(body, '/rest/api/2/search');
      yield issues;
      // The server may cap maxResults below the request: advance by what came.
      startAt += issues.length;
      if (issues.length === 0 || startAt >= (body?.total ?? 0)) {
        return;
      }
    }
  }

  async fields(signal?: AbortSignal): Promise<JiraField[]> {
    const { body } = await this.#http.json<JiraField[]>(
      `/rest/api/${this.#version}/field`,
      { signal },
    );
    return Array.isArray(body) ? body : [];
  }

  /** The integration user, whose time zone JQL dates are read in. */
  async myself(signal?: AbortSignal): Promise<JiraUser> {
    const { body } = await this.#http.json<JiraUser>(
      `/rest/api/${this.#version}/myself`,
      { signal },
    );
    return body ?? {};
  }

  /** A user by Cloud account id; undefined when unknown or hidden. */
  async user(
    accountId: string,
    signal?: AbortSignal,
  ): Promise<JiraUser | undefined> {
    const response = await this.#http.json<JiraUser>(
      `/rest/api/${this.#version}/user`,
      {
        query:
          this.#deployment === 'cloud'
            ? { accountId }
            : { username: accountId },
        acceptStatuses: [403, 404],
        signal,
      },
    );
    return response.status === 200 ? response.body : undefined;
  }

  /**
   * The SLAs of a JSM request; undefined when the issue is no JSM request
   * or JSM is not there (404).
   */
  async slas(
    issueKey: string,
    signal?: AbortSignal,
  ): Promise<JsmSla[] | undefined> {
    const values: JsmSla[] = [];
    for (let start = 0; ; ) {
      const response = await this.#http.json<JsmPage<JsmSla>>(
        `/rest/servicedeskapi/request/${encodeURIComponent(issueKey)}/sla`,
        { query: { start, limit: 50 }, acceptStatuses: [403, 404], signal },
      );
      if (response.status !== 200) {
        return undefined;
      }
      const page = response.body?.values ?? [];
      // One by one: a server ignoring `limit` may send any number, more
      // than a call can take as arguments.
      for (const value of page) values.push(value);
      if (response.body?.isLastPage !== false || page.length === 0) {
        return values;
      }
      start += page.length;
    }
  }
}

/**
 * A search page's issues. An answer without an issue list is refused
 * rather than read as an empty page: a full run that took it as the end
 * would delete every stored issue after it.
 */
function issuesOf(
  body: { issues?: unknown } | undefined,
  path: string,
): JiraIssue[] {
  if (!Array.isArray(body?.issues)) {
    throw new Error(`Jira ${path} answered without an issues list`);
  }
  return body.issues as JiraIssue[];
}
