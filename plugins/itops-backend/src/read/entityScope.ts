import type { Knex } from 'knex';
import { ENTITY_RECORDS } from '../database/entityRecordLinks';
import type { RecordKind } from '../database/recordTables';

/**
 * The links (`er`) of an entity's records of one kind: rows of the
 * materialised record → entity relation, which carry the columns that
 * entity lists sort, count and window by (see its migration).
 */
export function entityLinks(
  knex: Knex,
  kind: RecordKind,
  entityRef: string,
): Knex.QueryBuilder {
  return knex(`${ENTITY_RECORDS} as er`)
    .where('er.entity_ref', entityRef)
    .andWhere('er.record_table', kind);
}

/**
 * Ids of the records of one kind that belong to an entity: those sharing a
 * (key_type, key_value) with the entity's keys, or for a group or system
 * with the keys of what it owns or contains. For an `IN` subquery.
 */
export function entityRecordIds(
  knex: Knex,
  kind: RecordKind,
  entityRef: string,
): Knex.QueryBuilder {
  return entityLinks(knex, kind, entityRef).select('er.record_id');
}

/**
 * Entity refs per record for a page of records, so that cross-entity lists
 * (the change calendar, freeze windows) can say whom each record concerns
 * without a join that would repeat the record.
 */
export async function entityRefsOfRecords(
  knex: Knex,
  kind: RecordKind,
  recordIds: readonly number[],
): Promise<Map<number, string[]>> {
  const refs = new Map<number, string[]>();
  if (recordIds.length === 0) {
    return refs;
  }
  const rows = await knex(ENTITY_RECORDS)
    .where('record_table', kind)
    .whereIn('record_id', recordIds)
    .select('record_id', 'entity_ref')
    .orderBy('entity_ref');
  for (const row of rows) {
    const id = Number(row.record_id);
    refs.set(id, [...(refs.get(id) ?? []), String(row.entity_ref)]);
  }
  return refs;
}
