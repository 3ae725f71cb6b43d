import { DateTime } from 'luxon';
import type { TimeRange } from '../read/records';

/** One calendar day in a time zone. */
export type Day = {
  /** `2026-11-25` */
  date: string;
  start: number;
  end: number;
};

/**
 * The days in a zone that a range touches, from the start of the day of
 * `from` up to `to`. Days are 23 or 25 hours long on DST changes.
 */
export function daysOf(range: TimeRange, timeZone: string): Day[] {
  const days: Day[] = [];
  let day = DateTime.fromMillis(range.from, { zone: timeZone }).startOf('day');
  while (day.toMillis() < range.to) {
    const next = day.plus({ days: 1 });
    days.push({
      date: day.toISODate()!,
      start: day.toMillis(),
      end: next.toMillis(),
    });
    day = next;
  }
  return days;
}

/** Index of the day containing `ms`, clamped to the list. */
function dayIndex(days: readonly Day[], ms: number): number {
  let low = 0;
  let high = days.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (days[mid].start <= ms) low = mid;
    else high = mid - 1;
  }
  return low;
}

export type DayBucket = {
  day: Day;
  total: number;
  /**
   * Up to `perDay` ids in planned-start order, the changes starting on the
   * day first: carried-over changes fill the slots its own leave free.
   */
  ids: number[];
};

/**
 * Spreads changes, ordered by planned start, over the days they overlap,
 * keeping `perDay` of each day and counting the rest, so that a month of
 * thousands of changes is drawn from a few hundred ("+12 more"). A day
 * shows the changes that start on it before those still running from an
 * earlier day: on a busy calendar the evening's long changes would
 * otherwise fill every next morning, and a cell would show none of its own.
 */
export function bucketByDay(
  days: readonly Day[],
  changes: Iterable<{ id: number; start: number; end?: number }>,
  perDay: number,
): DayBucket[] {
  const kept = days.map(() => ({
    own: [] as number[],
    carried: [] as number[],
  }));
  const totals = days.map(() => 0);
  if (days.length > 0) {
    const first = days[0].start;
    const last = days[days.length - 1].end;
    for (const change of changes) {
      // The window's last instant decides its last day: a change ending at
      // midnight does not spill into the next day.
      const end = Math.max(change.end ?? change.start, change.start + 1) - 1;
      if (end < first || change.start >= last) continue;
      const from = dayIndex(days, Math.max(change.start, first));
      const to = dayIndex(days, Math.min(end, last - 1));
      for (let i = from; i <= to; i++) {
        totals[i]++;
        const list =
          change.start >= days[i].start ? kept[i].own : kept[i].carried;
        if (list.length < perDay) list.push(change.id);
      }
    }
  }
  return days.map((day, i) => {
    const { own, carried } = kept[i];
    return {
      day,
      total: totals[i],
      ids: [...carried.slice(0, Math.max(0, perDay - own.length)), ...own],
    };
  });
}
