/**
 * ServiceNow's wire formats for time: the Table API stores and returns UTC
 * `YYYY-MM-DD HH:mm:ss`, schedule entries use `YYYYMMDDTHHmmss`.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function snDateTime(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(
      date.getUTCDate(),
    )} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(
      date.getUTCSeconds(),
    )}`
  );
}

export function scheduleDateTime(date: Date): string {
  return snDateTime(date).replace(/[-:]/g, '').replace(' ', 'T');
}

/** Parses `YYYY-MM-DD HH:mm:ss` (or a date alone) as UTC; undefined when it is not one. */
export function parseSnDateTime(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(
    text.trim(),
  );
  if (!match) {
    return undefined;
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  return new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function startOfUtcDay(date: Date): Date {
  return new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
  );
}
