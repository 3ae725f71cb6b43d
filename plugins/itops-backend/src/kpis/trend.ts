import type { Knex } from 'knex';
import {
  backupRunTable,
  changeTable,
  incidentTable,
} from '../database/recordTables';
import { entityRunIds, FINISHED_RESULTS, GOOD_RUNS_SQL } from '../read/backups';
import { entityLinks } from '../read/entityScope';
import type { TimeRange } from '../read/records';
import { duration, ratio } from './measures';
import type { Duration, Ratio } from './types';

/** One bucket of a KPI trend: the KPIs the entity tab draws as sparklines. */
export type KpiTrendBucket = {
  from: number;
  to: number;
  incidents?: { mttr: Duration; mtbf: Duration };
  changes?: { successRate: Ratio };
  backups?: { successRate: Ratio };
};

/** Most buckets a trend may have: one per week of a year. */
export const MAX_TREND_BUCKETS = 53;

/**
 * The window cut into `count` equal consecutive buckets; bucket `i` holds
 * the times `t` with `i = floor((t - from) * count / (to - from))`, which is
 * what {@link bucketColumn} computes in SQL.
 */
export function trendBuckets(window: TimeRange, count: number): TimeRange[] {
  const span = window.to - window.from;
  const boundary = (i: number) => window.from + Math.ceil((i * span) / count);
  return Array.from({ length: count }, (_, i) => ({
    from: boundary(i),
    to: i === count - 1 ? window.to : boundary(i + 1),
  }));
}

/**
 * The bucket index of a time column, by integer division on both
 * databases. The operands are validated integers and written as literals,
 * because PostgreSQL would not group by an expression whose parameters
 * differ from the selected one.
 */
function bucketColumn(column: string, window: TimeRange, count: number) {
  for (const value of [window.from, window.to, count]) {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`KPI trend bounds must be integers, got ${value}`);
    }
  }
  return `((${column} - ${window.from}) * ${count}) / ${
    window.to - window.from
  }`;
}

type Rows = Map<number, Record<string, unknown>>;

async function byBucket(query: Knex.QueryBuilder): Promise<Rows> {
  const rows: Array<Record<string, unknown>> = await query;
  return new Map(rows.map(row => [Number(row.bucket), row]));
}

/**
 * An entity's MTTR, MTBF, change success rate and backup success rate per
 * bucket of a window, with one grouped query per area instead of the four
 * to six queries per bucket that asking for each bucket's KPIs would take.
 * Definitions are those of the KPI route, per bucket.
 */
export async function entityKpiTrend(
  knex: Knex,
  entityRef: string,
  window: TimeRange,
  count: number,
  areas: { incidents: boolean; changes: boolean; backups: boolean },
): Promise<KpiTrendBucket[]> {
  const inWindow = (builder: Knex.QueryBuilder, column: string) =>
    builder.where(column, '>=', window.from).where(column, '<', window.to);
  const bucket = (column: string) =>
    knex.raw(`${bucketColumn(column, window, count)} as bucket`);

  const [resolved, opened, changes, backups] = await Promise.all([
    areas.incidents
      ? byBucket(
          entityLinks(knex, incidentTable.kind, entityRef)
            .modify(inWindow, 'er.end_at')
            .select(
              bucket('er.end_at'),
              knex.raw('avg(er.end_at - er.sort_at) as mean'),
              knex.raw('count(*) as count'),
            )
            .groupByRaw('1'),
        )
      : undefined,
    areas.incidents
      ? byBucket(
          entityLinks(knex, incidentTable.kind, entityRef)
            .modify(inWindow, 'er.sort_at')
            .select(bucket('er.sort_at'), knex.raw('count(*) as count'))
            .groupByRaw('1'),
        )
      : undefined,
    areas.changes
      ? byBucket(
          entityLinks(knex, changeTable.kind, entityRef)
            .modify(inWindow, 'er.end_at')
            .join(`${changeTable.table} as c`, 'c.id', 'er.record_id')
            .select(
              bucket('er.end_at'),
              knex.raw(
                `sum(case when c.state = 'closed' and c.outcome is not null then 1 else 0 end) as closed`,
              ),
              knex.raw(
                `sum(case when c.state = 'closed' and c.outcome in ('successful', 'successful_with_issues') then 1 else 0 end) as successful`,
              ),
            )
            .groupByRaw('1'),
        )
      : undefined,
    areas.backups
      ? byBucket(
          knex(`${backupRunTable.table} as r`)
            .where('r.kind', 'backup')
            .modify(inWindow, 'r.started_at')
            .whereIn('r.id', entityRunIds(knex, entityRef))
            .select(
              bucket('r.started_at'),
              knex.raw(
                `sum(case when r.result in (?, ?, ?) then 1 else 0 end) as finished`,
                [...FINISHED_RESULTS],
              ),
              knex.raw(`sum(${GOOD_RUNS_SQL}) as good`),
            )
            .groupByRaw('1'),
        )
      : undefined,
  ]);

  return trendBuckets(window, count).map((range, i) => {
    const point: KpiTrendBucket = { ...range };
    if (resolved && opened) {
      const mttr = resolved.get(i);
      const openedCount = Number(opened.get(i)?.count ?? 0);
      point.incidents = {
        mttr: duration(mttr?.mean ?? null, mttr?.count),
        // Operating time per failure, as the KPI route defines MTBF.
        mtbf: duration(
          openedCount > 0 ? (range.to - range.from) / openedCount : null,
          openedCount,
        ),
      };
    }
    if (changes) {
      const row = changes.get(i);
      point.changes = { successRate: ratio(row?.successful, row?.closed) };
    }
    if (backups) {
      const row = backups.get(i);
      point.backups = { successRate: ratio(row?.good, row?.finished) };
    }
    return point;
  });
}
