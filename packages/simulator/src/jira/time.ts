/**
 * Jira's date formats. The simulated site runs in UTC, so every offset is
 * `+0000`; clients must still parse the offset, never assume it.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** `2025-03-04T10:20:30.123+0000`: milliseconds and an offset without colon. */
export function jiraTime(epochMillis: number): string {
  return new Date(epochMillis).toISOString().replace('Z', '+0000');
}

/**
 * The same instant as Jira Data Center writes it, in its server's zone:
 * `2026-12-07T10:00:00.000+0100` (local time, offset without colon).
 */
export function jiraTimeIn(epochMillis: number, timeZone: string): string {
  if (timeZone === 'UTC') {
    return jiraTime(epochMillis);
  }
  const offsetMinutes = zoneOffsetMinutes(epochMillis, timeZone);
  const local = new Date(epochMillis + offsetMinutes * MINUTE)
    .toISOString()
    .replace('Z', '');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}${mm}`;
}

/** The zone's offset from UTC at an instant, in minutes (DST included). */
function zoneOffsetMinutes(epochMillis: number, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', {
    timeZone,
    timeZoneName: 'longOffset',
  })
    .formatToParts(new Date(epochMillis))
    .find(part => part.type === 'timeZoneName')!.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) {
    return 0;
  }
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** `2025-03-04T10:20:30+0000`: the `iso8601` member of JSM date objects. */
function isoSeconds(epochMillis: number): string {
  return new Date(epochMillis).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function clockTime(date: Date): string {
  const hours = date.getUTCHours();
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${hours % 12 || 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** The human text JSM shows next to a date, e.g. "Today 10:20 AM" or "04/Mar/25 10:20 AM". */
function friendlyDate(epochMillis: number, now: number): string {
  const date = new Date(epochMillis);
  const dayOf = (t: number) => Math.floor(t / DAY);
  const days = dayOf(now) - dayOf(epochMillis);
  if (days === 0) {
    return `Today ${clockTime(date)}`;
  }
  if (days === 1) {
    return `Yesterday ${clockTime(date)}`;
  }
  const day = String(date.getUTCDate()).padStart(2, '0');
  const year = String(date.getUTCFullYear() % 100).padStart(2, '0');
  return `${day}/${MONTHS[date.getUTCMonth()]}/${year} ${clockTime(date)}`;
}

export interface JsmDate {
  iso8601: string;
  jira: string;
  friendly: string;
  epochMillis: number;
}

export function jsmDate(epochMillis: number, now: number): JsmDate {
  return {
    iso8601: isoSeconds(epochMillis),
    jira: jiraTime(epochMillis),
    friendly: friendlyDate(epochMillis, now),
    epochMillis,
  };
}

export interface JsmDuration {
  millis: number;
  friendly: string;
}

/** `{millis, friendly}` as in SLA cycles; negative when a goal is overrun. */
export function jsmDuration(millis: number): JsmDuration {
  const sign = millis < 0 ? '-' : '';
  const minutesTotal = Math.floor(Math.abs(millis) / MINUTE);
  const hours = Math.floor(minutesTotal / 60);
  const minutes = minutesTotal % 60;
  const parts: string[] = [];
  if (hours > 0) {
    parts.push(`${hours}h`);
  }
  if (minutes > 0 || hours === 0) {
    parts.push(`${minutes}m`);
  }
  return { millis, friendly: `${sign}${parts.join(' ')}` };
}
