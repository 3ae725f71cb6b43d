import type { SimResponse } from '../types';
import { formatVeeamDate } from './dates';
import { VeeamError, jsonResponse, notFound } from './errors';
import { jobState, type JobState } from './jobStates';
import { filtersFrom, pageOf, readPageParams } from './listing';
import type { LiveWorld } from './live';
import type {
  BackupObjectRecord,
  RestorePointRecord,
  SessionRecord,
  VeeamWorld,
} from './model';
import {
  renderBackup,
  renderBackupObject,
  renderJob,
  renderJobState,
  renderRestorePoint,
  renderSession,
  renderSessionLog,
  renderTaskSessions,
  tasksOf,
  type RenderContext,
} from './render';
import { corruptSession, type SessionCorruption } from './quirks';
import { SERVER_BUILD } from './revision';
import { listAllTaskSessions } from './taskSessionListing';
import { querySessions } from './sessionQuery';

/** What a handler sees of one authenticated request. */
export interface RouteContext {
  world: VeeamWorld;
  live: LiveWorld;
  render: RenderContext;
  query: URLSearchParams;
  /** Sessions to send with a spoiled field (quirk `corruptSessions`). */
  corruptions: Readonly<Record<string, SessionCorruption>>;
  /** Jobs whose state is sent with an unreadable `lastRun` (quirk `corruptJobStates`). */
  corruptJobStates: ReadonlySet<string>;
  /** Captured path segments, e.g. the id in `/jobs/{id}`. */
  params: string[];
}

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle(context: RouteContext): SimResponse;
}

const ID = '([^/]+)';
const ok = (body: unknown) => jsonResponse(200, body);

