import { HOUR, SERVER_UTC_OFFSET_MINUTES } from './dates';
import type { JobRecord } from './model';

/**
 * Jobs run every `everyHours` hours from a fixed anchor: a Saturday local
 * midnight plus the job's start minute. That gives hourly jobs a fixed minute,
 * daily jobs a fixed time and weekly jobs a Saturday run, all in server time.
 */
const ANCHOR = Date.UTC(2024, 0, 6) - SERVER_UTC_OFFSET_MINUTES * 60_000;

function firstRunAtOrAfter(job: JobRecord, epochMs: number): number {
  const period = job.everyHours * HOUR;
  const start = ANCHOR + job.startMinute * 60_000;
  return start + Math.ceil((epochMs - start) / period) * period;
}

/** Scheduled start times in [from, to). */
export function runTimesBetween(
  job: JobRecord,
  from: number,
  to: number,
): number[] {
  const times: number[] = [];
  for (
    let t = firstRunAtOrAfter(job, from);
    t < to;
    t += job.everyHours * HOUR
  ) {
    times.push(t);
  }
  return times;
}

/** The next scheduled start strictly after `epochMs`. */
export function nextRunAfter(job: JobRecord, epochMs: number): number {
  return firstRunAtOrAfter(job, epochMs + 1);
}

/** `7/30/2025 7:00 PM`: how 1.3 describes the next run in server time. */
export function nextRunPolicyText(epochMs: number): string {
  const local = new Date(epochMs + SERVER_UTC_OFFSET_MINUTES * 60_000);
  const hours = local.getUTCHours();
  const minutes = String(local.getUTCMinutes()).padStart(2, '0');
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${
    local.getUTCMonth() + 1
  }/${local.getUTCDate()}/${local.getUTCFullYear()} ${hour12}:${minutes} ${
    hours < 12 ? 'AM' : 'PM'
  }`;
}
