import type { SnRow } from './client';
import { parseScheduleDateTime, type WallTime, zonedTimeToUtc } from './time';

/**
 * Schedule spans (`cmn_schedule_span` and the tables extending it, such as
 * on-call's `roster_schedule_span`): when a span applies, repetitions
 * expanded. Blackout schedules (freeze windows) and on-call rotas share
 * them.
 */

/** The columns that say when a span applies. */
export const SPAN_TIMING_FIELDS = [
  'start_date_time',
  'end_date_time',
  'repeat_type',
  'repeat_count',
  'repeat_until',
  'days_of_week',
];

/** Guards against a span repeating every day for decades. */
const MAX_OCCURRENCES_PER_SPAN = 1000;

export interface Occurrence {
  id: string;
  spanName?: string;
  start: number;
  end: number;
}

/**
 * The span's occurrences that overlap `[from, until]`: the span itself, or
 * its repetitions (daily, weekly on `days_of_week` or its own weekday,
 * monthly, yearly; every `repeat_count` of those, default 1) up to
 * `repeat_until`.
 */
export function occurrences(
  span: SnRow,
  zone: string,
  from: number,
  until: number,
): Occurrence[] {
  const startWall = parseScheduleDateTime(span.start_date_time ?? '');
  const endWall = parseScheduleDateTime(span.end_date_time ?? '');
  if (!startWall || !endWall) {
    return [];
  }
  const first = zonedTimeToUtc(startWall, zone);
  const duration = zonedTimeToUtc(endWall, zone) - first;
  if (!(duration > 0)) {
    return [];
  }
  const repeat = (span.repeat_type ?? '').trim().toLowerCase();
  if (!repeat || repeat === 'none') {
    return first <= until && first + duration >= from
      ? [
          {
            id: span.sys_id,
            spanName: span.name,
            start: first,
            end: first + duration,
          },
        ]
      : [];
  }
  const repeatUntilWall = parseScheduleDateTime(span.repeat_until ?? '');
  const lastStart = repeatUntilWall
    ? zonedTimeToUtc(
        { ...repeatUntilWall, hour: 23, minute: 59, second: 59 },
        zone,
      )
    : Infinity;
  const result: Occurrence[] = [];
  for (const wall of repetitions(
    startWall,
    repeat,
    span.days_of_week ?? '',
    repeatCount(span),
  )) {
    const start = zonedTimeToUtc(wall, zone);
    if (start > until || start > lastStart) {
      break;
    }
    if (start + duration >= from) {
      result.push({
        id: `${span.sys_id}@${new Date(start).toISOString()}`,
        spanName: span.name,
        start,
        end: start + duration,
      });
      if (result.length >= MAX_OCCURRENCES_PER_SPAN) {
        break;
      }
    }
  }
  return result;
}

/**
 * Wall-clock starts of a repeating span, the span itself first. Weekly
 * spans repeat on the ISO weekdays in `days_of_week` (digits, 1 = Monday),
 * or on their own weekday without it; `every` 2 takes every other day,
 * week, month or year. Unknown repeat types yield only the span itself.
 */
function* repetitions(
  start: WallTime,
  repeat: string,
  daysOfWeek: string,
  every: number,
): Generator<WallTime> {
  const shift = (days: number, months = 0, years = 0): WallTime => {
    // A monthly span on the 31st falls on the last day of shorter months.
    const firstOfMonth = new Date(
      Date.UTC(start.year + years, start.month - 1 + months, 1),
    );
    const monthLength = new Date(
      Date.UTC(
        firstOfMonth.getUTCFullYear(),
        firstOfMonth.getUTCMonth() + 1,
        0,
      ),
    ).getUTCDate();
    const d = new Date(
      Date.UTC(
        firstOfMonth.getUTCFullYear(),
        firstOfMonth.getUTCMonth(),
        Math.min(start.day, monthLength) + days,
      ),
    );
    return {
      ...start,
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
    };
  };
  const isoWeekday = (wall: WallTime) =>
    new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay() || 7;
  const days = new Set(
    [...daysOfWeek].filter(c => c >= '1' && c <= '7').map(Number),
  );
  let dayFilter: ((weekday: number) => boolean) | undefined;
  if (repeat === 'weekdays') {
    dayFilter = weekday => weekday <= 5;
  } else if (repeat === 'weekly' && days.size > 0) {
    dayFilter = weekday => days.has(weekday);
  }
  for (let n = 0; n < 100_000; n++) {
    if (dayFilter) {
      const wall = shift(n);
      const week = Math.floor(n / 7);
      if (n === 0 || (week % every === 0 && dayFilter(isoWeekday(wall)))) {
        yield wall;
      }
      continue;
    }
    switch (repeat) {
      case 'daily':
        yield shift(every * n);
        break;
      case 'weekly':
        yield shift(7 * every * n);
        break;
      case 'monthly':
        yield shift(0, every * n);
        break;
      case 'yearly':
        yield shift(0, 0, every * n);
        break;
      default:
        if (n === 0) {
          yield start;
        }
        return;
    }
  }
}

/** `repeat_count`: every how many days, weeks, months or years; default 1. */
function repeatCount(span: SnRow): number {
  const count = Number.parseInt(span.repeat_count ?? '', 10);
  return count >= 1 ? count : 1;
}

const DAY_MS = 86_400_000;

/**
 * When a repeating span leaves no gap between its occurrences (a daily span
 * of 24 hours, a weekly one of a week: coverage around the clock), the one
 * stretch it covers, from its first start to the end of its last
 * occurrence (`Infinity` without `repeat_until`); undefined for a span
 * with gaps, whose occurrences `occurrences` lists.
 */
export function continuousStretch(
  span: SnRow,
  zone: string,
): { start: number; end: number } | undefined {
  const startWall = parseScheduleDateTime(span.start_date_time ?? '');
  const endWall = parseScheduleDateTime(span.end_date_time ?? '');
  if (!startWall || !endWall) {
    return undefined;
  }
  const start = zonedTimeToUtc(startWall, zone);
  const duration = zonedTimeToUtc(endWall, zone) - start;
  const repeat = (span.repeat_type ?? '').trim().toLowerCase();
  const days = [...(span.days_of_week ?? '')].filter(c => c >= '1' && c <= '7');
  let periodDays: number | undefined;
  if (repeat === 'daily') {
    periodDays = repeatCount(span);
  } else if (repeat === 'weekly' && days.length === 0) {
    periodDays = 7 * repeatCount(span);
  }
  // Shorter than the period by more than an hour: there are gaps (a
  // daylight-saving hour does not make one).
  if (periodDays === undefined || duration < periodDays * DAY_MS - 3_600_000) {
    return undefined;
  }
  const until = parseScheduleDateTime(span.repeat_until ?? '');
  if (!until) {
    return { start, end: Infinity };
  }
  const lastStart = zonedTimeToUtc(
    { ...until, hour: 23, minute: 59, second: 59 },
    zone,
  );
  const last = occurrences(span, zone, lastStart - duration, lastStart).pop();
  return { start, end: last ? last.end : start + duration };
}
