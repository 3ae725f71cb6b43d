import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  FreezeWindowRecord,
  MappingKey,
} from '@backstage-itops/plugin-itops-common';
import type { ItopsRecordReader } from '@backstage-itops/plugin-itops-node';
import type { ServiceNowClient, SnRow } from '../client';
import type { FreezeWindowOptions } from '../config';
import { recordUrl } from '../mapping';
import { encodedQuery } from '../query';
import {
  isKnownTimeZone,
  parseScheduleDateTime,
  type WallTime,
  zonedTimeToUtc,
} from '../time';

const SCHEDULE_FIELDS = ['name', 'description', 'time_zone', 'condition'];
const SPAN_FIELDS = [
  'schedule',
  'name',
  'start_date_time',
  'end_date_time',
  'repeat_type',
  'repeat_until',
  'days_of_week',
];
const PAGE = 1000;
const ID_CHUNK = 100;
/** Guards against a span repeating every day for decades. */
const MAX_OCCURRENCES_PER_SPAN = 1000;

/** Service classes (`cmdb_ci_service` and its descendants) map by name too. */
const SERVICE_CLASS = /^cmdb_ci_(?:[a-z0-9_]*_)?service(?:_[a-z0-9_]+)?$/;

/**
 * Blackout schedules (`cmn_schedule_blackout`) and their spans as freeze
 * windows, repeating spans expanded over the configured horizon. A
 * schedule's `condition` (an encoded query on CIs, written in ServiceNow)
 * selects the CIs it applies to; those become the window's keys. Without a
 * condition the window is global.
 */
export function freezeWindowReader(options: {
  client: ServiceNowClient;
  baseUrl: string;
  config: FreezeWindowOptions;
  now?: () => number;
  logger?: LoggerService;
}): ItopsRecordReader<FreezeWindowRecord> {
  const { client, config } = options;
  const now = options.now ?? Date.now;

  /** The CIs a schedule's condition selects, as mapping keys. */
  async function scheduleKeys(
    schedule: SnRow,
    signal: AbortSignal,
  ): Promise<MappingKey[]> {
    const condition = schedule.condition?.trim();
    if (!condition) {
      return [];
    }
    const keys: MappingKey[] = [];
    let count = 0;
    // The condition is the schedule's own encoded query, as ServiceNow
    // stores it; it is sent whole, not combined with anything.
    for await (const rows of client.rows(config.ciTable, {
      query: condition,
      fields: ['sys_id', 'name', 'sys_class_name'],
      pageSize: PAGE,
      signal,
    })) {
      for (const ci of rows) {
        keys.push({ type: 'servicenow-ci', value: ci.sys_id });
        if (ci.name && SERVICE_CLASS.test(ci.sys_class_name ?? '')) {
          keys.push({ type: 'servicenow-service', value: ci.name });
        }
      }
      count += rows.length;
      if (count >= config.maxCisPerSchedule) {
        options.logger?.warn(
          `${client.http.name}: blackout schedule '${schedule.name}' applies to more than ${config.maxCisPerSchedule} CIs; only the first are mapped`,
        );
        break;
      }
    }
    return keys;
  }

  return {
    async *read(request) {
      const { signal } = request;
      const schedules: SnRow[] = [];
      for await (const rows of client.rows(config.scheduleTable, {
        query: encodedQuery().orderBy('sys_id').toString(),
        fields: ['sys_id', ...SCHEDULE_FIELDS],
        pageSize: PAGE,
        signal,
      })) {
        schedules.push(...rows);
      }
      const spansBySchedule = new Map<string, SnRow[]>();
      const ids = schedules.map(s => s.sys_id);
      for (let i = 0; i < ids.length; i += ID_CHUNK) {
        for await (const rows of client.rows(config.spanTable, {
          query: encodedQuery()
            .whereIn('schedule', ids.slice(i, i + ID_CHUNK))
            .orderBy('sys_id')
            .toString(),
          fields: ['sys_id', ...SPAN_FIELDS],
          pageSize: PAGE,
          signal,
        })) {
          for (const span of rows) {
            const list = spansBySchedule.get(span.schedule) ?? [];
            list.push(span);
            spansBySchedule.set(span.schedule, list);
          }
        }
      }

      const from = now() - config.historyMs;
      const until = now() + config.horizonMs;
      const records: FreezeWindowRecord[] = [];
      for (const schedule of schedules) {
        const zone = scheduleZone(schedule, config, options.logger);
        const windows = (spansBySchedule.get(schedule.sys_id) ?? []).flatMap(
          span => occurrences(span, zone, from, until),
        );
        if (windows.length === 0) {
          continue;
        }
        const keys = await scheduleKeys(schedule, signal);
        for (const window of windows) {
          records.push({
            externalId: window.id,
            url: recordUrl(
              options.baseUrl,
              config.scheduleTable,
              schedule.sys_id,
            ),
            keys,
            name: schedule.name || window.spanName || 'Blackout',
            description: schedule.description || undefined,
            start: new Date(window.start).toISOString(),
            end: new Date(window.end).toISOString(),
          });
        }
      }
      yield { records };
    },
  };
}

