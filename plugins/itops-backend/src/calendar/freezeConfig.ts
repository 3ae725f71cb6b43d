import {
  isKnownTimeZone,
  occurrencesBetween,
  type WallTime,
} from '@backstage-itops/plugin-itops-node';
import type { Config } from '@backstage/config';
import { DateTime } from 'luxon';
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

const FREQUENCIES: readonly FreezeFrequency[] = [
  'daily',
  'weekly',
  'monthly',
  'yearly',
];

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
    if (!isKnownTimeZone(timeZone)) {
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
      if (!FREQUENCIES.includes(frequency as FreezeFrequency)) {
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

const wallOf = (time: DateTime): WallTime => ({
  year: time.year,
  month: time.month,
  day: time.day,
  hour: time.hour,
  minute: time.minute,
  second: time.second,
  millisecond: time.millisecond,
});

/**
 * The occurrences of a configured window overlapping a range, expanded by
 * the shared recurrence expander: start and end keep their wall-clock
 * times in the window's zone, so a weekly "Friday 18:00 to Monday 06:00"
 * stays at those times across DST (and is an hour shorter or longer in
 * absolute time that weekend). Monthly windows on the 29th–31st fall on the
 * last day of shorter months.
 */
export function occurrencesIn(
  window: ConfiguredFreezeWindow,
  range: TimeRange,
): FreezeOccurrence[] {
  const recurrence = window.recurrence;
  return occurrencesBetween(
    {
      start: wallOf(window.start),
      end: wallOf(window.end),
      timeZone: window.timeZone,
      recurrence: recurrence && {
        frequency: recurrence.frequency,
        interval: recurrence.interval,
        until: recurrence.until?.toMillis(),
      },
    },
    range,
  ).map(occurrence => ({ window, ...occurrence }));
}
