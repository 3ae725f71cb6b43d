import { DateTime } from 'luxon';
import { Frequency, RRule, RRuleSet } from 'rrule';
import { type WallTime, wallFields } from './zones';

/**
 * The one recurrence expander of ITOps, on `rrule` (RFC 5545 RRULE, RDATE,
 * EXDATE). Configured freeze windows and ServiceNow schedule spans (blackout
 * windows, on-call rotas) both repeat through it.
 *
 * rrule works on "floating" dates: wall-clock times written as UTC, as its
 * documentation advises for zoned rules. Each occurrence's wall-clock start
 * is then placed in the zone with luxon, which keeps an 18:00 window at
 * 18:00 across DST (an hour shorter or longer in absolute time that day).
 *
 * @public
 */
export type RecurrenceFrequency = 'daily' | 'weekly' | 'monthly' | 'yearly';

/** @public */
export interface RecurrenceRule {
  frequency: RecurrenceFrequency;
  /** Every how many days, weeks, months or years; default 1. */
  interval?: number;
  /**
   * Weekly rules: the ISO weekdays (1 = Monday … 7 = Sunday) it falls on;
   * default the first occurrence's weekday. With an interval, weeks are
   * counted in blocks of seven days from the first occurrence.
   */
  weekdays?: number[];
  /** Exclusive: no occurrence starts at or after this instant (epoch ms). */
  until?: number;
  /** Wall-clock starts of occurrences that do not take place (EXDATE). */
  except?: WallTime[];
}

/** A window in a zone, repeating or not.
 *
 * @public
 */
export interface RecurringWindow {
  /** Wall-clock start and end of the first occurrence, in `timeZone`. */
  start: WallTime;
  end: WallTime;
  timeZone: string;
  recurrence?: RecurrenceRule;
}

/** One occurrence, in epoch ms; `end` keeps the first occurrence's wall-clock end.
 *
 * @public
 */
export interface WindowOccurrence {
  start: number;
  end: number;
}

/** Hard stop for expansion, against a daily window over a huge range.
 *
 * @public
 */
export const MAX_OCCURRENCES = 1000;

const FREQUENCIES: Record<RecurrenceFrequency, Frequency> = {
  daily: Frequency.DAILY,
  weekly: Frequency.WEEKLY,
  monthly: Frequency.MONTHLY,
  yearly: Frequency.YEARLY,
};

const DAY_MS = 86_400_000;

/** Wall-clock fields as a floating date (the same fields, read as UTC). */
function floating(wall: WallTime): Date {
  const f = wallFields(wall);
  return new Date(
    Date.UTC(
      f.year,
      f.month - 1,
      f.day,
      f.hour,
      f.minute,
      f.second,
      f.millisecond,
    ),
  );
}

/** The instant at which the clocks of `zone` show a floating date. */
function placed(date: Date, zone: string): number {
  return DateTime.fromMillis(date.getTime(), { zone: 'UTC' })
    .setZone(zone, { keepLocalTime: true })
    .toMillis();
}

/** The wall-clock time of an instant in `zone`, as a floating date. */
function floatingOf(instant: number, zone: string): Date {
  return new Date(
    DateTime.fromMillis(instant, { zone })
      .setZone('UTC', { keepLocalTime: true })
      .toMillis(),
  );
}

function ruleSet(first: Date, rule: RecurrenceRule): RRuleSet {
  const day = first.getUTCDate();
  const month = first.getUTCMonth() + 1;
  // RFC 5545 skips months without the day; ITOps windows on the 29th–31st
  // fall on the last day of shorter months instead: the last of the days
  // from the 28th to the start's day (BYMONTHDAY=28,…,31;BYSETPOS=-1).
  const monthEnd =
    (rule.frequency === 'monthly' || rule.frequency === 'yearly') && day > 28
      ? {
          bymonthday: Array.from({ length: day - 27 }, (_, i) => 28 + i),
          bysetpos: -1,
          ...(rule.frequency === 'yearly' ? { bymonth: month } : {}),
        }
      : {};
  const isoWeekday = first.getUTCDay() || 7;
  const weekly =
    rule.frequency === 'weekly'
      ? {
          byweekday: (rule.weekdays?.length ? rule.weekdays : [isoWeekday]).map(
            d => d - 1,
          ),
          // Interval weeks start on the first occurrence's weekday.
          wkst: isoWeekday - 1,
        }
      : {};
  const set = new RRuleSet();
  set.rrule(
    new RRule({
      freq: FREQUENCIES[rule.frequency],
      interval: Math.max(1, Math.floor(rule.interval ?? 1)),
      dtstart: first,
      ...monthEnd,
      ...weekly,
    }),
  );
  // The first occurrence takes place even when the rule would not pick its
  // day (a span on a Wednesday repeating on Fridays), as ServiceNow does.
  set.rdate(first);
  for (const wall of rule.except ?? []) {
    set.exdate(floating(wall));
  }
  return set;
}

/**
 * The occurrences of a window that overlap `[from, to)`, by start, at most
 * {@link MAX_OCCURRENCES}. Windows that end before they start have none.
 *
 * @public
 */
export function occurrencesBetween(
  window: RecurringWindow,
  range: { from: number; to: number },
): WindowOccurrence[] {
  const firstStart = floating(window.start);
  const wallLength = floating(window.end).getTime() - firstStart.getTime();
  const zone = window.timeZone;
  const occurrence = (start: Date): WindowOccurrence => ({
    start: placed(start, zone),
    end: placed(new Date(start.getTime() + wallLength), zone),
  });
  const overlaps = (o: WindowOccurrence) =>
    o.end > o.start && o.start < range.to && o.end > range.from;
  const rule = window.recurrence;
  if (!rule) {
    const only = occurrence(firstStart);
    return overlaps(only) ? [only] : [];
  }
  // rrule searches floating time; a day either side covers every offset.
  const after = new Date(
    floatingOf(range.from, zone).getTime() - wallLength - DAY_MS,
  );
  const before = new Date(floatingOf(range.to, zone).getTime() + DAY_MS);
  const found: WindowOccurrence[] = [];
  // The callback stops rrule's iteration: at `until`, or at the cap.
  ruleSet(firstStart, rule).between(after, before, true, start => {
    const o = occurrence(start);
    if (rule.until !== undefined && o.start >= rule.until) return false;
    if (overlaps(o)) found.push(o);
    return found.length < MAX_OCCURRENCES;
  });
  return found;
}