function scheduleZone(
  schedule: SnRow,
  config: FreezeWindowOptions,
  logger?: LoggerService,
): string {
  const zone = schedule.time_zone?.trim();
  if (!zone || zone.toLowerCase() === 'floating') {
    return config.defaultTimeZone;
  }
  if (!isKnownTimeZone(zone)) {
    logger?.warn(
      `Blackout schedule '${schedule.name}' has unknown time zone '${zone}'; using ${config.defaultTimeZone}`,
    );
    return config.defaultTimeZone;
  }
  return zone;
}

interface Occurrence {
  id: string;
  spanName?: string;
  start: number;
  end: number;
}

/**
 * The span's occurrences that overlap `[from, until]`: the span itself, or
 * its repetitions (daily, weekly on `days_of_week` or its own weekday,
 * monthly, yearly) up to `repeat_until`.
 */
export function occurrences(
  span: SnRow,
  zone: string,
  from: number,
  until: number,
): Occurrence[] {
  const startWall = parseScheduleDateTime(span.start_date_time ?? '');
  const endWall = parseScheduleDateTime(span.end_date_time ?? '');
  if (!startWall || !endWall) {
    return [];
  }
  const first = zonedTimeToUtc(startWall, zone);
  const duration = zonedTimeToUtc(endWall, zone) - first;
  if (!(duration > 0)) {
    return [];
  }
  const repeat = (span.repeat_type ?? '').trim().toLowerCase();
  if (!repeat || repeat === 'none') {
    return first <= until && first + duration >= from
      ? [
          {
            id: span.sys_id,
            spanName: span.name,
            start: first,
            end: first + duration,
          },
        ]
      : [];
  }
  const repeatUntilWall = parseScheduleDateTime(span.repeat_until ?? '');
  const lastStart = repeatUntilWall
    ? zonedTimeToUtc(
        { ...repeatUntilWall, hour: 23, minute: 59, second: 59 },
        zone,
      )
    : Infinity;
  const result: Occurrence[] = [];
  for (const wall of repetitions(startWall, repeat, span.days_of_week ?? '')) {
    const start = zonedTimeToUtc(wall, zone);
    if (start > until || start > lastStart) {
      break;
    }
    if (start + duration >= from) {
      result.push({
        id: `${span.sys_id}@${new Date(start).toISOString()}`,
        spanName: span.name,
        start,
        end: start + duration,
      });
      if (result.length >= MAX_OCCURRENCES_PER_SPAN) {
        break;
      }
    }
  }
  return result;
}

/**
 * Wall-clock starts of a repeating span, the span itself first. Weekly
 * spans repeat on the ISO weekdays in `days_of_week` (digits, 1 = Monday),
 * or on their own weekday without it. Unknown repeat types yield only the
 * span itself.
 */
function* repetitions(
  start: WallTime,
  repeat: string,
  daysOfWeek: string,
): Generator<WallTime> {
  const shift = (days: number, months = 0, years = 0): WallTime => {
    // A monthly span on the 31st falls on the last day of shorter months.
    const firstOfMonth = new Date(
      Date.UTC(start.year + years, start.month - 1 + months, 1),
    );
    const monthLength = new Date(
      Date.UTC(
        firstOfMonth.getUTCFullYear(),
        firstOfMonth.getUTCMonth() + 1,
        0,
      ),
    ).getUTCDate();
    const d = new Date(
      Date.UTC(
        firstOfMonth.getUTCFullYear(),
        firstOfMonth.getUTCMonth(),
        Math.min(start.day, monthLength) + days,
      ),
    );
    return {
      ...start,
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
    };
  };
  const isoWeekday = (wall: WallTime) =>
    new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay() || 7;
  const days = new Set(
    [...daysOfWeek].filter(c => c >= '1' && c <= '7').map(Number),
  );
  let dayFilter: ((weekday: number) => boolean) | undefined;
  if (repeat === 'weekdays') {
    dayFilter = weekday => weekday <= 5;
  } else if (repeat === 'weekly' && days.size > 0) {
    dayFilter = weekday => days.has(weekday);
  }
  for (let n = 0; n < 100_000; n++) {
    if (dayFilter) {
      const wall = shift(n);
      if (n === 0 || dayFilter(isoWeekday(wall))) {
        yield wall;
      }
      continue;
    }
    switch (repeat) {
      case 'daily':
        yield shift(n);
        break;
      case 'weekly':
        yield shift(7 * n);
        break;
      case 'monthly':
        yield shift(0, n);
        break;
      case 'yearly':
        yield shift(0, 0, n);
        break;
      default:
        if (n === 0) {
          yield start;
        }
        return;
    }
  }
}
