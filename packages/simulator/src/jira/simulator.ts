import type {
  SimRequest,
  SimResponse,
  SimulatorOptions,
  SystemSimulator,
} from '../types';
import { Authenticator, type JiraCredentials } from './auth';
import { generateDemoIssues } from './generate';
import { malformingRenderer, pickMalformedIssues } from './malformed';
import { OAuthIssuer, type OAuthOptions } from './oauth';
import { LiveWorld } from './live';
import { createSchedules, handleOps, type OpsOptions } from './ops';
import {
  createIssueRenderer,
  type Deployment,
  renderFieldList,
  type RenderContext,
  renderUser,
  selectFields,
} from './render';
import {
  jiraError,
  json,
  methodNotAllowed,
  notFound,
  rateLimited,
} from './responses';
import { scaleBase } from './scale';
import {
  approximateCount,
  offsetSearch,
  type SearchParams,
  searchJql,
} from './search';
import { handleServiceDesk } from './serviceDesk';
import { createSite } from './site';
import { arrayBase, IssueStore } from './store';

export interface JiraSimulatorOptions extends SimulatorOptions {
  /** Cloud (default): `/rest/api/3/search/jql`, Basic email + API token, JSM Ops. Data Center: `/rest/api/2/search`, PAT. */
  deployment?: Deployment;
  credentials?: Partial<JiraCredentials>;
  /**
   * Zone of a Data Center server, in which it writes times
   * (`…T10:00:00.000+0100`). Default `Europe/Berlin` on Data Center; Cloud
   * always writes UTC here.
   */
  serverTimeZone?: string;
  /**
   * false: the site has no SLA custom fields, so searches cannot return
   * SLAs and clients must ask `/rest/servicedeskapi/request/{key}/sla`.
   * Default true.
   */
  slaFields?: boolean;
  /**
   * Three incidents come broken: an unreadable `created`, no key, a status
   * of no known category (see `malformed.ts`). Also `setMalformedIssues()`.
   */
  malformedIssues?: boolean;
  /**
   * Cloud OAuth 2.0 (3LO): `POST /oauth/token` and the gateway paths
   * `/ex/jira/{cloudId}/…`; access token lifetime and token 429s.
   */
  oauth?: OAuthOptions;
  /** JSM Operations switches, e.g. `{ timeline: false }` for a service without `/timeline`. */
  ops?: OpsOptions;
}

export interface JiraSimulator extends SystemSimulator {
  /** The site's cloud id, part of the JSM Ops base path `/jsm/ops/api/{cloudId}`. */
  readonly cloudId: string;
  /** The OAuth app (client id, secret, the consent's refresh token). */
  readonly oauth: OAuthIssuer['app'];
  /**
   * Deletes `count` incidents (every seventh, newest first), as an agent or
   * an automation rule would; returns their keys. Searches and look-ups no
   * longer show them, and nothing announces it (`updated >` cannot).
   */
  deleteIssues(count: number): string[];
  /** Switches the broken incidents of `malformedIssues` on or off. */
  setMalformedIssues(enabled: boolean): void;
  /** The credentials valid now (they change when tokens are expired). */
  credentials(): JiraCredentials;
}

const LEGACY_SEARCH_GONE =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';
const INVALID_PAYLOAD =
  'Invalid request payload. Refer to the REST API documentation and try again.';

