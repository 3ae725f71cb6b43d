import {
  envelope,
  filtersFrom,
  readDate,
  readPageParams,
  sortInPlace,
  type Page,
  type SortKey,
} from './listing';
import type { SessionRecord, SessionStore } from './model';

export const SESSION_COLUMNS = [
  'Name',
  'SessionType',
  'CreationTime',
  'EndTime',
  'State',
  'Result',
] as const;

const SORT_KEYS: Record<string, SortKey<SessionRecord>> = {
  Name: s => s.name,
  SessionType: s => s.sessionType,
  EndTime: s => s.endTime,
  State: s => s.state,
  Result: s => s.result,
};

/** The indexes a query visits: a contiguous range, or a job's own sessions. */
interface Candidates {
  length: number;
  at(k: number): number;
}

/**
 * `GET /api/v1/sessions`. The store is ordered by creation time, so the
 * creation-time window (`createdAfterFilter` inclusive, `createdBeforeFilter`
 * exclusive) is an index range found by binary search, and CreationTime
 * order walks that range; a sync over millions of sessions only touches the
 * page it returns. `jobIdFilter` narrows the range further when the store
 * can list a job's sessions. Without orderColumn the newest come first.
 */
export function querySessions<R>(
  store: SessionStore,
  query: URLSearchParams,
  render: (session: SessionRecord) => R,
): Page<R> {
  const params = readPageParams(query, SESSION_COLUMNS);
  const createdAfter = readDate(query, 'createdAfterFilter');
  const createdBefore = readDate(query, 'createdBeforeFilter');
  const predicate = withoutDeleted(store, sessionPredicate(query));

  const from = createdAfter === undefined ? 0 : store.lowerBound(createdAfter);
  const to = Math.max(
    from,
    createdBefore === undefined ? store.size : store.lowerBound(createdBefore),
  );
  const jobId = query.get('jobIdFilter');
  const ofJob =
    jobId === null ? undefined : store.candidatesOfJob(jobId, from, to);
  const candidates: Candidates = ofJob
    ? { length: ofJob.length, at: k => ofJob[k] }
    : { length: to - from, at: k => from + k };
  const column = params.orderColumn ?? 'CreationTime';
  const ascending = params.orderColumn ? params.orderAsc : false;

  if (column === 'CreationTime') {
    return walkInCreationOrder(
      store,
      candidates,
      ascending,
      predicate,
      params,
      render,
    );
  }
  const matching: SessionRecord[] = [];
  for (let k = 0; k < candidates.length; k++) {
    const session = store.at(candidates.at(k));
    if (!predicate || predicate(session)) {
      matching.push(session);
    }
  }
  sortInPlace(matching, SORT_KEYS[column], ascending);
  return envelope(
    matching.slice(params.skip, params.skip + params.limit).map(render),
    matching.length,
    params,
  );
}

function walkInCreationOrder<R>(
  store: SessionStore,
  candidates: Candidates,
  ascending: boolean,
  predicate: ((session: SessionRecord) => boolean) | undefined,
  params: { skip: number; limit: number },
  render: (session: SessionRecord) => R,
): Page<R> {
  const size = candidates.length;
  const position = (k: number) => candidates.at(ascending ? k : size - 1 - k);
  const data: R[] = [];
  if (!predicate) {
    for (
      let k = params.skip;
      k < Math.min(size, params.skip + params.limit);
      k++
    ) {
      data.push(render(store.at(position(k))));
    }
    return envelope(data, size, params);
  }
  let total = 0;
  for (let k = 0; k < size; k++) {
    const session = store.at(position(k));
    if (predicate(session)) {
      if (total >= params.skip && data.length < params.limit) {
        data.push(render(session));
      }
      total++;
    }
  }
  return envelope(data, total, params);
}

/**
 * Deleted sessions are filtered like any other condition: the fast paths
 * without a predicate stay exact only while nothing was deleted.
 */
function withoutDeleted(
  store: SessionStore,
  predicate: ((session: SessionRecord) => boolean) | undefined,
): ((session: SessionRecord) => boolean) | undefined {
  if (store.deletedCount === 0) {
    return predicate;
  }
  return session =>
    !store.isDeleted(session.id) && (!predicate || predicate(session));
}

/** The remaining typed filters, or undefined when none is given. */
function sessionPredicate(
  query: URLSearchParams,
): ((session: SessionRecord) => boolean) | undefined {
  const checks = filtersFrom<SessionRecord>(query, {
    name: s => s.name,
    exact: {
      typeFilter: s => s.sessionType,
      stateFilter: s => s.state,
      resultFilter: s => s.result,
      jobIdFilter: s => s.jobId,
    },
    dates: { ended: s => s.endTime },
  });
  return checks.length === 0 ? undefined : s => checks.every(check => check(s));
}
