import { DateTime } from 'luxon';
import { freezesOnDay } from './freezeBands';
import type { ItopsCalendarChange, ItopsFreezeWindow } from './types';

/**
 * Where things sit on a day column of the week view, in wall-clock hours of
 * the user's zone (0 = local midnight, 24 = the next). Wall-clock rather
 * than elapsed hours so that a block lines up with the hour labels of the
 * axis: on a spring-forward day the hour 02:00–03:00 stays empty, on a
 * fall-back day the repeated hour is drawn once.
 */

/** A change shorter than this (or without an end) is drawn this tall. */
export const MIN_HOURS = 0.5;

/** The instant's wall-clock hour on the local day `date`, clamped to it. */
export function hourOnDay(iso: string, date: string, zone: string): number {
  const dayStart = DateTime.fromISO(date, { zone }).startOf('day');
  const t = DateTime.fromISO(iso, { zone });
  if (t <= dayStart) return 0;
  if (t >= dayStart.plus({ days: 1 })) return 24;
  return t.hour + t.minute / 60 + t.second / 3600;
}

/** Whether `[start, end)` (a point without an end) touches the local day. */
function onDay(
  start: string,
  end: string | undefined,
  date: string,
  zone: string,
) {
  const dayStart = DateTime.fromISO(date, { zone }).startOf('day');
  const dayEnd = dayStart.plus({ days: 1 });
  const s = DateTime.fromISO(start, { zone });
  const e = end ? DateTime.fromISO(end, { zone }) : s;
  return end ? s < dayEnd && e > dayStart : s >= dayStart && s < dayEnd;
}

export type ChangeSegment = {
  change: ItopsCalendarChange;
  /** Hours from local midnight, as drawn (at least {@link MIN_HOURS}). */
  top: number;
  bottom: number;
  /** The column among overlapping changes, and how many share the time. */
  column: number;
  columns: number;
};

/**
 * The changes of one day as blocks, overlapping ones side by side: each
 * group of transitively overlapping blocks is split into as many columns as
 * it needs at most, each block in the first column free at its start.
 */
export function layoutDay(
  changes: readonly ItopsCalendarChange[],
  date: string,
  zone: string,
): ChangeSegment[] {
  const segments = changes
    .filter(c => onDay(c.plannedStart, c.plannedEnd, date, zone))
    .map(change => {
      let top = hourOnDay(change.plannedStart, date, zone);
      let bottom = change.plannedEnd
        ? hourOnDay(change.plannedEnd, date, zone)
        : top;
      top = Math.min(top, 24 - MIN_HOURS);
      bottom = Math.max(bottom, top + MIN_HOURS);
      return { change, top, bottom, column: 0, columns: 1 };
    })
    .sort((a, b) => a.top - b.top || b.bottom - a.bottom);

  let group: ChangeSegment[] = [];
  let groupEnd = -1;
  let columnEnds: number[] = [];
  const closeGroup = () => {
    for (const segment of group) segment.columns = columnEnds.length;
    group = [];
    columnEnds = [];
  };
  for (const segment of segments) {
    if (segment.top >= groupEnd) closeGroup();
    let column = columnEnds.findIndex(end => end <= segment.top);
    if (column === -1) {
      column = columnEnds.length;
      columnEnds.push(segment.bottom);
    } else {
      columnEnds[column] = segment.bottom;
    }
    segment.column = column;
    group.push(segment);
    groupEnd = Math.max(groupEnd, segment.bottom);
  }
  closeGroup();
  return segments;
}

export type FreezeSegment = {
  window: ItopsFreezeWindow;
  top: number;
  bottom: number;
};

/** The hours of the local day each freeze window covers. */
export function freezeSegments(
  windows: readonly ItopsFreezeWindow[],
  date: string,
  zone: string,
): FreezeSegment[] {
  return freezesOnDay(windows, date, zone).map(window => ({
    window,
    top: hourOnDay(window.start, date, zone),
    bottom: hourOnDay(window.end, date, zone),
  }));
}
