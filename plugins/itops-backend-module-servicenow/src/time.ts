/**
 * ServiceNow's wire formats for time. The Table API returns UTC
 * `YYYY-MM-DD HH:mm:ss` (one-second resolution); schedule spans use
 * `YYYYMMDDTHHmmss` in the schedule's time zone.
 */

const TABLE_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?)?$/;

/** A Table API date-time (or date) as ISO 8601 UTC; undefined when empty or unreadable. */
export function parseSnDateTime(text: string | undefined): string | undefined {
  const ms = snDateTimeMs(text);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export function snDateTimeMs(text: string | undefined): number | undefined {
  const match = TABLE_DATE_TIME.exec((text ?? '').trim());
  if (!match) {
    return undefined;
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  return Number.isNaN(ms) ? undefined : ms;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch milliseconds as a Table API UTC date-time, for queries. */
export function formatSnDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(
    d.getUTCDate(),
  )} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(
    d.getUTCSeconds(),
  )}`;
}

/** Wall-clock fields of a schedule date-time. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** `20251224T000000` (or `20251224`) as wall-clock fields. */
export function parseScheduleDateTime(text: string): WallTime | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?Z?$/.exec(
    text.trim(),
  );
  if (!match) {
    return undefined;
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  return {
    year: +y,
    month: +mo,
    day: +d,
    hour: +h,
    minute: +mi,
    second: +s,
  };
}

/**
 * The instant at which the clocks of `timeZone` show `wall`. Uses the zone's
 * offset at that moment (found in two steps, which settles across DST
 * changes).
 */
export function zonedTimeToUtc(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second,
  );
  if (isUtc(timeZone)) {
    return asUtc;
  }
  let guess = asUtc - offsetMs(asUtc, timeZone);
  guess = asUtc - offsetMs(guess, timeZone);
  return guess;
}

function isUtc(zone: string): boolean {
  return /^(utc|gmt|etc\/utc|etc\/gmt|z)$/i.test(zone);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone` is ahead of UTC at `instant`. */
function offsetMs(instant: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(new Date(instant)).map(p => [p.type, p.value]),
  );
  const shown = Date.UTC(
    +parts.year,
    +parts.month - 1,
    +parts.day,
    +parts.hour,
    +parts.minute,
    +parts.second,
  );
  return shown - Math.floor(instant / 1000) * 1000;
}

/** Whether `zone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    return Boolean(
      new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions(),
    );
  } catch {
    return false;
  }
}
