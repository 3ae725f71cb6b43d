import type { Knex } from 'knex';
import {
  backupRunTable,
  changeTable,
  type DbRow,
  incidentTable,
} from '../database/recordTables';
import { fromDbNumber, fromDbTime } from '../database/time';
import { entityRunIds, FINISHED_RESULTS, GOOD_RUNS_SQL } from '../read/backups';
import { entityLinks } from '../read/entityScope';
import { byPriority } from '../read/incidents';
import type { TimeRange } from '../read/records';
import type {
  BackupKpis,
  ChangeKpis,
  Duration,
  IncidentKpis,
  Ratio,
} from './types';
import { duration, ratio } from './measures';
import { entityKpiTrend, type KpiTrendBucket } from './trend';

/**
 * One row, `mttr_mean` and `mttr_count`: the resolution times of the
 * entity's incidents resolved in the window. An incident link's sort_at is
 * its opening and end_at its resolution, so the links alone (an index-only
 * scan) give the durations.
 */
export function mttrAggregate(
  knex: Knex,
  entityRef: string,
  window: TimeRange,
): Knex.QueryBuilder {
  return entityLinks(knex, incidentTable.kind, entityRef)
    .where('er.end_at', '>=', window.from)
    .where('er.end_at', '<', window.to)
    .select(
      knex.raw('avg(er.end_at - er.sort_at) as mttr_mean'),
      knex.raw('count(*) as mttr_count'),
    );
}

/** MTTR from a row of {@link mttrAggregate}. */
export function mttrOf(row: DbRow | undefined): Duration {
  return duration(row?.mttr_mean, row?.mttr_count);
}

/**
 * One row of outcome counts of the entity's changes that ended in the
 * window: `change_closed` (closed with an outcome), `change_successful`,
 * `change_total` (not cancelled) and `change_emergency`. A change counts
 * when it ended: actually, or as planned if the source has no actual end;
 * the link's end_at is exactly that.
 */
export function changeOutcomeAggregate(
  knex: Knex,
  entityRef: string,
  window: TimeRange,
): Knex.QueryBuilder {
  return entityLinks(knex, changeTable.kind, entityRef)
    .where('er.end_at', '>=', window.from)
    .where('er.end_at', '<', window.to)
    .join(`${changeTable.table} as c`, 'c.id', 'er.record_id')
    .select(
      knex.raw(
        `sum(case when c.state = 'closed' and c.outcome is not null then 1 else 0 end) as change_closed`,
      ),
      knex.raw(
        `sum(case when c.state = 'closed' and c.outcome in ('successful', 'successful_with_issues') then 1 else 0 end) as change_successful`,
      ),
      knex.raw(
        `sum(case when c.state <> 'cancelled' then 1 else 0 end) as change_total`,
      ),
      knex.raw(
        `sum(case when c.state <> 'cancelled' and c.type = 'emergency' then 1 else 0 end) as change_emergency`,
      ),
    );
}

/** Change success rate from a row of {@link changeOutcomeAggregate}. */
export function changeSuccessRateOf(row: DbRow | undefined): Ratio {
  return ratio(row?.change_successful, row?.change_closed);
}

/**
 * Computes an entity's KPIs over a window with SQL aggregates, so the cost
 * does not grow with the number of records loaded into the backend. pg
 * returns bigint sums and averages as strings, hence the `Number`s.
 * Definitions are in the README and the OpenAPI spec.
 */
export class KpiCalculator {
  readonly #knex: Knex;

  static create(options: { knex: Knex }): KpiCalculator {
    return new KpiCalculator(options.knex);
  }

  private constructor(knex: Knex) {
    this.#knex = knex;
  }

