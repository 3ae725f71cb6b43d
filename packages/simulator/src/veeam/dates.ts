/**
 * VBR writes date-times in the backup server's local time with its UTC
 * offset and only as many fractional digits as needed
 * (`2025-11-05T18:01:26.52+01:00`). Clients that assume `Z` or a fixed
 * fraction length break on real servers, so the simulator does the same.
 * The simulated server sits in a fixed UTC+01:00 zone (no DST).
 */

export const SERVER_UTC_OFFSET_MINUTES = 60;

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function formatVeeamDate(epochMs: number): string {
  const local = new Date(epochMs + SERVER_UTC_OFFSET_MINUTES * 60_000);
  const iso = local.toISOString(); // yyyy-mm-ddThh:mm:ss.fffZ, in local time
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  const sign = SERVER_UTC_OFFSET_MINUTES < 0 ? '-' : '+';
  const offset = Math.abs(SERVER_UTC_OFFSET_MINUTES);
  const hh = String(Math.floor(offset / 60)).padStart(2, '0');
  const mm = String(offset % 60).padStart(2, '0');
  return `${iso.slice(0, 19)}${
    fraction ? `.${fraction}` : ''
  }${sign}${hh}:${mm}`;
}

export function formatVeeamDateOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : formatVeeamDate(epochMs);
}

/**
 * Parses a filter value. Values without an offset are taken as server local
 * time, as a .NET server reading `DateTime` would.
 */
export function parseVeeamDate(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text)) {
    return undefined;
  }
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.includes('T');
  const withTime = text.includes('T') ? text : `${text}T00:00:00`;
  const parsed = Date.parse(hasZone ? withTime : `${withTime}Z`);
  if (Number.isNaN(parsed)) {
    return undefined;
  }
  return hasZone ? parsed : parsed - SERVER_UTC_OFFSET_MINUTES * 60_000;
}

/** `00:26:04`-style durations of 1.3 session progress. */
export function formatDuration(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const parts = [
    Math.floor(total / 3600),
    Math.floor(total / 60) % 60,
    total % 60,
  ];
  return parts.map(p => String(p).padStart(2, '0')).join(':');
}
