import type {
  SimRequest,
  SimResponse,
  SimulatorOptions,
  SystemSimulator,
} from '../types';
import { createDemoWorld } from './demo';
import {
  VeeamError,
  errorResponseFor,
  jsonResponse,
  veeamErrorResponse,
} from './errors';
import { LiveWorld } from './live';
import {
  isSupportedRevision,
  revisionProfile,
  unsupportedRevisionMessage,
} from './revision';
import {
  TokenThrottle,
  type VeeamQuirks,
  refusalFor,
  validateQuirks,
} from './quirks';
import { dispatch } from './routes';
import { createScaleWorld } from './scale';
import { TokenStore, type Credentials } from './tokens';

export interface VeeamSimulatorOptions extends SimulatorOptions {
  /** Access token lifetime; VBR's default is 900 s. */
  tokenLifetimeSeconds?: number;
  /** Accepted login; defaults to itops / veeam-password. */
  credentials?: Credentials;
  /** Behaviour of particular servers (refused endpoints, throttled tokens…). */
  quirks?: VeeamQuirks;
}

/** The Veeam simulator with its own switches beside the generic faults. */
export interface VeeamSimulator extends SystemSimulator {
  /** Replaces the quirks; the token rate limit's `after` counts restart. */
  setQuirks(quirks: VeeamQuirks): void;
  /** Removes sessions (history retention, a deleted job); unknown ids are ignored. Returns how many went. */
  deleteSessions(ids: readonly string[]): number;
  /** Removes restore points (retention, a deleted backup). Returns how many went. */
  deleteRestorePoints(ids: readonly string[]): number;
}

export type { VeeamQuirks, RefusalStatus, SessionCorruption } from './quirks';

/** Session types whose details `sureBackupSessions` refuses. */
const RESTORE_TEST_TYPES = new Set(['SureBackup', 'InstantRecovery']);

/**
 * A Veeam Backup & Replication REST API (port 9419 dialect): OAuth2 token
 * endpoint, jobs, job states, sessions, backups, backup objects and restore
 * points, with revision-dependent paths and shapes chosen by `x-api-version`.
 */
export function createVeeamSimulator(
  options: VeeamSimulatorOptions,
): VeeamSimulator {
  const now = () => options.clock.now().getTime();
  const world = options.scale
    ? createScaleWorld(options.seed, now(), options.scale)
    : createDemoWorld(options.seed, now());
  const live = new LiveWorld(world, options.seed);
  const tokens = new TokenStore({
    clock: options.clock,
    credentials: options.credentials,
    accessSeconds: options.tokenLifetimeSeconds,
  });
  let requests = 0;
  let quirks = validateQuirks(options.quirks ?? {});
  const tokenThrottle = new TokenThrottle();
  const isRestoreTest = (sessionId: string) => {
    const index = world.sessions.indexOfId(sessionId);
    return (
      index !== undefined &&
      RESTORE_TEST_TYPES.has(world.sessions.at(index).sessionType)
    );
  };

  function handleOrThrow(request: SimRequest): SimResponse {
    const path = request.url.pathname.replace(/\/+$/, '');
    const swagger = /^\/swagger\/v([^/]+)\/swagger\.json$/.exec(path);
    if (swagger) {
      return swaggerDocument(swagger[1]);
    }
    const revision = request.headers['x-api-version']?.trim() ?? '';
    if (!isSupportedRevision(revision)) {
      throw new VeeamError(
        400,
        'UnexpectedContent',
        unsupportedRevisionMessage(),
      );
    }
    if (path === '/api/oauth2/token') {
      if (request.method !== 'POST') {
        throw new VeeamError(
          405,
          'MethodNotAllowed',
          `The requested resource does not support http method '${request.method}'.`,
        );
      }
      const throttled = tokenThrottle.check(quirks.tokenRateLimit);
      if (throttled) {
        return throttled;
      }
      return jsonResponse(200, tokens.grant(new URLSearchParams(request.body)));
    }
    const grant = tokens.authenticate(request.headers.authorization);
    if (path === '/api/oauth2/logout' && request.method === 'POST') {
      tokens.logout(grant);
      return jsonResponse(200, {});
    }
    const refused =
      request.method === 'GET'
        ? refusalFor(quirks, path, isRestoreTest)
        : undefined;
    if (refused) {
      throw refused;
    }
    return dispatch(request.method, path, {
      world,
      live,
      render: { profile: revisionProfile(revision), now: now() },
      query: request.url.searchParams,
      corruptions: quirks.corruptSessions ?? {},
      corruptJobStates: new Set(quirks.corruptJobStates ?? []),
    });
  }

  return {
    system: 'veeam',
    handle(request) {
      requests++;
      try {
        return handleOrThrow(request);
      } catch (error) {
        if (error instanceof VeeamError) {
          return veeamErrorResponse(error);
        }
        throw error;
      }
    },
    tick(at) {
      live.tick(at.getTime());
    },
    errorResponse: errorResponseFor,
    expireAllTokens() {
      tokens.expireAll();
    },
    setQuirks(next) {
      quirks = validateQuirks(next);
      tokenThrottle.reset();
    },
    deleteSessions(ids) {
      return ids.filter(id => world.sessions.delete(id)).length;
    },
    deleteRestorePoints(ids) {
      const gone = new Set(ids);
      const before = world.restorePoints.length;
      world.restorePoints = world.restorePoints.filter(p => !gone.has(p.id));
      return before - world.restorePoints.length;
    },
    insertShiftingRecord() {
      live.insertShiftingSession(now());
    },
    stats() {
      return {
        jobs: world.jobs.length,
        sessions: world.sessions.size,
        backups: world.backups.length,
        backupObjects: world.backupObjects.length,
        restorePoints: world.restorePoints.length,
        tokensIssued: tokens.issuedCount,
        tokenRequestsThrottled: tokenThrottle.limitedCount,
        sessionsDeleted: world.sessions.deletedCount,
        requests,
      };
    },
  };
}

/** Enough of the per-revision Swagger document for clients that probe it. */
function swaggerDocument(revision: string): SimResponse {
  if (!isSupportedRevision(revision)) {
    return jsonResponse(404, {
      errorCode: 'NotFound',
      message: `No Swagger document for version '${revision}'.`,
      resourceId: null,
    });
  }
  return jsonResponse(200, {
    openapi: '3.0.1',
    info: {
      title: 'Veeam Backup & Replication REST API',
      version: revision,
    },
    paths: {},
  });
}
