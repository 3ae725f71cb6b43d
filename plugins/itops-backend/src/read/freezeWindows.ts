import type { FreezeWindowRecord } from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { freezeWindowTable } from '../database/recordTables';
import { entityRefsOfRecords } from './entityScope';
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

/** Freeze windows overlapping a range, by start. */
export async function listFreezeWindows(
  knex: Knex,
  range: TimeRange,
): Promise<ScopedFreezeWindow[]> {
  const rows = await knex(freezeWindowTable.table)
    .where('start_at', '<', range.to)
    .where('end_at', '>', range.from)
    .orderBy([{ column: 'start_at' }, { column: 'id' }]);
  if (rows.length === 0) {
    // The usual answer for "now": no window, and nothing more to ask.
    return [];
  }
  const ids = rows.map(row => Number(row.id));
  const [refs, mappedRows] = await Promise.all([
    entityRefsOfRecords(knex, freezeWindowTable.kind, ids),
    knex('itops_record_keys')
      .where('record_table', freezeWindowTable.kind)
      .whereIn('record_id', ids)
      .distinct('record_id'),
  ]);
  const mapped = new Set(mappedRows.map(row => Number(row.record_id)));
  return rows.map(row => ({
    ...toApiRecord(freezeWindowTable, row),
    global: !mapped.has(Number(row.id)),
    entityRefs: refs.get(Number(row.id)) ?? [],
  }));
}
