import {
  DEFAULT_NAMESPACE,
  type Entity,
  RELATION_OWNED_BY,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The group that owns the entity: from the catalog's `ownedBy` relation, or
 * from `spec.owner` when the entity comes without relations.
 */
export function ownerGroupRef(entity: Entity): string | undefined {
  const related = (entity.relations ?? [])
    .filter(relation => relation.type === RELATION_OWNED_BY)
    .map(relation => relation.targetRef)
    .find(ref => ref.toLocaleLowerCase('en-US').startsWith('group:'));
  if (related) {
    return related;
  }
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || owner.trim() === '') {
    return undefined;
  }
  try {
    const ref = parseEntityRef(owner.trim(), {
      defaultKind: 'group',
      defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
    });
    return ref.kind.toLocaleLowerCase('en-US') === 'group'
      ? stringifyEntityRef(ref)
      : undefined;
  } catch {
    return undefined;
  }
}
