import { DateTime, Duration } from 'luxon';

/**
 * Times as the user reads them: luxon formats in the browser's zone and
 * locale, so a hand-over at 09:00 UTC shows as the local wall-clock time.
 */

/** E.g. "Nov 25, 2026, 10:00 AM", in the user's zone. */
export function formatDateTime(iso: string): string {
  return DateTime.fromISO(iso).toLocaleString(DateTime.DATETIME_MED);
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
