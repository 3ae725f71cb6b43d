import type { Knex } from 'knex';

/** Per-entity rollups of the summary and default-window KPIs (see their migration). */
export const ENTITY_ROLLUPS = 'itops_entity_rollups';
/** Entities whose links changed since their rollup was computed. */
export const STALE_ROLLUPS = 'itops_entity_rollup_stale';

/**
 * Inserts the entities that `entityRefs` (a subquery selecting
 * `entity_ref`) yields into the stale table, once: an entity already
 * waiting for a refresh is not added again, which keeps the table at most
 * one row per entity however many batches a sync writes. (Two transactions
 * may both add the same entity; the refresher deletes all of its rows.)
 */
export function markStale(
  trx: Knex.Transaction,
  entityRefs: Knex.QueryBuilder,
) {
  return trx.raw(
    `insert into ${STALE_ROLLUPS} (entity_ref)
     select distinct changed.entity_ref from (?) changed
     where not exists (
       select 1 from ${STALE_ROLLUPS} s where s.entity_ref = changed.entity_ref
     )`,
    [entityRefs],
  );
}

/** Marks stale the rollups of these entities (at most a statement's worth of refs). */
export async function markEntitiesStale(
  trx: Knex.Transaction,
  entityRefs: readonly string[],
) {
  const waiting = new Set(
    (
      await trx(STALE_ROLLUPS)
        .whereIn('entity_ref', entityRefs)
        .distinct('entity_ref')
    ).map(row => String(row.entity_ref)),
  );
  const missing = [...new Set(entityRefs)].filter(ref => !waiting.has(ref));
  if (missing.length > 0) {
    await trx(STALE_ROLLUPS).insert(
      missing.map(entity_ref => ({ entity_ref })),
    );
  }
}
