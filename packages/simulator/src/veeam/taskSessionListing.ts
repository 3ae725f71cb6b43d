import type { SimResponse } from '../types';
import { jsonResponse } from './errors';
import { filtersFrom, pageOf, readDate, readPageParams } from './listing';
import { renderTaskSessions, tasksOf } from './render';
import type { RouteContext } from './routes';

type RenderedTask = ReturnType<typeof renderTaskSessions>[number] & {
  sessionType: string;
};

const COLUMNS = [
  'Name',
  'Type',
  'SessionType',
  'CreationTime',
  'EndTime',
  'State',
  'Result',
];

/**
 * `GET /api/v1/taskSessions`: the task sessions of every session, with the
 * typed filters of the 1.2-rev1 spec. A task is created with its session,
 * so the creation-time window is the sessions' index range, found by binary
 * search; only the sessions inside it are expanded into tasks.
 */
export function listAllTaskSessions(context: RouteContext): SimResponse {
  const { world, query, render } = context;
  const params = readPageParams(query, COLUMNS);
  const after = readDate(query, 'createdAfterFilter');
  const before = readDate(query, 'createdBeforeFilter');
  const store = world.sessions;
  const from = after === undefined ? 0 : store.lowerBound(after);
  const to = before === undefined ? store.size : store.lowerBound(before);
  const jobs = new Map(world.jobs.map(job => [job.id, job]));
  const tasks: RenderedTask[] = [];
  for (let index = from; index < to; index++) {
    const session = store.at(index);
    if (store.isDeleted(session.id)) {
      continue;
    }
    for (const task of renderTaskSessions(
      session,
      tasksOf(session, jobs.get(session.jobId)),
      render,
    )) {
      tasks.push({ ...task, sessionType: session.sessionType });
    }
  }
  return jsonResponse(
    200,
    pageOf(tasks, params, {
      filters: filtersFrom<RenderedTask>(query, {
        name: t => t.name,
        exact: {
          typeFilter: t => t.type,
          sessionTypeFilter: t => t.sessionType,
          sessionIdFilter: t => t.sessionId,
          stateFilter: t => t.state,
          resultFilter: t => t.result.result,
        },
        dates: { ended: t => (t.endTime ? Date.parse(t.endTime) : null) },
      }),
      sortKeys: {
        Name: t => t.name,
        Type: t => t.type,
        SessionType: t => t.sessionType,
        CreationTime: t => Date.parse(t.creationTime),
        EndTime: t => (t.endTime ? Date.parse(t.endTime) : null),
        State: t => t.state,
        Result: t => t.result.result,
      },
      render: t => t,
    }),
  );
}
