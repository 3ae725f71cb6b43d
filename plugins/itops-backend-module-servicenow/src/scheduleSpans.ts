import {
  occurrencesBetween,
  type RecurrenceRule,
  wallTimeToMillis,
} from '@backstage-itops/plugin-itops-node';
import type { SnRow } from './client';
import { parseScheduleDateTime } from './time';

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

export interface Occurrence {
  id: string;
  spanName?: string;
  start: number;
  end: number;
}

/**
 * How a span repeats, as a recurrence rule: daily, weekly (on the ISO
 * weekdays in `days_of_week`, digits with 1 = Monday, or on its own
 * weekday), `weekdays` (Monday to Friday), monthly or yearly; every
 * `repeat_count` of those (default 1), through the day `repeat_until` in
 * the schedule's zone. Undefined for a span that does not repeat, or
 * repeats in a way not known here (then only the span itself counts).
 */
function recurrenceOf(span: SnRow, zone: string): RecurrenceRule | undefined {
  const repeat = (span.repeat_type ?? '').trim().toLowerCase();
  const days = [
    ...new Set(
      [...(span.days_of_week ?? '')]
        .filter(c => c >= '1' && c <= '7')
        .map(Number),
    ),
  ];
  let rule: RecurrenceRule;
  switch (repeat) {
    case 'daily':
    case 'monthly':
    case 'yearly':
      rule = { frequency: repeat };
      break;
    case 'weekly':
      rule = {
        frequency: 'weekly',
        ...(days.length ? { weekdays: days } : {}),
      };
      break;
    case 'weekdays':
      rule = { frequency: 'weekly', weekdays: [1, 2, 3, 4, 5] };
      break;
    default:
      return undefined;
  }
  const until = parseScheduleDateTime(span.repeat_until ?? '');
  // Through the whole day of repeat_until: up to the midnight after it.
  const dayAfter =
    until && new Date(Date.UTC(until.year, until.month - 1, until.day + 1));
  return {
    ...rule,
    interval: repeatCount(span),
    ...(dayAfter
      ? {
          until: wallTimeToMillis(
            {
              year: dayAfter.getUTCFullYear(),
              month: dayAfter.getUTCMonth() + 1,
              day: dayAfter.getUTCDate(),
            },
            zone,
          ),
        }
      : {}),
  };
}

/**
 * The span's occurrences that overlap `[from, until]`: the span itself, or
 * its repetitions (see {@link recurrenceOf}), with their wall-clock times
 * in the schedule's zone.
 */
export function occurrences(
  span: SnRow,
  zone: string,
  from: number,
  until: number,
): Occurrence[] {
  const start = parseScheduleDateTime(span.start_date_time ?? '');
  const end = parseScheduleDateTime(span.end_date_time ?? '');
  if (!start || !end) {
    return [];
  }
  const recurrence = recurrenceOf(span, zone);
  // The range is closed here: an occurrence touching `from` or `until` counts.
  return occurrencesBetween(
    { start, end, timeZone: zone, recurrence },
    { from: from - 1, to: until + 1 },
  ).map(o => ({
    id: recurrence
      ? `${span.sys_id}@${new Date(o.start).toISOString()}`
      : span.sys_id,
    spanName: span.name,
    start: o.start,
    end: o.end,
  }));
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
  const start = wallTimeToMillis(startWall, zone);
  const duration = wallTimeToMillis(endWall, zone) - start;
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
  const until = recurrenceOf(span, zone)?.until;
  if (until === undefined) {
    return { start, end: Infinity };
  }
  const last = occurrences(
    span,
    zone,
    until - duration - DAY_MS,
    until - 1,
  ).pop();
  return { start, end: last ? last.end : start + duration };
}