export function createJiraSimulator(
  options: JiraSimulatorOptions,
): JiraSimulator {
  const { seed, clock, scale } = options;
  const deployment = options.deployment ?? 'cloud';
  const origin = clock.now().getTime();
  const site = createSite({
    seed,
    syntheticServices: scale?.services,
    slaFields: options.slaFields,
    // JSM Data Center's change calendar uses the classic field names.
    classicChangeFields: deployment === 'datacenter',
  });
  const timeZone =
    deployment === 'cloud' ? 'UTC' : options.serverTimeZone ?? 'Europe/Berlin';
  const store = new IssueStore(
    scale
      ? scaleBase(seed, site, origin, scale)
      : arrayBase(generateDemoIssues(seed, site, origin)),
  );
  let malformed = options.malformedIssues ?? false;
  const renderer = malformingRenderer(
    createIssueRenderer(site),
    pickMalformedIssues(store),
    () => malformed,
  );
  const auth = new Authenticator(seed, deployment, options.credentials);
  const oauth = new OAuthIssuer(options.oauth);
  const live = new LiveWorld(seed, site, store);
  const schedules = createSchedules(seed, site);
  // What a client's bench reports per kind of call.
  const counters = {
    requests: 0,
    unauthorized: 0,
    searches: 0,
    slaRequests: 0,
    opsRequests: 0,
    deleted: 0,
  };

  const searchDeps = () => ({
    store,
    renderer,
    query: { site, now: clock.now().getTime(), currentUser: auth.user },
  });

  function readParams(request: SimRequest): SearchParams | SimResponse {
    const query = request.url.searchParams;
    if (request.method === 'GET') {
      const number = (name: string) =>
        query.has(name) ? Number(query.get(name)) : undefined;
      return {
        jql: query.get('jql') ?? '',
        nextPageToken: query.get('nextPageToken') ?? undefined,
        startAt: number('startAt'),
        maxResults: number('maxResults'),
        fields: query.has('fields') ? query.getAll('fields') : undefined,
        expand: query.get('expand') ?? undefined,
      };
    }
    try {
      const body = request.body ? JSON.parse(request.body) : {};
      const fields = body.fields;
      return {
        jql: typeof body.jql === 'string' ? body.jql : '',
        nextPageToken: body.nextPageToken ?? undefined,
        startAt: body.startAt,
        maxResults: body.maxResults,
        fields: typeof fields === 'string' ? [fields] : fields,
        expand: Array.isArray(body.expand)
          ? body.expand.join(',')
          : body.expand,
      };
    } catch {
      return jiraError(400, INVALID_PAYLOAD);
    }
  }

  /**
   * `user?accountId=` (DC: `?username=`) and `user/search?query=`: how a
   * client turns the account ids of JSM Ops on-calls into people.
   */
  function users(
    url: URL,
    path: string[],
    context: RenderContext,
  ): SimResponse {
    const everyone = [...site.users, auth.user];
    if (path.length === 0) {
      const id = url.searchParams.get(
        deployment === 'cloud' ? 'accountId' : 'username',
      );
      const user = everyone.find(u =>
        deployment === 'cloud' ? u.accountId === id : u.userName === id,
      );
      return user
        ? json(200, renderUser(user, context))
        : jiraError(404, `The user with the identifier ${id} does not exist.`);
    }
    if (path.join('/') === 'search') {
      const query = (
        url.searchParams.get('query') ??
        url.searchParams.get('username') ??
        ''
      ).toLowerCase();
      return json(
        200,
        everyone
          .filter(u =>
            [u.email, u.displayName, u.userName].some(text =>
              text.toLowerCase().startsWith(query),
            ),
          )
          .map(u => renderUser(u, context)),
      );
    }
    return notFound(url.pathname);
  }

  function platformApi(
    request: SimRequest,
    version: string,
    path: string[],
  ): SimResponse {
    const context: RenderContext = {
      baseUrl: request.url.origin,
      site,
      deployment,
      apiVersion: version === '3' ? '3' : '2',
      now: clock.now().getTime(),
      timeZone,
    };
    const endpoint = path.join('/');
    const get = request.method === 'GET';
    const getOrPost = get || request.method === 'POST';

    if (endpoint === 'search' || endpoint === 'search/jql') {
      if (!getOrPost) {
        return methodNotAllowed();
      }
      const cloudRoute = deployment === 'cloud' ? 'search/jql' : 'search';
      if (endpoint !== cloudRoute) {
        return deployment === 'cloud'
          ? jiraError(410, LEGACY_SEARCH_GONE)
          : notFound(request.url.pathname);
      }
      const params = readParams(request);
      if ('status' in params) {
        return params;
      }
      counters.searches++;
      return deployment === 'cloud'
        ? searchJql(params, searchDeps(), context)
        : offsetSearch(params, searchDeps(), context);
    }
    if (endpoint === 'search/approximate-count') {
      if (deployment !== 'cloud') {
        return notFound(request.url.pathname);
      }
      if (request.method !== 'POST') {
        return methodNotAllowed();
      }
      const params = readParams(request);
      return 'status' in params
        ? params
        : approximateCount(params.jql, searchDeps());
    }
    if (!get) {
      return methodNotAllowed();
    }
    switch (path[0]) {
      case 'field':
        return path.length === 1
          ? json(200, renderFieldList(site))
          : notFound(request.url.pathname);
      case 'myself':
        return json(200, renderUser(auth.user, context));
      case 'user':
        return users(request.url, path.slice(1), context);
      case 'serverInfo':
        return json(200, {
          baseUrl: context.baseUrl,
          version: deployment === 'cloud' ? '1001.0.0-SNAPSHOT' : '9.12.0',
          deploymentType: deployment === 'cloud' ? 'Cloud' : 'Server',
          serverTitle: 'Acme Jira',
        });
      case 'project':
        return path.length === 1
          ? json(
              200,
              site.projects.map(p => ({
                self: `${context.baseUrl}/rest/api/${context.apiVersion}/project/${p.id}`,
                id: p.id,
                key: p.key,
                name: p.name,
                projectTypeKey: 'service_desk',
              })),
            )
          : notFound(request.url.pathname);
      case 'issue': {
        const issue = path.length === 2 ? store.find(path[1]) : undefined;
        if (!issue) {
          return jiraError(
            404,
            'Issue does not exist or you do not have permission to see it.',
          );
        }
        const requested = request.url.searchParams.getAll('fields');
        const fields = selectFields(
          requested.length > 0 ? requested : undefined,
          '*all',
          site,
        );
        return json(200, renderer.render(issue, fields, context, false));
      }
      default:
        return notFound(request.url.pathname);
    }
  }

  function dispatch(request: SimRequest): SimResponse {
    let segments = request.url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    if (
      deployment === 'cloud' &&
      segments.length === 2 &&
      segments[0] === 'oauth' &&
      segments[1] === 'token'
    ) {
      return oauth.handleToken(request, clock.now().getTime());
    }
    // Atlassian's gateway: the site's APIs by cloud id, for OAuth apps.
    if (
      deployment === 'cloud' &&
      segments[0] === 'ex' &&
      segments[1] === 'jira' &&
      segments[2] === site.cloudId
    ) {
      segments = segments.slice(3);
    }
    if (
      segments[0] === '_edge' &&
      segments[1] === 'tenant_info' &&
      deployment === 'cloud'
    ) {
      return json(200, { cloudId: site.cloudId });
    }
    if (
      !auth.authenticate(request, token =>
        oauth.accepts(token, clock.now().getTime()),
      )
    ) {
      counters.unauthorized++;
      return jiraError(
        401,
        'Client must be authenticated to access this resource.',
        {},
        {
          'www-authenticate': 'Basic realm="protected-area"',
        },
      );
    }
    const [root, api, version, ...rest] = segments;
    const versions = deployment === 'cloud' ? ['2', '3'] : ['2', 'latest'];
    if (root === 'rest' && api === 'api' && versions.includes(version)) {
      return platformApi(request, version, rest);
    }
    if (root === 'rest' && api === 'servicedeskapi') {
      if (request.method !== 'GET') {
        return methodNotAllowed();
      }
      if (segments[2] === 'request' && segments[4] === 'sla') {
        counters.slaRequests++;
      }
      const response = handleServiceDesk(segments.slice(2), request.url, {
        site,
        store,
        now: clock.now().getTime(),
        baseUrl: request.url.origin,
      });
      return response ?? notFound(request.url.pathname);
    }
    // /jsm/ops/api/{cloudId}/v1/...
    if (
      deployment === 'cloud' &&
      root === 'jsm' &&
      api === 'ops' &&
      version === 'api' &&
      rest[0] === site.cloudId &&
      rest[1] === 'v1' &&
      request.method === 'GET'
    ) {
      counters.opsRequests++;
      const response = handleOps(
        rest.slice(2),
        request.url,
        schedules,
        clock.now().getTime(),
        options.ops,
      );
      return response ?? notFound(request.url.pathname);
    }
    return notFound(request.url.pathname);
  }

  return {
    system: 'jira',
    cloudId: site.cloudId,
    oauth: oauth.app,
    deleteIssues: count => {
      const incidents = [...store.ascendingByUpdated()]
        .filter(issue => issue.issueType === 'Incident')
        .reverse();
      const deleted: string[] = [];
      for (let i = 0; i < incidents.length && deleted.length < count; i += 7) {
        if (store.delete(incidents[i].id)) {
          deleted.push(`${incidents[i].projectKey}-${incidents[i].number}`);
        }
      }
      counters.deleted += deleted.length;
      return deleted;
    },
    setMalformedIssues: enabled => {
      malformed = enabled;
    },
    credentials: () => auth.credentials(),
    handle(request) {
      counters.requests++;
      return dispatch(request);
    },
    tick(now) {
      live.tick(now.getTime());
    },
    errorResponse(status, message) {
      if (status === 429) {
        return rateLimited(message, clock.now());
      }
      return jiraError(
        status,
        message,
        {},
        status === 503 ? { 'retry-after': '5' } : {},
      );
    },
    expireAllTokens() {
      auth.expireAll();
      oauth.expireAccessTokens();
    },
    insertShiftingRecord() {
      live.insertShiftingRecord(clock.now().getTime());
    },
    stats() {
      return {
        issues: store.count,
        schedules: schedules.length,
        ...counters,
        tokenRequests: oauth.tokenRequests,
        rateLimitedTokenRequests: oauth.rateLimitedTokenRequests,
      };
    },
  };
}
