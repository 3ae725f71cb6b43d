import type { SimResponse } from '../types';
import { VeeamError, jsonResponse } from './errors';

/**
 * How a VBR refuses an endpoint it has not got or will not serve: absent
 * from an older revision (404), forbidden to the signed-in role (403), or
 * routed but not implemented (501).
 */
export type RefusalStatus = 403 | 404 | 501;

/** A recorded field a session can carry in a form clients cannot read. */
export type SessionCorruption =
  | 'unreadableCreationTime'
  | 'missingId'
  | 'unknownResult';

/**
 * Behaviour of particular VBR servers, one switch per quirk, set with the
 * simulator's options or at run time (`setQuirks`). The generic faults
 * (`src/server/faults.ts`) hit every path alike; these hit one endpoint.
 */
export interface VeeamQuirks {
  /**
   * Task sessions altogether: `GET /api/v1/sessions/{id}/taskSessions` of
   * every session and the listing `GET /api/v1/taskSessions`.
   */
  taskSessions?: RefusalStatus;
  /**
   * Only the listing `GET /api/v1/taskSessions`, as on a revision that
   * serves task sessions per session alone.
   */
  taskSessionListing?: RefusalStatus;
  /**
   * Restore points: the listing of the revision (`/restorePoints` or
   * `/objectRestorePoints`), one point by id, and per object
   * (`/backupObjects/{id}/restorePoints`).
   */
  restorePoints?: RefusalStatus;
  /**
   * SureBackup and instant-recovery sessions: their own details
   * (`/sessions/{id}`, `/sessions/{id}/taskSessions`, `/sessions/{id}/logs`),
   * while backup sessions stay readable, as for a role that may see backup
   * jobs but not restore verification.
   */
  sureBackupSessions?: RefusalStatus;
  /**
   * The token endpoint answers 429 to the `count` token requests after the
   * first `after` ones (counted from when the quirks were set), with
   * `Retry-After: retryAfterSeconds`, or without the header when that is
   * left out. VBR documents no rate limit; a throttling proxy in front of
   * it, or a VBR 13 appliance, sends one.
   */
  tokenRateLimit?: {
    count: number;
    after?: number;
    retryAfterSeconds?: number;
  };
  /** Sessions sent with one field unreadable, by session id. */
  corruptSessions?: Record<string, SessionCorruption>;
  /** Jobs whose `/jobs/states` entry is sent with an unreadable `lastRun`. */
  corruptJobStates?: string[];
}

const REFUSAL_STATUSES: readonly number[] = [403, 404, 501];
const CORRUPTIONS: readonly string[] = [
  'unreadableCreationTime',
  'missingId',
  'unknownResult',
];

/** Checks quirks from code or JSON; throws naming the offending key. */
export function validateQuirks(input: unknown): VeeamQuirks {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('Veeam quirks must be an object');
  }
  const quirks = input as Record<string, any>;
  const known = [
    'taskSessions',
    'taskSessionListing',
    'restorePoints',
    'sureBackupSessions',
    'tokenRateLimit',
    'corruptSessions',
    'corruptJobStates',
  ];
  for (const key of Object.keys(quirks)) {
    if (!known.includes(key)) {
      throw new Error(
        `Unknown Veeam quirk "${key}"; known: ${known.join(', ')}`,
      );
    }
  }
  for (const key of [
    'taskSessions',
    'taskSessionListing',
    'restorePoints',
    'sureBackupSessions',
  ]) {
    if (quirks[key] !== undefined && !REFUSAL_STATUSES.includes(quirks[key])) {
      throw new Error(`Veeam quirk ${key} must be 403, 404 or 501`);
    }
  }
  const jobs = quirks.corruptJobStates;
  if (
    jobs !== undefined &&
    !(Array.isArray(jobs) && jobs.every(id => typeof id === 'string'))
  ) {
    throw new Error('Veeam quirk corruptJobStates must be a list of job ids');
  }
  const limit = quirks.tokenRateLimit;
  if (limit !== undefined) {
    for (const field of ['count', 'after', 'retryAfterSeconds']) {
      const value = limit?.[field];
      if (
        (value !== undefined || field === 'count') &&
        !(Number.isInteger(value) && value >= 0)
      ) {
        throw new Error(
          `Veeam quirk tokenRateLimit.${field} must be a non-negative integer`,
        );
      }
    }
  }
  for (const [id, corruption] of Object.entries(quirks.corruptSessions ?? {})) {
    if (!CORRUPTIONS.includes(corruption as string)) {
      throw new Error(
        `Veeam quirk corruptSessions.${id} must be one of ${CORRUPTIONS.join(
          ', ',
        )}`,
      );
    }
  }
  return quirks as VeeamQuirks;
}

