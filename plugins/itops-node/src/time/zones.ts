import { DateTime, IANAZone } from 'luxon';

/**
 * Time zones for every ITOps module, on luxon: sources write wall-clock
 * times in a zone (ServiceNow schedules, Jira's JQL dates), records carry
 * instants.
 */

/** Wall-clock fields of a date-time in some zone; the time defaults to midnight.
 *
 * @public
 */
export interface WallTime {
  year: number;
  /** 1 = January. */
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

/** Whether `zone` is an IANA zone this runtime knows, e.g. `Europe/Berlin` or `UTC`.
 *
 * @public
 */
export function isKnownTimeZone(zone: string): boolean {
  return zone.trim() !== '' && IANAZone.isValidZone(zone);
}

/**
 * The instant (epoch ms) at which the clocks of `zone` show `wall`. A wall
 * time that a DST change skips is moved forward by the gap (02:30 on the
 * spring-forward night is 03:30 summer time); one that occurs twice is
 * taken in standard time, the later of the two (luxon's choice). NaN for
 * an unknown zone or impossible fields.
 *
 * @public
 */
export function wallTimeToMillis(wall: WallTime, zone: string): number {
  const time = DateTime.fromObject(wallFields(wall), { zone });
  return time.isValid ? time.toMillis() : NaN;
}

/** The wall-clock fields that the clocks of `zone` show at `epochMs`.
 *
 * @public
 */
export function millisToWallTime(epochMs: number, zone: string): WallTime {
  const { year, month, day, hour, minute, second, millisecond } =
    DateTime.fromMillis(epochMs, { zone });
  return { year, month, day, hour, minute, second, millisecond };
}

/**
 * `epochMs` in `zone`, formatted with a luxon format string
 * (`yyyy/MM/dd HH:mm`). Fields below those shown are cut, not rounded.
 *
 * @public
 */
export function formatInZone(
  epochMs: number,
  zone: string,
  format: string,
): string {
  return DateTime.fromMillis(epochMs, { zone }).toFormat(format);
}

export function wallFields(wall: WallTime): Required<WallTime> {
  return {
    year: wall.year,
    month: wall.month,
    day: wall.day,
    hour: wall.hour ?? 0,
    minute: wall.minute ?? 0,
    second: wall.second ?? 0,
    millisecond: wall.millisecond ?? 0,
  };
}
