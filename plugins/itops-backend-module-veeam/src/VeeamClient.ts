import type { LoggerService } from '@backstage/backend-plugin-api';
import { SourceHttpClient } from '@backstage-itops/plugin-itops-node';
import type { VeeamServerConfig } from './config';
import { type RevisionProfile, revisionProfile } from './revision';
import { VeeamAuth } from './VeeamAuth';

/*
 * The parts of VBR's models that ITOps reads. Enum-typed fields are open
 * strings: official examples already hold values outside the declared
 * enums, and revisions add more.
 */

/** `JobModel` (`GET /api/v1/jobs`). */
export interface VeeamJob {
  id: string;
  name: string;
  type: string;
  description?: string;
  isDisabled?: boolean;
  virtualMachines?: { includes?: Array<{ name?: string }> };
}

/** `JobStateModel` (`GET /api/v1/jobs/states`). */
export interface VeeamJobState {
  id: string;
  name: string;
  type: string;
  description?: string;
  status?: string;
  lastResult?: string;
  lastRun?: string | null;
  nextRun?: string | null;
  objectsCount?: number;
  sessionId?: string | null;
}

/** `SessionModel` (`GET /api/v1/sessions`). */
export interface VeeamSession {
  id: string;
  name: string;
  jobId: string;
  sessionType: string;
  creationTime: string;
  endTime?: string | null;
  state: string;
  result?: { result?: string; message?: string; isCanceled?: boolean };
  resourceId?: string | null;
  usn?: number;
}

/** A task session: one object's part of a session. */
export interface VeeamTaskSession {
  id: string;
  name: string;
  sessionId?: string;
  result?: { result?: string; message?: string };
}

/** `ObjectRestorePointModel`. */
export interface VeeamRestorePoint {
  id: string;
  name: string;
  creationTime: string;
  backupId?: string;
  sessionId?: string | null;
}

interface Page<T> {
  data: T[];
  pagination?: { total?: number; count?: number; skip?: number };
}

export type VeeamQuery = Record<string, string | number | boolean | undefined>;

/**
 * A 2xx answer that is not the `{data, pagination}` envelope, e.g. a proxy's
 * HTML page or another revision's model. Taking it as an empty page would
 * make a full sync delete what is stored, so it fails the call instead.
 */
export class VeeamShapeError extends Error {
  name = 'VeeamShapeError' as const;
}

/**
 * The VBR REST API of one backup server over the shared HTTP client:
 * `x-api-version` on every call (the token call included), a bearer token
 * from {@link VeeamAuth}, `skip`/`limit` paging until `pagination.total`,
 * and the revision's paths.
 */
export class VeeamClient {
  readonly http: SourceHttpClient;
  readonly auth: VeeamAuth;
  readonly profile: RevisionProfile;
  readonly #pageSize: number;

  static fromConfig(
    server: VeeamServerConfig,
    options: {
      logger?: LoggerService;
      fetch?: typeof fetch;
      now?: () => number;
    } = {},
  ): VeeamClient {
    const common = {
      name: `veeam/${server.name}`,
      baseUrl: server.baseUrl,
      defaultHeaders: { 'x-api-version': server.apiVersion },
      logger: options.logger,
      fetch: options.fetch,
      ...server.http,
    };
    // The token endpoint gets its own client: it must not ask the auth it
    // serves for headers, and a token request never waits behind a page.
    const auth = new VeeamAuth({
      http: new SourceHttpClient(common),
      username: server.username,
      password: server.password,
      logger: options.logger,
      now: options.now,
    });
    return new VeeamClient(
      new SourceHttpClient({ ...common, auth }),
      auth,
      revisionProfile(server.apiVersion),
      server.pageSize,
    );
  }

  constructor(
    http: SourceHttpClient,
    auth: VeeamAuth,
    profile: RevisionProfile,
    pageSize: number,
  ) {
    this.http = http;
    this.auth = auth;
    this.profile = profile;
    this.#pageSize = pageSize;
  }

  jobs(signal?: AbortSignal): AsyncIterable<VeeamJob[]> {
    return this.pages<VeeamJob>('/api/v1/jobs', {}, signal);
  }

