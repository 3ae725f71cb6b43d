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
 * The entities whose on-call an entity's on-call page shows. Rotas belong to
 * teams (assignment groups, JSM Operations teams), which a system owns and
 * is made of but does not contain: its on-call is that of the groups owning
 * the system or one of its parts, besides any rota mapped to it directly.
 * Other kinds answer with their own rotas (a group's include its own keys).
 */
export async function onCallScope(
  knex: Knex,
  entityRef: string,
): Promise<string[]> {
  if (!entityRef.toLocaleLowerCase('en-US').startsWith('system:')) {
    return [entityRef];
  }
  // itops_entities has no index on system_ref; a scan of a row per catalog
  // entity stays in the milliseconds at the scale world's 5,000.
  const rows = await knex('itops_entities')
    .where(q =>
      q.where('system_ref', entityRef).orWhere('entity_ref', entityRef),
    )
    .whereNotNull('owner_ref')
    .distinct('owner_ref');
  const owners = rows
    .map(row => String(row.owner_ref))
    .filter(ref => ref.startsWith('group:'))
    .sort();
  return [entityRef, ...owners];
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
