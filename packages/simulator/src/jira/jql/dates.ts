import { DAY, HOUR, MINUTE, WEEK } from '../time';
import { JqlError } from './errors';
import type { Operand } from './parser';

/**
 * JQL date values: absolute dates, periods relative to now and the
 * start/end functions. The simulated users' time zone is UTC.
 */

const PERIOD_UNITS: Record<string, number> = {
  w: WEEK,
  d: DAY,
  h: HOUR,
  m: MINUTE,
};

const ABSOLUTE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/;
const PERIOD = /^([-+]?)\s*((?:\d+[wdhm]\s*)+)$/;

function invalidDate(value: string, field: string): JqlError {
  return new JqlError(
    `Date value '${value}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
  );
}

export function parseDateValue(
  value: string,
  now: number,
  field: string,
): number {
  const text = value.trim();
  const absolute = ABSOLUTE.exec(text);
  if (absolute) {
    const [year, month, day, hour = 0, minute = 0] = absolute
      .slice(1)
      .map(part => (part === undefined ? undefined : Number(part)));
    const time = Date.UTC(year!, month! - 1, day!, hour, minute);
    const check = new Date(time);
    if (
      check.getUTCMonth() !== month! - 1 ||
      check.getUTCDate() !== day ||
      hour! > 23
    ) {
      throw invalidDate(value, field);
    }
    return time;
  }
  const period = PERIOD.exec(text);
  if (period) {
    const sign = period[1] === '-' ? -1 : 1;
    let offset = 0;
    for (const [, amount, unit] of period[2].matchAll(/(\d+)([wdhm])/g)) {
      offset += Number(amount) * PERIOD_UNITS[unit];
    }
    return now + sign * offset;
  }
  if (/^\d{9,}$/.test(text)) {
    return Number(text);
  }
  throw invalidDate(value, field);
}

type Unit = 'd' | 'w' | 'M' | 'y';

/** The start of the calendar unit containing `time` (weeks start on Monday). */
function startOf(time: number, unit: Unit): number {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  switch (unit) {
    case 'd':
      return Date.UTC(year, month, day);
    case 'w':
      return Date.UTC(year, month, day - ((date.getUTCDay() + 6) % 7));
    case 'M':
      return Date.UTC(year, month, 1);
    default:
      return Date.UTC(year, 0, 1);
  }
}

function shift(time: number, amount: number, unit: string): number {
  const date = new Date(time);
  switch (unit) {
    case 'y':
      date.setUTCFullYear(date.getUTCFullYear() + amount);
      return date.getTime();
    case 'M':
      date.setUTCMonth(date.getUTCMonth() + amount);
      return date.getTime();
    default:
      return time + amount * PERIOD_UNITS[unit];
  }
}

const FUNCTIONS: Record<string, { unit: Unit; end: boolean }> = {
  startofday: { unit: 'd', end: false },
  endofday: { unit: 'd', end: true },
  startofweek: { unit: 'w', end: false },
  endofweek: { unit: 'w', end: true },
  startofmonth: { unit: 'M', end: false },
  endofmonth: { unit: 'M', end: true },
  startofyear: { unit: 'y', end: false },
  endofyear: { unit: 'y', end: true },
};

export function isDateFunction(name: string): boolean {
  return name.toLowerCase() === 'now' || name.toLowerCase() in FUNCTIONS;
}

/** Resolves a date operand (value or function) to epoch milliseconds. */
export function resolveDate(
  operand: Extract<Operand, { kind: 'value' | 'function' }>,
  now: number,
  field: string,
): number {
  if (operand.kind === 'value') {
    return parseDateValue(operand.value, now, field);
  }
  const name = operand.name.toLowerCase();
  if (name === 'now' && operand.args.length === 0) {
    return now;
  }
  const spec = FUNCTIONS[name];
  const increment = /^([-+]?\d+)([wdhmMy]?)$/.exec(operand.args[0] ?? '0');
  if (!spec || operand.args.length > 1 || !increment) {
    throw new JqlError(
      `Unable to find JQL function '${operand.name}(${operand.args.join(
        ', ',
      )})'.`,
    );
  }
  const base = spec.end
    ? shift(startOf(now, spec.unit), 1, spec.unit) - 1
    : startOf(now, spec.unit);
  return shift(base, Number(increment[1]), increment[2] || spec.unit);
}
