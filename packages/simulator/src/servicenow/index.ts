import type {
  SimRequest,
  SimResponse,
  SimulatorOptions,
  SystemSimulator,
} from '../types';
import { ChangeApi } from './change-api';
import { ServiceNowAuth, type ServiceNowAuthOptions } from './auth';
import { LiveActivity } from './live';
import { errorBody, jsonResponse, notAuthenticated } from './responses';
import { buildScaleWorld } from './scale';
import { handleTableGet } from './table-api';
import { buildDemoWorld } from './world';

export type { ServiceNowAuthOptions, OAuthClient } from './auth';
export { DEFAULT_OAUTH_CLIENTS, DEFAULT_USERS } from './auth';

export interface ServiceNowSimulatorOptions extends SimulatorOptions {
  auth?: ServiceNowAuthOptions;
}

const TABLE_PATH =
  /^\/api\/now\/(?:(v1|v2)\/)?table\/([^/]+)(?:\/([^/]+))?\/?$/;

/**
 * A ServiceNow instance speaking the Table API, the Change Management API,
 * the OAuth token endpoint and on-call `whoisoncall`, over the shared demo world (or a derived one in
 * scale mode). Read-only apart from live mode and faults.
 */
export function createServiceNowSimulator(
  options: ServiceNowSimulatorOptions,
): SystemSimulator {
  const { clock, seed } = options;
  const world = options.scale
    ? buildScaleWorld(seed, clock.now(), options.scale)
    : buildDemoWorld(seed, clock.now());
  const auth = new ServiceNowAuth(clock, options.auth);
  const activity = new LiveActivity(world, seed);
  const changeApi = new ChangeApi(world.db, world.freezes);
  const counters = {
    requests: 0,
    unauthorized: 0,
    tokensIssued: 0,
    tokenExpiries: 0,
    shiftingRecords: 0,
  };

  function route(request: SimRequest): SimResponse {
    const { pathname } = request.url;
    if (pathname === '/oauth_token.do') {
      const response = auth.token(request);
      if (response.status === 200) {
        counters.tokensIssued++;
      }
      return response;
    }
    if (!auth.authenticate(request)) {
      counters.unauthorized++;
      return notAuthenticated();
    }
    const table = TABLE_PATH.exec(pathname);
    if (table && request.method === 'GET') {
      const [, version, tableName, sysId] = table;
      return handleTableGet(
        world.db,
        publicUrl(request),
        tableName,
        sysId,
        version,
        clock.now(),
      );
    }
    if (table) {
      return jsonResponse(
        405,
        errorBody(
          'Method not supported',
          'The simulator serves the Table API read-only',
        ),
      );
    }
    const changeAnswer = changeApi.handle(
      request,
      publicUrl(request),
      clock.now(),
    );
    if (changeAnswer) {
      return changeAnswer;
    }
    if (
      pathname === '/api/now/on_call_rota/whoisoncall' &&
      request.method === 'GET'
    ) {
      return world.onCall.whoIsOnCall(request.url, clock.now());
    }
    return jsonResponse(
      400,
      errorBody('Requested URI does not represent any resource', null),
    );
  }

  return {
    system: 'servicenow',
    handle(request) {
      counters.requests++;
      return route(request);
    },
    tick: now => activity.tick(now),
    errorResponse(status, message) {
      return jsonResponse(status, errorBody(message, errorDetail(status)));
    },
    expireAllTokens() {
      counters.tokenExpiries++;
      auth.expireAll();
    },
    insertShiftingRecord() {
      counters.shiftingRecords++;
      activity.insertShiftingRecord(clock.now());
    },
    stats: () => ({ ...prefixed(world.db.sizes()), ...counters }),
  };
}

/**
 * The URL as the client addressed it (its Host header), so that links in
 * answers work through port mappings and proxies too.
 */
function publicUrl(request: SimRequest): URL {
  const host = request.headers.host;
  return host
    ? new URL(`${request.url.pathname}${request.url.search}`, `http://${host}`)
    : request.url;
}

function prefixed(sizes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(sizes).map(([table, size]) => [`records.${table}`, size]),
  );
}

function errorDetail(status: number): string | null {
  switch (status) {
    case 429:
      return 'Rate limit of requests per hour for Table API exceeded';
    case 503:
      return 'Service Unavailable';
    default:
      return null;
  }
}
