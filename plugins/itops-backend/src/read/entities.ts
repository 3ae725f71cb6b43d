import type { Knex } from 'knex';

/** An entity known to ITOps (it has a row in itops_entities). */
export type ItopsEntity = {
  entityRef: string;
  kind: string;
  title?: string;
};

/**
 * Finds an entity by ref. Refs are compared case-insensitively, as the
 * catalog does, so `/entities/Component/default/Payments` works too.
 */
export async function findEntity(
  knex: Knex,
  entityRef: string,
): Promise<ItopsEntity | undefined> {
  // The exact ref first, from the primary key; the case-insensitive match
  // cannot use it and reads the whole table.
  const row =
    (await knex('itops_entities')
      .where('entity_ref', entityRef)
      .first('entity_ref', 'kind', 'title')) ??
    (await knex('itops_entities')
      .whereRaw('lower(entity_ref) = ?', [entityRef.toLowerCase()])
      .first('entity_ref', 'kind', 'title'));
  if (!row) {
    return undefined;
  }
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    ...(row.title ? { title: row.title } : {}),
  };
}