const MESSAGES: Record<RefusalStatus, (path: string) => VeeamError> = {
  404: path =>
    new VeeamError(
      404,
      'InvalidURI',
      `The requested URI '${path}' was not found.`,
    ),
  403: () =>
    new VeeamError(
      403,
      'AccessDenied',
      'You do not have permission to perform this operation.',
    ),
  501: () =>
    new VeeamError(
      501,
      'NotImplemented',
      'The requested operation is not implemented.',
    ),
};

/** The error a refused endpoint answers with, in VBR's `Error` shape. */
export function refusal(status: RefusalStatus, path: string): VeeamError {
  return MESSAGES[status](path);
}

const TASK_SESSIONS = /^\/api\/v1\/sessions\/[^/]+\/taskSessions$/;
const TASK_SESSION_LISTING = /^\/api\/v1\/taskSessions$/;
const RESTORE_POINTS =
  /^\/api\/v1\/(?:(?:restorePoints|objectRestorePoints)(?:\/[^/]+)?|backupObjects\/[^/]+\/restorePoints)$/;
const SESSION_DETAILS =
  /^\/api\/v1\/sessions\/([^/]+)(?:\/(?:taskSessions|logs))?$/;

/**
 * The refusal a quirk sets for this authenticated GET, if any.
 * `isRestoreTest` tells whether a session id names a SureBackup or
 * instant-recovery session.
 */
export function refusalFor(
  quirks: VeeamQuirks,
  path: string,
  isRestoreTest: (sessionId: string) => boolean,
): VeeamError | undefined {
  if (
    quirks.taskSessions &&
    (TASK_SESSIONS.test(path) || TASK_SESSION_LISTING.test(path))
  ) {
    return refusal(quirks.taskSessions, path);
  }
  if (quirks.taskSessionListing && TASK_SESSION_LISTING.test(path)) {
    return refusal(quirks.taskSessionListing, path);
  }
  if (quirks.restorePoints && RESTORE_POINTS.test(path)) {
    return refusal(quirks.restorePoints, path);
  }
  const details = SESSION_DETAILS.exec(path);
  if (
    quirks.sureBackupSessions &&
    details &&
    isRestoreTest(decodeURIComponent(details[1]))
  ) {
    return refusal(quirks.sureBackupSessions, path);
  }
  return undefined;
}

/** Counts token requests against `tokenRateLimit`. */
export class TokenThrottle {
  #seen = 0;
  #limited = 0;

  /** Restarts the `after` counting, as setting new quirks does. */
  reset(): void {
    this.#seen = 0;
  }

  get limitedCount(): number {
    return this.#limited;
  }

  /** The 429 this token request gets, or undefined to serve it. */
  check(limit: VeeamQuirks['tokenRateLimit']): SimResponse | undefined {
    const number = ++this.#seen;
    if (!limit) {
      return undefined;
    }
    const after = limit.after ?? 0;
    if (number <= after || number > after + limit.count) {
      return undefined;
    }
    this.#limited++;
    return jsonResponse(
      429,
      {
        errorCode: 'UnknownError',
        message: 'Too many requests. Try again later.',
        resourceId: null,
      },
      limit.retryAfterSeconds === undefined
        ? {}
        : { 'retry-after': String(limit.retryAfterSeconds) },
    );
  }
}

/** A rendered session with the field its corruption spoils. */
export function corruptSession<T extends Record<string, any>>(
  rendered: T,
  corruption: SessionCorruption | undefined,
): T {
  switch (corruption) {
    case 'unreadableCreationTime':
      return { ...rendered, creationTime: '25/11/2026 12:00' };
    case 'missingId': {
      const { id: _id, ...rest } = rendered;
      return rest as unknown as T;
    }
    case 'unknownResult':
      return {
        ...rendered,
        result: { ...rendered.result, result: 'PartiallySucceeded' },
      };
    default:
      return rendered;
  }
}
