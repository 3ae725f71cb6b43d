import type { FreezeWindowRecord } from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { freezeWindowTable } from '../database/recordTables';
import { entityRecordIds, entityRefsOfRecords } from './entityScope';
import { type ApiRecord, type TimeRange, toApiRecord } from './records';

/**
 * A freeze window and whom it applies to. Freeze windows are global unless
 * their source mapped them to something: a window without mapping keys
 * applies to every entity.
 */
export type ScopedFreezeWindow = ApiRecord<FreezeWindowRecord> & {
  global: boolean;
  entityRefs: string[];
};

function keysOfFreezeWindow(knex: Knex) {
  return knex('itops_record_keys as rk')
    .where('rk.record_table', freezeWindowTable.kind)
    .whereRaw('rk.record_id = itops_freeze_windows.id')
    .select(knex.raw('1'));
}

/** Freeze windows overlapping a range, by start. */
export async function listFreezeWindows(
  knex: Knex,
  range: TimeRange,
): Promise<ScopedFreezeWindow[]> {
  const rows = await knex(freezeWindowTable.table)
    .where('start_at', '<', range.to)
    .where('end_at', '>', range.from)
    .orderBy([{ column: 'start_at' }, { column: 'id' }]);
  const refs = await entityRefsOfRecords(
    knex,
    freezeWindowTable.kind,
    rows.map(row => Number(row.id)),
  );
  const mapped = new Set(
    (
      await knex('itops_record_keys')
        .where('record_table', freezeWindowTable.kind)
        .whereIn(
          'record_id',
          rows.map(row => Number(row.id)),
        )
        .distinct('record_id')
    ).map(row => Number(row.record_id)),
  );
  return rows.map(row => ({
    ...toApiRecord(freezeWindowTable, row),
    global: !mapped.has(Number(row.id)),
    entityRefs: refs.get(Number(row.id)) ?? [],
  }));
}

/** Freeze windows covering `now` that apply to the entity, by end. */
export async function activeFreezeWindows(
  knex: Knex,
  entityRef: string,
  now: number,
): Promise<ApiRecord<FreezeWindowRecord>[]> {
  const rows = await knex(freezeWindowTable.table)
    .where('start_at', '<=', now)
    .where('end_at', '>', now)
    .where(builder =>
      builder
        .whereNotExists(keysOfFreezeWindow(knex))
        .orWhereIn(
          'id',
          entityRecordIds(knex, freezeWindowTable.kind, entityRef),
        ),
    )
    .orderBy([{ column: 'end_at' }, { column: 'id' }]);
  return rows.map(row => toApiRecord(freezeWindowTable, row));
}
