import type { Knex } from 'knex';
import { ENTITY_RECORDS, LINK_COLUMNS } from '../database/entityRecordLinks';
import type { DbRow, RecordKind } from '../database/recordTables';
import {
  changeOutcomeAggregate,
  changeSuccessRateOf,
  mttrAggregate,
  mttrOf,
} from '../kpis/KpiCalculator';
import type { Duration, Ratio } from '../kpis/types';
import { nextChangeIdQuery } from './changes';
import { openIncidentsAggregate, openIncidentsOf } from './incidents';
import type { TimeRange } from './records';

const RECORD_KINDS = Object.keys(LINK_COLUMNS) as RecordKind[];

/**
 * One column per record kind, `has_<kind>` = 1 when the entity has any
 * record of it: one index probe per kind rather than reading all of a
 * team's links.
 */
function kindColumns(knex: Knex, entityRef: string): Knex.Raw[] {
  return RECORD_KINDS.map(kind =>
    knex.raw(
      `case when exists (select 1 from ${ENTITY_RECORDS} where entity_ref = ? and record_table = ?) then 1 else 0 end as ??`,
      [entityRef, kind, `has_${kind}`],
    ),
  );
}

function kindsOf(row: DbRow | undefined): Set<RecordKind> {
  return new Set(
    RECORD_KINDS.filter(kind => Number(row?.[`has_${kind}`]) === 1),
  );
}

/** Which kinds of records the entity has at all. */
export async function recordKindsOf(
  knex: Knex,
  entityRef: string,
): Promise<Set<RecordKind>> {
  const [row] = await knex.select(kindColumns(knex, entityRef));
  return kindsOf(row);
}

/** What {@link summaryFacts} reads; areas not asked for stay undefined. */
export type SummaryFacts = {
  kinds: Set<RecordKind>;
  openByPriority?: Record<'1' | '2' | '3' | '4' | '5', number>;
  mttr?: Duration;
  /** Id of the next open change planned after now, if any. */
  nextChangeId?: number;
  changeSuccessRate?: Ratio;
  /** The entity's declared RPO (`itops.io/rpo`), when backups were asked for. */
  rpo?: string;
};

/**
 * The counts and aggregates of the entity summary in one round trip: which
 * kinds of records the entity has and, for the areas asked for, the open
 * incidents per priority, MTTR, the next change, the change success rate
 * and the declared RPO. Each part is a one-row aggregate over the entity's links, so cross
 * joining them costs the database nothing, while each query saved spares
 * the backend the per-query work (building SQL, the driver's round trip)
 * that made up most of a summary's CPU time.
 */
export async function summaryFacts(
  knex: Knex,
  entityRef: string,
  options: {
    now: number;
    kpiWindow: TimeRange;
    incidents: boolean;
    changes: boolean;
    backups: boolean;
  },
): Promise<SummaryFacts> {
  const scalars = kindColumns(knex, entityRef);
  if (options.backups) {
    scalars.push(
      knex.raw('(select rpo from itops_entities where entity_ref = ?) as rpo', [
        entityRef,
      ]),
    );
  }
  if (options.changes) {
    scalars.push(
      knex.raw('(?) as next_change_id', [
        nextChangeIdQuery(knex, entityRef, options.now),
      ]),
    );
  }
  // One-row aggregates as derived tables; knex types cross joins with raw.
  const oneRow = (aggregate: Knex.QueryBuilder, alias: string) =>
    knex.raw('(?) as ??', [aggregate, alias]);
  const query = knex.select('*').from(knex.select(scalars).as('kinds'));
  if (options.incidents) {
    query
      .crossJoin(oneRow(openIncidentsAggregate(knex, entityRef), 'incidents'))
      .crossJoin(
        oneRow(mttrAggregate(knex, entityRef, options.kpiWindow), 'mttr'),
      );
  }
  if (options.changes) {
    query.crossJoin(
      oneRow(
        changeOutcomeAggregate(knex, entityRef, options.kpiWindow),
        'change_outcomes',
      ),
    );
  }
  const [row]: DbRow[] = await query;
  const nextChangeId = row?.next_change_id;
  return {
    kinds: kindsOf(row),
    ...(row?.rpo ? { rpo: String(row.rpo) } : {}),
    ...(options.incidents
      ? { openByPriority: openIncidentsOf(row), mttr: mttrOf(row) }
      : {}),
    ...(options.changes
      ? {
          changeSuccessRate: changeSuccessRateOf(row),
          ...(nextChangeId !== null && nextChangeId !== undefined
            ? { nextChangeId: Number(nextChangeId) }
            : {}),
        }
      : {}),
  };
}
