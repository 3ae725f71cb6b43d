import { DateTime, Duration, Interval } from 'luxon';

/**
 * Times as the user reads them, the one place the plugin formats them:
 * luxon formats in the browser's zone and locale (or luxon's defaults, which
 * tests set), so a hand-over at 09:00 UTC shows as the local wall-clock
 * time, and the locale alone decides between "14:05" and "2:05 PM", never a
 * mix. Functions taking a `zone` default to the user's.
 */

/** The user's IANA time zone, e.g. "Europe/Berlin". */
export function userZone(): string {
  return DateTime.local().zoneName ?? 'UTC';
}

/** Today's date in the zone, e.g. "2026-12-07". */
export function todayIn(zone: string = userZone()): string {
  return DateTime.now().setZone(zone).toISODate()!;
}

const inZone = (iso: string, zone?: string) =>
  zone ? DateTime.fromISO(iso, { zone }) : DateTime.fromISO(iso);

/** E.g. "Nov 25, 2026, 10:00 AM" (en-US) or "25.11.2026, 10:00" (de). */
export function formatDateTime(iso: string, zone?: string): string {
  return inZone(iso, zone).toLocaleString(DateTime.DATETIME_MED);
}

/** A time of day in the locale's hour cycle: "2:05 PM" or "14:05". */
export function formatTime(iso: string, zone?: string): string {
  return inZone(iso, zone).toLocaleString(DateTime.TIME_SIMPLE);
}

/** A short date without the year, e.g. "Dec 7" (en-US), "7. Dez." (de). */
export function formatShortDate(iso: string, zone?: string): string {
  return inZone(iso, zone).toLocaleString({ month: 'short', day: 'numeric' });
}

/** A short date and time without the year, e.g. "Dec 7, 2:05 PM". */
export function formatShortDateTime(iso: string, zone?: string): string {
  return inZone(iso, zone).toLocaleString({
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** A calendar day in words, e.g. "Monday, December 7, 2026". */
export function formatLongDate(date: string): string {
  return DateTime.fromISO(date).toLocaleString(DateTime.DATE_HUGE);
}

/**
 * A planned window as the locale writes ranges, the shared part once:
 * "Dec 7, 10:00 AM – 12:00 PM", or with both dates when it spans days.
 */
export function formatTimeRange(
  startIso: string,
  endIso: string | undefined,
  zone?: string,
): string {
  if (!endIso) {
    return formatShortDateTime(startIso, zone);
  }
  const interval = Interval.fromDateTimes(
    inZone(startIso, zone),
    inZone(endIso, zone),
  );
  if (!interval.isValid) {
    return `${formatShortDateTime(startIso, zone)} – ${formatShortDateTime(
      endIso,
      zone,
    )}`;
  }
  return interval.toLocaleString({
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** E.g. "in 3 hours", "2 days ago", relative to `now`. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  return (
    DateTime.fromISO(iso).toRelative({ base: DateTime.fromMillis(now) }) ?? ''
  );
}

/**
 * A duration in its two largest units, e.g. "2 d 4 h", "3 h 20 min",
 * "45 min": precise enough for MTTR or an age, short enough for a tile.
 */
export function formatDuration(ms: number): string {
  if (ms < 60_000) {
    return `${Math.max(0, Math.round(ms / 1000))} s`;
  }
  const parts = Duration.fromMillis(ms)
    .shiftTo('days', 'hours', 'minutes')
    .toObject();
  const units: Array<[number, string]> = [
    [Math.floor(parts.days ?? 0), 'd'],
    [Math.floor(parts.hours ?? 0), 'h'],
    [Math.floor(parts.minutes ?? 0), 'min'],
  ];
  const first = units.findIndex(([value]) => value > 0);
  return units
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(' ');
}

/** Age of a past time, e.g. "3 h 20 min". */
export function formatAge(iso: string, now: number = Date.now()): string {
  return formatDuration(Math.max(0, now - Date.parse(iso)));
}

/** A ratio as a whole percentage, e.g. "97 %". */
export function formatPercent(value: number): string {
  return `${Math.round(value * 100)} %`;
}
