import type {
  ChangeRecord,
  ChangeState,
  ChangeType,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { changeTable, type DbRow } from '../database/recordTables';
import { entityRecordIds, entityRefsOfRecords } from './entityScope';
import {
  type ApiRecord,
  type Page,
  type TimeRange,
  toApiRecord,
} from './records';

/** A change in the calendar, with the entities it maps to. */
export type CalendarChange = ApiRecord<ChangeRecord> & { entityRefs: string[] };

/** Filters and paging of the change calendar. */
export interface CalendarQuery extends TimeRange {
  entityRef?: string;
  types?: readonly ChangeType[];
  states?: readonly ChangeState[];
  limit: number;
  offset: number;
}

/**
 * Changes whose planned window overlaps the range. A change without a
 * planned end is treated as a point at its planned start; one without a
 * planned start cannot be placed and is left out.
 */
function overlapping(builder: Knex.QueryBuilder, range: TimeRange) {
  return builder
    .where('planned_start', '<', range.to)
    .whereRaw('coalesce(planned_end, planned_start) >= ?', [range.from]);
}

/** An entity's changes overlapping a range, by planned start. */
export async function listEntityChanges(
  knex: Knex,
  entityRef: string,
  range: TimeRange,
): Promise<ApiRecord<ChangeRecord>[]> {
  const rows = await knex(changeTable.table)
    .whereIn('id', entityRecordIds(knex, changeTable.kind, entityRef))
    .modify(overlapping, range)
    .orderBy([{ column: 'planned_start' }, { column: 'id' }]);
  return rows.map((row: DbRow) => toApiRecord(changeTable, row));
}

/** The entity's next change planned to start after `now` and still open. */
export async function nextEntityChange(
  knex: Knex,
  entityRef: string,
  now: number,
): Promise<ApiRecord<ChangeRecord> | undefined> {
  const row = await knex(changeTable.table)
    .whereIn('id', entityRecordIds(knex, changeTable.kind, entityRef))
    .where('planned_start', '>', now)
    .whereNotIn('state', ['closed', 'cancelled'])
    .orderBy([{ column: 'planned_start' }, { column: 'id' }])
    .first();
  return row ? toApiRecord(changeTable, row) : undefined;
}

/** One page of the cross-entity change calendar. */
export async function listCalendarChanges(
  knex: Knex,
  query: CalendarQuery,
): Promise<Page<CalendarChange>> {
  const filtered = knex(changeTable.table)
    .modify(overlapping, query)
    .modify(builder => {
      if (query.entityRef) {
        builder.whereIn(
          'id',
          entityRecordIds(knex, changeTable.kind, query.entityRef),
        );
      }
      if (query.types?.length) {
        builder.whereIn('type', query.types);
      }
      if (query.states?.length) {
        builder.whereIn('state', query.states);
      }
    });

  const [{ count }] = await filtered.clone().count({ count: '*' });
  const rows = await filtered
    .clone()
    .select('*')
    .orderBy([{ column: 'planned_start' }, { column: 'id' }])
    .limit(query.limit)
    .offset(query.offset);
  const refs = await entityRefsOfRecords(
    knex,
    changeTable.kind,
    rows.map((row: DbRow) => Number(row.id)),
  );

  return {
    items: rows.map((row: DbRow) => ({
      ...toApiRecord(changeTable, row),
      entityRefs: refs.get(Number(row.id)) ?? [],
    })),
    totalCount: Number(count),
    limit: query.limit,
    offset: query.offset,
  };
}
