import type { WallTime } from '@backstage-itops/plugin-itops-node';

/**
 * ServiceNow's wire formats for time. The Table API returns UTC
 * `YYYY-MM-DD HH:mm:ss` (one-second resolution); schedule spans use
 * `YYYYMMDDTHHmmss` in the schedule's time zone, which the shared
 * time-zone helper of `@backstage-itops/plugin-itops-node` places.
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
