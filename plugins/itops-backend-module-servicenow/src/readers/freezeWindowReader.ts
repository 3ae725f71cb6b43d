import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  FreezeWindowRecord,
  MappingKey,
} from '@backstage-itops/plugin-itops-common';
import {
  type ItopsRecordReader,
  isKnownTimeZone,
} from '@backstage-itops/plugin-itops-node';
import type { ServiceNowClient, SnRow } from '../client';
import type { FreezeWindowOptions } from '../config';
import { recordUrl } from '../mapping';
import { encodedQuery } from '../query';
import { parseScheduleDateTime } from '../time';
import { occurrences, SPAN_TIMING_FIELDS } from '../scheduleSpans';

const SCHEDULE_FIELDS = ['name', 'description', 'time_zone', 'condition'];
const SPAN_FIELDS = ['schedule', 'name', ...SPAN_TIMING_FIELDS];
const PAGE = 1000;
const ID_CHUNK = 100;

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
        // One by one: a server ignoring sysparm_limit may send any number
        // of rows, more than a call takes as arguments.
        for (const row of rows) schedules.push(row);
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
            if (
              !parseScheduleDateTime(span.start_date_time ?? '') ||
              !parseScheduleDateTime(span.end_date_time ?? '')
            ) {
              // The span columns are not in the REST documentation: say
              // so rather than show no freeze.
              options.logger?.warn(
                `${client.http.name}: ${config.spanTable} ${span.sys_id} has no readable start_date_time/end_date_time (YYYYMMDDTHHmmss); its blackout is left out`,
              );
              continue;
            }
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
