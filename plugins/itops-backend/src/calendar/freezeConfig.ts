import type { Config } from '@backstage/config';
import { DateTime, type DurationLikeObject } from 'luxon';
import type { TimeRange } from '../read/records';

/** How often a configured freeze window repeats. */
export type FreezeFrequency = 'daily' | 'weekly' | 'monthly' | 'yearly';

/** Whom a configured freeze window applies to; absent means everyone. */
export type FreezeScope = {
  /** System refs: the systems themselves and everything part of them. */
  systems: string[];
  /** Group refs: the groups themselves and everything they own. */
  groups: string[];
  /** Catalog tags of the entities. */
  tags: string[];
  /** Individual entity refs. */
  entities: string[];
};

/** One entry of `itops.freezeWindows`. */
export type ConfiguredFreezeWindow = {
  /** Stable id of the entry: its position and name. */
  id: string;
  name: string;
  description?: string;
  /** Wall-clock start and end of the first occurrence, in `timeZone`. */
  start: DateTime;
  end: DateTime;
  timeZone: string;
  recurrence?: {
    frequency: FreezeFrequency;
    interval: number;
    /** Exclusive: occurrences starting at or after it are dropped. */
    until?: DateTime;
  };
  scope?: FreezeScope;
};

/** One occurrence of a configured window, in epoch ms. */
export type FreezeOccurrence = {
  window: ConfiguredFreezeWindow;
  start: number;
  end: number;
};

const UNITS: Record<FreezeFrequency, keyof DurationLikeObject> = {
  daily: 'days',
  weekly: 'weeks',
  monthly: 'months',
  yearly: 'years',
};

/** Rough length of a unit, only to skip ahead close to a range. */
const APPROX_UNIT_MS: Record<FreezeFrequency, number> = {
  daily: 86_400_000,
  weekly: 7 * 86_400_000,
  monthly: 28 * 86_400_000,
  yearly: 365 * 86_400_000,
};

/** Hard stop for expansion, against a daily window over a huge range. */
const MAX_OCCURRENCES_PER_WINDOW = 1000;

function parseTime(value: string, timeZone: string, key: string): DateTime {
  // A value with an offset or Z is an instant; one without is wall-clock
  // time in the window's zone, which is what keeps 18:00 at 18:00 across DST.
  const parsed = DateTime.fromISO(value, { zone: timeZone, setZone: false });
  if (!parsed.isValid) {
    throw new Error(
      `Invalid ${key} '${value}': expected an ISO 8601 date-time (${parsed.invalidExplanation})`,
    );
  }
  return parsed.setZone(timeZone);
}

function readRefs(
  config: Config | undefined,
  key: string,
  defaultKind: string,
): string[] {
  return (config?.getOptionalStringArray(key) ?? []).map(ref =>
    normalizeRef(ref, defaultKind),
  );
}

/** `payments` → `system:default/payments`, lower-cased like catalog relation targets. */
export function normalizeRef(ref: string, defaultKind: string): string {
  const trimmed = ref.trim();
  const withKind = trimmed.includes(':')
    ? trimmed
    : `${defaultKind}:${trimmed}`;
  const [kind, rest] = withKind.split(/:(.*)/s, 2);
  const withNamespace = rest.includes('/') ? rest : `default/${rest}`;
  return `${kind}:${withNamespace}`.toLocaleLowerCase('en-US');
}

/**
 * Reads `itops.freezeWindows`. Errors name the entry, so that a typo in
 * app-config fails the backend's start-up with a pointer to it.
 */
export function readConfiguredFreezeWindows(
  config: Config,
): ConfiguredFreezeWindow[] {
  const entries = config.getOptionalConfigArray('itops.freezeWindows') ?? [];
  return entries.map((entry, index) => {
    const where = `itops.freezeWindows[${index}]`;
    const name = entry.getString('name');
    const timeZone = entry.getOptionalString('timeZone') ?? 'UTC';
    if (!DateTime.now().setZone(timeZone).isValid) {
      throw new Error(`Invalid ${where}.timeZone '${timeZone}'`);
    }
    const start = parseTime(
      entry.getString('start'),
      timeZone,
      `${where}.start`,
    );
    const end = parseTime(entry.getString('end'), timeZone, `${where}.end`);
    if (end <= start) {
      throw new Error(`${where}.end must be after ${where}.start`);
    }
    const recurrenceConfig = entry.getOptionalConfig('recurrence');
    let recurrence: ConfiguredFreezeWindow['recurrence'];
    if (recurrenceConfig) {
      const frequency = recurrenceConfig.getString('frequency');
      if (!(frequency in UNITS)) {
        throw new Error(
          `Invalid ${where}.recurrence.frequency '${frequency}': expected daily, weekly, monthly or yearly`,
        );
      }
      const interval = recurrenceConfig.getOptionalNumber('interval') ?? 1;
      if (!Number.isInteger(interval) || interval < 1) {
        throw new Error(
          `${where}.recurrence.interval must be a positive integer`,
        );
      }
      const until = recurrenceConfig.getOptionalString('until');
      recurrence = {
        frequency: frequency as FreezeFrequency,
        interval,
        until: until
          ? parseTime(until, timeZone, `${where}.recurrence.until`)
          : undefined,
      };
    }
    const scopeConfig = entry.getOptionalConfig('scope');
    const scope: FreezeScope | undefined = scopeConfig
      ? {
          systems: readRefs(scopeConfig, 'systems', 'system'),
          groups: readRefs(scopeConfig, 'groups', 'group'),
          tags: scopeConfig.getOptionalStringArray('tags') ?? [],
          entities: readRefs(scopeConfig, 'entities', 'component'),
        }
      : undefined;
    return {
      id: `${index}:${name}`,
      name,
      description: entry.getOptionalString('description'),
      start,
      end,
      timeZone,
      recurrence,
      scope,
    };
  });
}

/**
 * The occurrences of a configured window overlapping a range. Each
 * occurrence moves start and end by whole calendar units in the window's
 * zone, so a weekly "Friday 18:00 to Monday 06:00" stays at those wall-clock
 * times across DST (and is an hour shorter or longer in absolute time that
 * weekend). Monthly windows on the 29th–31st fall on the last day of shorter
 * months.
 */
export function occurrencesIn(
  window: ConfiguredFreezeWindow,
  range: TimeRange,
): FreezeOccurrence[] {
  const first = { start: window.start.toMillis(), end: window.end.toMillis() };
  if (!window.recurrence) {
    return first.start < range.to && first.end > range.from
      ? [{ window, ...first }]
      : [];
  }
  const { frequency, interval, until } = window.recurrence;
  const unit = UNITS[frequency];
  const span = first.end - first.start;
  // Start a few steps before the first occurrence that could reach the range.
  const skip = Math.max(
    0,
    Math.floor(
      (range.from - span - first.start) /
        (APPROX_UNIT_MS[frequency] * interval),
    ) - 2,
  );
  const occurrences: FreezeOccurrence[] = [];
  for (let step = skip; step < skip + MAX_OCCURRENCES_PER_WINDOW; step++) {
    const offset = { [unit]: step * interval };
    const start = window.start.plus(offset);
    if (until && start >= until) break;
    const startMs = start.toMillis();
    if (startMs >= range.to) break;
    const endMs = window.end.plus(offset).toMillis();
    if (endMs > range.from) {
      occurrences.push({ window, start: startMs, end: endMs });
    }
  }
  return occurrences;
}
