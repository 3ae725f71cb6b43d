import { DateTime } from 'luxon';
import type { ItopsFreezeWindow } from './types';

/** The freeze windows overlapping `[start, end)`. */
export function freezesDuring(
  windows: readonly ItopsFreezeWindow[],
  start: number,
  end: number,
): ItopsFreezeWindow[] {
  return windows.filter(
    w => Date.parse(w.start) < end && Date.parse(w.end) > start,
  );
}

/**
 * The freeze windows overlapping a calendar day in the user's zone, from
 * its local midnight to the next (23 or 25 hours on a DST change). The
 * cell is the user's day whatever zone an API answer was computed for.
 */
export function freezesOnDay(
  windows: readonly ItopsFreezeWindow[],
  date: string,
  zone: string,
): ItopsFreezeWindow[] {
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  return freezesDuring(
    windows,
    start.toMillis(),
    start.plus({ days: 1 }).toMillis(),
  );
}

/** Whom a freeze applies to, in a few words. */
export function freezeScopeText(window: ItopsFreezeWindow): string {
  if (window.global) return 'all entities';
  const scope = window.scope;
  const parts = scope
    ? [
        ...scope.systems,
        ...scope.groups,
        ...scope.entities,
        ...scope.tags.map(tag => `tag ${tag}`),
      ]
    : window.entityRefs;
  return parts.length ? parts.join(', ') : 'no mapped entities';
}
