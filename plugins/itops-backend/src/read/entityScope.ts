import type { Knex } from 'knex';
import type { RecordKind } from '../database/recordTables';

/**
 * Record keys joined with the entity keys they match (`rk` and `ek`): the
 * relation between records and entities that every read query starts from.
 */
export function recordKeysOfEntities(knex: Knex): Knex.QueryBuilder {
  return knex('itops_record_keys as rk').join('itops_entity_keys as ek', join =>
    join.on('ek.key_type', 'rk.key_type').andOn('ek.key_value', 'rk.key_value'),
  );
}

/**
 * Ids of the records of one kind that belong to an entity: those sharing a
 * (key_type, key_value) with the entity's rows in itops_entity_keys. Used as
 * an `IN` subquery so that a record matching several keys (or a group
 * reaching it through several owned entities) is still counted once.
 */
export function entityRecordIds(
  knex: Knex,
  kind: RecordKind,
  entityRef: string,
): Knex.QueryBuilder {
  return recordKeysOfEntities(knex)
    .where('rk.record_table', kind)
    .andWhere('ek.entity_ref', entityRef)
    .select('rk.record_id');
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
  const rows = await recordKeysOfEntities(knex)
    .where('rk.record_table', kind)
    .whereIn('rk.record_id', recordIds)
    .distinct('rk.record_id', 'ek.entity_ref')
    .orderBy('ek.entity_ref');
  for (const row of rows) {
    const id = Number(row.record_id);
    refs.set(id, [...(refs.get(id) ?? []), String(row.entity_ref)]);
  }
  return refs;
}
