import type { Knex } from 'knex';
import {
  backupJobTable,
  backupRunTable,
  changeTable,
  incidentTable,
} from '../database/recordTables';
import { fromDbNumber, fromDbTime } from '../database/time';
import { FINISHED_RESULTS, GOOD_RUNS_SQL, RUN_OF_JOB } from '../read/backups';
import { entityRecordIds } from '../read/entityScope';
import { byPriority } from '../read/incidents';
import type { TimeRange } from '../read/records';
import type {
  BackupKpis,
  ChangeKpis,
  Duration,
  IncidentKpis,
  Ratio,
} from './types';

function duration(mean: unknown, count: unknown): Duration {
  const n = Number(count ?? 0);
  return {
    valueMs: n > 0 && mean !== null ? Math.round(Number(mean)) : null,
    count: n,
  };
}

function ratio(numerator: unknown, denominator: unknown): Ratio {
  const num = Number(numerator ?? 0);
  const den = Number(denominator ?? 0);
  return {
    value: den > 0 ? num / den : null,
    numerator: num,
    denominator: den,
  };
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

  /** MTTR, MTTA, MTTD, MTBF and incident counts. */
  async incidents(entityRef: string, window: TimeRange): Promise<IncidentKpis> {
    const knex = this.#knex;
    const incidents = () =>
      knex(incidentTable.table).whereIn(
        'id',
        entityRecordIds(knex, incidentTable.kind, entityRef),
      );
    const openedInWindow = () =>
      incidents()
        .where('opened_at', '>=', window.from)
        .where('opened_at', '<', window.to);

    const [resolved, opened, perPriority] = await Promise.all([
      incidents()
        .where('resolved_at', '>=', window.from)
        .where('resolved_at', '<', window.to)
        .first(
          knex.raw('avg(resolved_at - opened_at) as mean'),
          knex.raw('count(*) as count'),
        ),
      openedInWindow().first(
        knex.raw('count(*) as count'),
        // avg and count skip nulls: only acknowledged / detected incidents.
        knex.raw('avg(acknowledged_at - opened_at) as mtta'),
        knex.raw('count(acknowledged_at) as acknowledged'),
        knex.raw('avg(opened_at - detected_at) as mttd'),
        knex.raw('count(detected_at) as detected'),
      ),
      openedInWindow()
        .groupBy('priority')
        .select('priority', knex.raw('count(*) as count')),
    ]);

    const openedCount = Number(opened?.count ?? 0);
    return {
      mttr: duration(resolved?.mean, resolved?.count),
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

  /** Change success rate and emergency-change share. */
  async changes(entityRef: string, window: TimeRange): Promise<ChangeKpis> {
    const knex = this.#knex;
    const row = await knex(changeTable.table)
      .whereIn('id', entityRecordIds(knex, changeTable.kind, entityRef))
      // A change counts when it ended: actually, or as planned if the source
      // has no actual end.
      .whereRaw('coalesce(actual_end, planned_end) >= ?', [window.from])
      .whereRaw('coalesce(actual_end, planned_end) < ?', [window.to])
      .first(
        knex.raw(
          `sum(case when state = 'closed' and outcome is not null then 1 else 0 end) as closed`,
        ),
        knex.raw(
          `sum(case when state = 'closed' and outcome in ('successful', 'successful_with_issues') then 1 else 0 end) as successful`,
        ),
        knex.raw(
          `sum(case when state <> 'cancelled' then 1 else 0 end) as total`,
        ),
        knex.raw(
          `sum(case when state <> 'cancelled' and type = 'emergency' then 1 else 0 end) as emergency`,
        ),
      );
    return {
      successRate: ratio(row?.successful, row?.closed),
      emergencyShare: ratio(row?.emergency, row?.total),
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
    const entityJobs = knex(`${backupJobTable.table} as j`)
      .whereIn('j.id', entityRecordIds(knex, backupJobTable.kind, entityRef))
      .whereRaw(RUN_OF_JOB)
      .select(knex.raw('1'));
    const inWindow = 'r.started_at >= ? and r.started_at < ?';
    const row = await knex(`${backupRunTable.table} as r`)
      .where('r.kind', 'backup')
      .where(builder =>
        builder
          .whereIn(
            'r.id',
            entityRecordIds(knex, backupRunTable.kind, entityRef),
          )
          .orWhereExists(entityJobs),
      )
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