const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/api\/v1\/serverInfo$/, handle: serverInfo },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/serverTime$/,
    handle: ({ render }) =>
      ok({
        serverTime: formatVeeamDate(render.now),
        timeZone: '(UTC+01:00) West Central Africa',
      }),
  },
  { method: 'GET', pattern: /^\/api\/v1\/jobs$/, handle: listJobs },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/jobs\/states$/,
    handle: listJobStates,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/v1/jobs/${ID}$`),
    handle: context =>
      ok(
        renderJob(
          findJob(context),
          objectsByName(context.world),
          context.render,
        ),
      ),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/api/v1/jobs/${ID}/start$`),
    handle: startJob,
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/sessions$/,
    handle: context =>
      ok(
        querySessions(context.world.sessions, context.query, s =>
          sessionView(s, context),
        ),
      ),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/v1/sessions/${ID}$`),
    handle: context => ok(sessionView(findSession(context), context)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/v1/sessions/${ID}/taskSessions$`),
    handle: taskSessions,
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/taskSessions$/,
    handle: listAllTaskSessions,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/v1/sessions/${ID}/logs$`),
    handle: context => {
      const session = findSession(context);
      const job = context.world.jobs.find(j => j.id === session.jobId);
      return ok(renderSessionLog(session, tasksOf(session, job)));
    },
  },
  { method: 'GET', pattern: /^\/api\/v1\/backups$/, handle: listBackups },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/v1/backups/${ID}$`),
    handle: context => ok(renderBackup(findBackup(context))),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/v1/backups/${ID}/objects$`),
    handle: context => {
      const backup = findBackup(context);
      const job = context.world.jobs.find(j => j.id === backup.jobId);
      return listBackupObjects(
        context,
        o => job?.objects.includes(o.name) ?? false,
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/backupObjects$/,
    handle: context => listBackupObjects(context, () => true),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/v1/backupObjects/${ID}$`),
    handle: context => {
      const object = findBackupObject(context);
      return ok(
        renderBackupObject(
          object,
          restorePointCounts(context.world).get(object.id) ?? 0,
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/v1/backupObjects/${ID}/restorePoints$`),
    handle: context => {
      const object = findBackupObject(context);
      return listRestorePoints(context, p => p.backupObjectId === object.id);
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/(?:restorePoints|objectRestorePoints)$/,
    handle: context => listRestorePoints(context, () => true),
  },
  {
    method: 'GET',
    pattern: new RegExp(
      `^/api/v1/(?:restorePoints|objectRestorePoints)/${ID}$`,
    ),
    handle: context => {
      const point = context.world.restorePoints.find(
        p => p.id === context.params[0],
      );
      if (!point) {
        throw notFound('Restore point', context.params[0]);
      }
      return ok(renderRestorePoint(point));
    },
  },
];

/**
 * Finds the route for an authenticated call. Restore points answer only on
 * the path of the negotiated revision, as each revision's spec declares one.
 */
export function dispatch(
  method: string,
  path: string,
  context: Omit<RouteContext, 'params'>,
): SimResponse {
  const restorePointsPath =
    /^\/api\/v1\/(restorePoints|objectRestorePoints)(\/|$)/.exec(path);
  if (
    restorePointsPath &&
    `/api/v1/${restorePointsPath[1]}` !==
      context.render.profile.restorePointsPath
  ) {
    throw new VeeamError(
      404,
      'InvalidURI',
      `The requested URI '${path}' was not found.`,
    );
  }
  let pathMatched = false;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) {
      continue;
    }
    pathMatched = true;
    if (route.method === method) {
      return route.handle({
        ...context,
        params: match.slice(1).map(decodeURIComponent),
      });
    }
  }
  if (pathMatched) {
    throw new VeeamError(
      405,
      'MethodNotAllowed',
      `The requested resource does not support http method '${method}'.`,
    );
  }
  throw new VeeamError(
    404,
    'InvalidURI',
    `The requested URI '${path}' was not found.`,
  );
}

/** A session as sent, spoiled when the quirks say so. */
function sessionView(session: SessionRecord, context: RouteContext) {
  return corruptSession(
    renderSession(session, context.render),
    context.corruptions[session.id],
  );
}

function serverInfo({ world }: RouteContext): SimResponse {
  return ok({
    vbrId: world.vbrId,
    name: world.serverName,
    buildVersion: SERVER_BUILD,
    patches: [],
    databaseVendor: 'PostgreSQL',
    sqlServerEdition: '',
    sqlServerVersion: 'PostgreSQL 15.8',
    databaseSchemaVersion: '9405',
    databaseContentVersion: '9405',
  });
}

function listJobs(context: RouteContext): SimResponse {
  const { world, query, render } = context;
  const objects = objectsByName(world);
  const type = render.profile.vsphereBackupJobType;
  return ok(
    pageOf(world.jobs, readPageParams(query, ['Name', 'Type', 'Description']), {
      filters: filtersFrom(query, {
        name: j => j.name,
        exact: { typeFilter: () => type },
      }),
      sortKeys: {
        Name: j => j.name,
        Type: () => type,
        Description: j => j.description,
      },
      render: job => renderJob(job, objects, render),
    }),
  );
}

function listJobStates({
  world,
  query,
  render,
  corruptJobStates,
}: RouteContext): SimResponse {
  const states = world.jobs.map(job => jobState(world, job, render.now));
  const type = render.profile.vsphereBackupJobType;
  const columns = {
    Name: (s: JobState) => s.job.name,
    Type: () => type,
    Status: (s: JobState) => s.status,
    LastRun: (s: JobState) => s.lastRun,
    LastResult: (s: JobState) => s.lastResult,
    NextRun: (s: JobState) => s.nextRun,
    Description: (s: JobState) => s.job.description,
    RepositoryId: (s: JobState) => s.job.repositoryId,
    ObjectsCount: (s: JobState) => s.job.objects.length,
  };
  return ok(
    pageOf(states, readPageParams(query, Object.keys(columns)), {
      filters: filtersFrom<JobState>(query, {
        name: s => s.job.name,
        exact: {
          idFilter: s => s.job.id,
          typeFilter: () => type,
          lastResultFilter: s => s.lastResult,
          statusFilter: s => s.status,
          workloadFilter: () => 'vm',
          isHighPriorityJobFilter: s => s.job.isHighPriority,
          repositoryIdFilter: s => s.job.repositoryId,
          objectsCountFilter: s => s.job.objects.length,
        },
        dates: { lastRun: s => s.lastRun },
      }),
      sortKeys: columns,
      render: state => {
        const rendered = renderJobState(state, render);
        return corruptJobStates.has(state.job.id)
          ? { ...rendered, lastRun: 'yesterday evening' }
          : rendered;
      },
    }),
  );
}

function startJob(context: RouteContext): SimResponse {
  const job = findJob(context);
  const session = context.live.startRun(job, context.render.now, 'user');
  return jsonResponse(201, renderSession(session, context.render));
}

function taskSessions(context: RouteContext): SimResponse {
  const session = findSession(context);
  const job = context.world.jobs.find(j => j.id === session.jobId);
  const data = renderTaskSessions(
    session,
    tasksOf(session, job),
    context.render,
  );
  return ok({
    data,
    pagination: {
      total: data.length,
      count: data.length,
      skip: 0,
      limit: data.length,
    },
  });
}

function listBackups({ world, query }: RouteContext): SimResponse {
  const columns = ['Name', 'CreationTime', 'PlatformId', 'JobId', 'PolicyTag'];
  return ok(
    pageOf(world.backups, readPageParams(query, columns), {
      filters: filtersFrom(query, {
        name: b => b.name,
        exact: {
          jobIdFilter: b => b.jobId,
          platformIdFilter: () => '00000000-0000-0000-0000-000000000000',
        },
        dates: { created: b => b.creationTime },
      }),
      sortKeys: {
        Name: b => b.name,
        CreationTime: b => b.creationTime,
        PlatformId: () => '',
        JobId: b => b.jobId,
        PolicyTag: () => '',
      },
      render: renderBackup,
    }),
  );
}

function listBackupObjects(
  { world, query }: RouteContext,
  scope: (object: BackupObjectRecord) => boolean,
): SimResponse {
  const counts = restorePointCounts(world);
  return ok(
    pageOf(
      world.backupObjects,
      readPageParams(query, ['Name', 'ObjectId', 'PlatformId', 'Type']),
      {
        filters: [
          scope,
          ...filtersFrom<BackupObjectRecord>(query, {
            name: o => o.name,
            exact: {
              platformNameFilter: () => 'VMware',
              platformIdFilter: () => '00000000-0000-0000-0000-000000000000',
              typeFilter: () => 'VM',
              viTypeFilter: () => 'VirtualMachine',
            },
          }),
        ],
        sortKeys: {
          Name: o => o.name,
          ObjectId: o => o.objectId,
          PlatformId: () => '',
          Type: () => 'VM',
        },
        render: object =>
          renderBackupObject(object, counts.get(object.id) ?? 0),
      },
    ),
  );
}

function listRestorePoints(
  { world, query }: RouteContext,
  scope: (point: RestorePointRecord) => boolean,
): SimResponse {
  return ok(
    pageOf(
      world.restorePoints,
      readPageParams(query, ['CreationTime', 'PlatformId', 'BackupId']),
      {
        filters: [
          scope,
          ...filtersFrom<RestorePointRecord>(query, {
            name: p => p.name,
            exact: {
              platformNameFilter: () => 'VMware',
              platformIdFilter: () => '00000000-0000-0000-0000-000000000000',
              backupIdFilter: p => p.backupId,
              backupObjectIdFilter: p => p.backupObjectId,
              malwareStatusFilter: () => 'Clean',
            },
            dates: { created: p => p.creationTime },
          }),
        ],
        sortKeys: {
          CreationTime: p => p.creationTime,
          PlatformId: () => '',
          BackupId: p => p.backupId,
        },
        render: renderRestorePoint,
      },
    ),
  );
}

function findJob({ world, params }: RouteContext) {
  const job = world.jobs.find(j => j.id === params[0]);
  if (!job) {
    throw notFound('Job', params[0]);
  }
  return job;
}

function findSession({ world, params }: RouteContext) {
  const index = world.sessions.indexOfId(params[0]);
  if (index === undefined) {
    throw notFound('Session', params[0]);
  }
  return world.sessions.at(index);
}

function findBackup({ world, params }: RouteContext) {
  const backup = world.backups.find(b => b.id === params[0]);
  if (!backup) {
    throw notFound('Backup', params[0]);
  }
  return backup;
}

function findBackupObject({ world, params }: RouteContext) {
  const object = world.backupObjects.find(o => o.id === params[0]);
  if (!object) {
    throw notFound('Backup object', params[0]);
  }
  return object;
}

function objectsByName(world: VeeamWorld): Map<string, BackupObjectRecord> {
  return new Map(world.backupObjects.map(o => [o.name, o]));
}

function restorePointCounts(world: VeeamWorld): Map<string, number> {
  const counts = new Map<string, number>();
  for (const point of world.restorePoints) {
    counts.set(
      point.backupObjectId,
      (counts.get(point.backupObjectId) ?? 0) + 1,
    );
  }
  return counts;
}
