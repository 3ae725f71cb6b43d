import type {
  SimRequest,
  SimResponse,
  SimulatorOptions,
  SystemSimulator,
} from '../types';
import { ChangeApi } from './change-api';
import { ServiceNowAuth, type ServiceNowAuthOptions } from './auth';
import { LiveActivity } from './live';
import { type QuirkReport, QuirkState, type ServiceNowQuirks } from './quirks';
import { errorBody, jsonResponse, notAuthenticated } from './responses';
import { buildScaleWorld } from './scale';
import { handleTableGet } from './table-api';
import { buildDemoWorld } from './world';

export type { ServiceNowAuthOptions, OAuthClient } from './auth';
export { DEFAULT_OAUTH_CLIENTS, DEFAULT_USERS } from './auth';
export type { QuirkReport, ServiceNowQuirks } from './quirks';

export interface ServiceNowSimulatorOptions extends SimulatorOptions {
  auth?: ServiceNowAuthOptions;
  /** What real instances do that a tidy one would not (see `ServiceNowQuirks`). */
  quirks?: ServiceNowQuirks;
}

/** The ServiceNow simulator, with its quirks switchable at run time. */
export interface ServiceNowSimulator extends SystemSimulator {
  readonly system: 'servicenow';
  /**
   * Replaces the quirks in force; the data quirks among them change the
   * world now, and the answer names the rows they changed.
   */
  setQuirks(quirks: ServiceNowQuirks): QuirkReport;
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
): ServiceNowSimulator {
  const { clock, seed } = options;
  const world = options.scale
    ? buildScaleWorld(seed, clock.now(), options.scale)
    : buildDemoWorld(seed, clock.now());
  const auth = new ServiceNowAuth(clock, options.auth);
  const activity = new LiveActivity(world, seed);
  const changeApi = new ChangeApi(world.db, world.freezes);
  const quirks = new QuirkState(world.db);
  if (options.quirks) {
    quirks.set(options.quirks, clock.now());
  }
  const counters = {
    requests: 0,
    unauthorized: 0,
    tokensIssued: 0,
    tokenExpiries: 0,
    tokensRefused: 0,
    shiftingRecords: 0,
  };

  function route(request: SimRequest): SimResponse {
    const { pathname } = request.url;
    if (pathname === '/oauth_token.do') {
      const refused = quirks.refuseToken();
      if (refused) {
        counters.tokensRefused++;
        return refused;
      }
      const response = auth.token(request);
      if (response.status === 200) {
        counters.tokensIssued++;
      }
      return response;
    }
    const user = auth.authenticate(request);
    if (!user) {
      counters.unauthorized++;
      return notAuthenticated();
    }
    const table = TABLE_PATH.exec(pathname);
    if (table && request.method === 'GET') {
      const [, version, tableName, sysId] = table;
      return (
        quirks.refuseTable(tableName, user) ??
        handleTableGet(
          world.db,
          publicUrl(request),
          tableName,
          sysId,
          version,
          clock.now(),
          quirks.viewer(user),
        )
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
      const response = route(request);
      // The instance's own clock, which clients may take their watermark
      // from; the simulator's clock, not the machine's.
      return {
        ...response,
        headers: { ...response.headers, Date: clock.now().toUTCString() },
      };
    },
    setQuirks: next => quirks.set(next, clock.now()),
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
