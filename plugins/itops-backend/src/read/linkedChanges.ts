import type {
  ChangeRecord,
  LinkedChange,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { ENTITY_RECORDS } from '../database/entityRecordLinks';
import { changeTable, type DbRow } from '../database/recordTables';
import { type ApiRecord, toApiRecord } from './records';

/**
 * A change the source links to an incident, with the synced change where
 * ITOps has it and the caller may see it.
 */
export type ResolvedLinkedChange = LinkedChange & {
  change?: ApiRecord<ChangeRecord>;
  /**
   * Why `change` is missing: `not_synced` when ITOps holds no such change
   * on any entity (not synced, hidden from the integration user, or
   * mapped to no entity), `not_permitted` when the caller may not read
   * changes.
   */
  unresolved?: 'not_synced' | 'not_permitted';
};

/**
 * The incident's links resolved against the changes of the same source
 * instance. A change no entity shows is left unresolved, as it is unseen
 * everywhere else in the API.
 */
export async function resolveLinkedChanges(
  knex: Knex,
  source: { sourceType: string; sourceInstance: string },
  links: readonly LinkedChange[],
  options: { mayReadChanges: boolean },
): Promise<ResolvedLinkedChange[]> {
  if (links.length === 0) {
    return [];
  }
  if (!options.mayReadChanges) {
    return links.map(link => ({ ...link, unresolved: 'not_permitted' }));
  }
  const rows: DbRow[] = await knex(`${changeTable.table} as c`)
    .where({
      'c.source_type': source.sourceType,
      'c.source_instance': source.sourceInstance,
    })
    .whereIn(
      'c.external_id',
      links.map(link => link.externalId),
    )
    .whereExists(builder =>
      builder
        .select(knex.raw('1'))
        .from(`${ENTITY_RECORDS} as er`)
        .where('er.record_table', changeTable.kind)
        .whereRaw('er.record_id = c.id'),
    )
    .select('c.*');
  const byId = new Map(rows.map(row => [String(row.external_id), row]));
  return links.map(link => {
    const row = byId.get(link.externalId);
    return row
      ? { ...link, change: toApiRecord(changeTable, row) }
      : { ...link, unresolved: 'not_synced' };
  });
}
