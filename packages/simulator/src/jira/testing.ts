import { serveSystem } from '../server/http';
import { FixedClock } from '../world/clock';
import {
  createJiraSimulator,
  type JiraSimulator,
  type JiraSimulatorOptions,
} from './simulator';

/**
 * Test support: a simulator on a loopback port and a plain `fetch` client
 * that speaks to it as a client written from Atlassian's docs would.
 */

export const NOW = '2026-03-10T12:00:00.000Z';

export interface JiraTestServer {
  url: string;
  simulator: JiraSimulator;
  clock: FixedClock;
  get(path: string, headers?: Record<string, string>): Promise<TestResponse>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
}

export function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

export async function startJira(
  options: Partial<JiraSimulatorOptions> = {},
): Promise<JiraTestServer> {
  const clock = new FixedClock(NOW);
  const simulator = createJiraSimulator({ seed: 42, clock, ...options });
  const server = await serveSystem(simulator);
  const credentials = simulator.credentials();
  const authorization =
    options.deployment === 'datacenter'
      ? `Bearer ${credentials.personalAccessToken}`
      : basicAuth(credentials.email, credentials.apiToken);
  const call = async (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<TestResponse> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  };
  return {
    url: server.url,
    simulator,
    clock,
    get: (path, headers) => call('GET', path, undefined, headers),
    post: (path, body, headers) => call('POST', path, body, headers),
    close: () => server.close(),
  };
}

/** Walks `/rest/api/3/search/jql` to the end, as a sync job does. */
export async function searchAll(
  server: JiraTestServer,
  jql: string,
  options: { fields?: string[]; maxResults?: number } = {},
): Promise<{ issues: any[]; pages: number }> {
  const issues: any[] = [];
  let nextPageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const response = await server.post('/rest/api/3/search/jql', {
      jql,
      fields: options.fields ?? ['*all'],
      maxResults: options.maxResults ?? 100,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    if (response.status !== 200) {
      throw new Error(
        `search failed: ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    pages++;
    issues.push(...response.body.issues);
    if (response.body.isLast) {
      return { issues, pages };
    }
    nextPageToken = response.body.nextPageToken;
  }
}