  /** Mean time to resolve the incidents resolved in the window. */
  async mttr(entityRef: string, window: TimeRange): Promise<Duration> {
    const row = await mttrAggregate(this.#knex, entityRef, window).first();
    return mttrOf(row);
  }

  /** MTTR, MTTA, MTTD, MTBF and incident counts. */
  async incidents(entityRef: string, window: TimeRange): Promise<IncidentKpis> {
    const knex = this.#knex;
    // The links hold opening and resolution times, so each window is an
    // index range; only the incidents inside it are read.
    const links = () => entityLinks(knex, incidentTable.kind, entityRef);
    const openedInWindow = () =>
      links()
        .where('er.sort_at', '>=', window.from)
        .where('er.sort_at', '<', window.to);

    const [mttr, opened, perPriority] = await Promise.all([
      this.mttr(entityRef, window),
      openedInWindow()
        .join(`${incidentTable.table} as i`, 'i.id', 'er.record_id')
        .first(
          knex.raw('count(*) as count'),
          // avg and count skip nulls: only acknowledged / detected incidents.
          knex.raw('avg(i.acknowledged_at - i.opened_at) as mtta'),
          knex.raw('count(i.acknowledged_at) as acknowledged'),
          knex.raw('avg(i.opened_at - i.detected_at) as mttd'),
          knex.raw('count(i.detected_at) as detected'),
        ),
      openedInWindow()
        .groupBy('er.priority')
        .select('er.priority as priority', knex.raw('count(*) as count')),
    ]);

    const openedCount = Number(opened?.count ?? 0);
    return {
      mttr,
      mtta: duration(opened?.mtta, opened?.acknowledged),
      mttd: duration(opened?.mttd, opened?.detected),
      // Operating time per failure: defined for a single incident, unlike
      // the mean gap between openings.
      mtbf: duration(
        openedCount > 0 ? (window.to - window.from) / openedCount : null,
        openedCount,
      ),
      openedCount,
      openedByPriority: byPriority(perPriority),
    };
  }

  /**
   * MTTR, MTBF, change and backup success rate per bucket of the window,
   * for the areas asked for.
   */
  trend(
    entityRef: string,
    window: TimeRange,
    buckets: number,
    areas: { incidents: boolean; changes: boolean; backups: boolean },
  ): Promise<KpiTrendBucket[]> {
    return entityKpiTrend(this.#knex, entityRef, window, buckets, areas);
  }

  /** Change success rate and emergency-change share. */
  async changes(entityRef: string, window: TimeRange): Promise<ChangeKpis> {
    const row = await changeOutcomeAggregate(
      this.#knex,
      entityRef,
      window,
    ).first();
    return {
      successRate: changeSuccessRateOf(row),
      emergencyShare: ratio(row?.change_emergency, row?.change_total),
    };
  }

  /**
   * Backup success rate in the window and age of the last success, over
   * the backup runs mapped to the entity directly or through their job.
   */
  async backups(
    entityRef: string,
    window: TimeRange,
    now: number,
  ): Promise<BackupKpis> {
    const knex = this.#knex;
    const inWindow = 'r.started_at >= ? and r.started_at < ?';
    const row = await knex(`${backupRunTable.table} as r`)
      .where('r.kind', 'backup')
      .whereIn('r.id', entityRunIds(knex, entityRef))
      .first(
        knex.raw(
          `sum(case when ${inWindow} and r.result in (?, ?, ?) then 1 else 0 end) as finished`,
          [window.from, window.to, ...FINISHED_RESULTS],
        ),
        knex.raw(
          `sum(case when ${inWindow} then ${GOOD_RUNS_SQL} else 0 end) as good`,
          [window.from, window.to],
        ),
        knex.raw(
          `max(case when r.result = 'success' then coalesce(r.ended_at, r.started_at) end) as last_success`,
        ),
      );
    const lastSuccess = fromDbNumber(row?.last_success);
    return {
      successRate: ratio(row?.good, row?.finished),
      ...(lastSuccess !== undefined
        ? {
            lastSuccessAt: fromDbTime(lastSuccess),
            lastSuccessAgeMs: Math.max(0, now - lastSuccess),
          }
        : {}),
    };
  }
}
