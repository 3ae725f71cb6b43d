import type { ItopsApi, ItopsEntitySummary } from '../../api';

/**
 * How long an answered summary is handed to further cards. The cards of one
 * tab arrive in separate lazy chunks and mount tens of milliseconds apart,
 * so sharing only the request in flight would still send a second one; a
 * few seconds cover one tab render without showing a stale summary later.
 */
export const SUMMARY_REUSE_MS = 5_000;

interface Entry {
  promise: Promise<ItopsEntitySummary>;
  /** When the answer arrived; undefined while the request is in flight. */
  answeredAt?: number;
}

// Per API instance, so that tests (and apps) with their own client never
// see another's answers; the WeakMap lets a dropped client go with its cache.
const entries = new WeakMap<ItopsApi, Map<string, Entry>>();

/**
 * The entity's summary, requested once for all cards of a tab: the
 * incidents and changes cards both read it, and used to fetch it each. A
 * failed request is forgotten at once, so a card's retry asks again.
 */
export function loadSharedSummary(
  api: ItopsApi,
  entityRef: string,
  now: () => number = Date.now,
): Promise<ItopsEntitySummary> {
  let byRef = entries.get(api);
  if (!byRef) {
    byRef = new Map();
    entries.set(api, byRef);
  }
  const cached = byRef.get(entityRef);
  if (
    cached &&
    (cached.answeredAt === undefined ||
      now() - cached.answeredAt < SUMMARY_REUSE_MS)
  ) {
    return cached.promise;
  }
  const entry: Entry = {
    promise: api.getEntitySummary(entityRef).then(
      summary => {
        entry.answeredAt = now();
        return summary;
      },
      error => {
        if (byRef!.get(entityRef) === entry) byRef!.delete(entityRef);
        throw error;
      },
    ),
  };
  byRef.set(entityRef, entry);
  return entry.promise;
}