  jobStates(signal?: AbortSignal): AsyncIterable<VeeamJobState[]> {
    return this.pages<VeeamJobState>('/api/v1/jobs/states', {}, signal);
  }

  /**
   * Sessions created in `[from, to)`, oldest first: new sessions land
   * behind the last page, so paging does not shift while a sync reads.
   */
  sessions(
    window: { from: number; to?: number },
    signal?: AbortSignal,
  ): AsyncIterable<VeeamSession[]> {
    return this.pages<VeeamSession>(
      '/api/v1/sessions',
      {
        createdAfterFilter: new Date(window.from).toISOString(),
        createdBeforeFilter:
          window.to === undefined
            ? undefined
            : new Date(window.to).toISOString(),
        orderColumn: 'CreationTime',
        orderAsc: true,
      },
      signal,
    );
  }

  /** Restore points created in `[from, to)`, at the revision's path. */
  restorePoints(
    window: { from: number; to: number },
    signal?: AbortSignal,
  ): AsyncIterable<VeeamRestorePoint[]> {
    return this.pages<VeeamRestorePoint>(
      this.profile.restorePointsPath,
      {
        createdAfterFilter: new Date(window.from).toISOString(),
        createdBeforeFilter: new Date(window.to).toISOString(),
        orderColumn: 'CreationTime',
        orderAsc: true,
      },
      signal,
    );
  }

  /** The per-object tasks of a session, e.g. the VMs a SureBackup run tested. */
  async taskSessions(
    sessionId: string,
    signal?: AbortSignal,
  ): Promise<VeeamTaskSession[]> {
    const tasks: VeeamTaskSession[] = [];
    for await (const page of this.pages<VeeamTaskSession>(
      `/api/v1/sessions/${encodeURIComponent(sessionId)}/taskSessions`,
      {},
      signal,
    )) {
      // One by one: a page may hold more than a call takes as arguments.
      for (const task of page) tasks.push(task);
    }
    return tasks;
  }

  /**
   * Task sessions of every session created in `[from, to)`, with the
   * given result (`resultFilter`), oldest first: one listing for a page of
   * sessions instead of one call per session.
   */
  allTaskSessions(
    window: { from: number; to: number },
    filters: { result?: string },
    signal?: AbortSignal,
  ): AsyncIterable<VeeamTaskSession[]> {
    return this.pages<VeeamTaskSession>(
      '/api/v1/taskSessions',
      {
        createdAfterFilter: new Date(window.from).toISOString(),
        createdBeforeFilter: new Date(window.to).toISOString(),
        resultFilter: filters.result,
        orderColumn: 'CreationTime',
        orderAsc: true,
      },
      signal,
    );
  }

  /**
   * Pages of a collection: `skip` advances by what each page held until
   * `pagination.total` is reached, a page comes back empty, or (when the
   * server leaves `total` out) a page holds less than was asked for.
   */
  async *pages<T>(
    path: string,
    query: VeeamQuery,
    signal?: AbortSignal,
  ): AsyncIterable<T[]> {
    for (let skip = 0; ; ) {
      const { body } = await this.http.json<Page<T>>(path, {
        query: { ...query, skip, limit: this.#pageSize },
        signal,
      });
      if (!Array.isArray(body?.data)) {
        throw new VeeamShapeError(
          `${
            this.http.name
          } GET ${path} answered without a data array (${describeShape(body)})`,
        );
      }
      const data = body.data;
      if (data.length > 0) {
        yield data;
      }
      skip += data.length;
      const total = body.pagination?.total;
      const last =
        typeof total === 'number'
          ? skip >= total
          : data.length < this.#pageSize;
      if (data.length === 0 || last) {
        return;
      }
    }
  }
}

/** The kind of an unexpected answer, never its content (it may hold record data). */
function describeShape(body: unknown): string {
  if (body === undefined) {
    return 'empty body';
  }
  if (Array.isArray(body)) {
    return 'a bare array';
  }
  if (typeof body === 'object' && body !== null) {
    const keys = Object.keys(body).slice(0, 5);
    return keys.length > 0 ? `keys ${keys.join(', ')}` : 'an empty object';
  }
  return typeof body;
}
