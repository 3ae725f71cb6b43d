import type { Entity, EntityRelation } from '@backstage/catalog-model';
import {
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_MEMBER,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  type ScaleOptions,
  scaleCatalogEntities,
} from '@backstage-itops/simulator';

function refOf(value: string, defaultKind: string): string {
  return stringifyEntityRef(
    parseEntityRef(value, { defaultKind, defaultNamespace: 'default' }),
  ).toLocaleLowerCase('en-US');
}

function specRefs(entity: Entity, field: string): string[] {
  const value = entity.spec?.[field];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map(String) : [];
}

/**
 * Adds the relations the catalog's processing would emit from the specs
 * (ownership, system membership, dependencies, group members), in both
 * directions: the catalog mock serves entities as given, and the backend
 * reads ownership, dependencies and team sizes from relations.
 */
export function withCatalogRelations(entities: Entity[]): Entity[] {
  const relations = new Map<string, EntityRelation[]>();
  const add = (sourceRef: string, type: string, targetRef: string) => {
    const list = relations.get(sourceRef) ?? [];
    list.push({ type, targetRef });
    relations.set(sourceRef, list);
  };
  const pair = (from: string, type: string, reverse: string, to: string) => {
    add(from, type, to);
    add(to, reverse, from);
  };
  for (const entity of entities) {
    const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    for (const owner of specRefs(entity, 'owner')) {
      pair(ref, RELATION_OWNED_BY, RELATION_OWNER_OF, refOf(owner, 'group'));
    }
    for (const system of specRefs(entity, 'system')) {
      pair(ref, RELATION_PART_OF, RELATION_HAS_PART, refOf(system, 'system'));
    }
    for (const target of specRefs(entity, 'dependsOn')) {
      pair(
        ref,
        RELATION_DEPENDS_ON,
        RELATION_DEPENDENCY_OF,
        refOf(target, 'component'),
      );
    }
    for (const member of specRefs(entity, 'members')) {
      add(ref, RELATION_HAS_MEMBER, refOf(member, 'user'));
    }
  }
  return entities.map(entity => ({
    ...entity,
    relations: relations.get(
      stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
    ),
  }));
}

/** The simulators' scale catalog as the catalog would serve it. */
export function scaleCatalog(options: {
  scale: ScaleOptions;
  seed: number;
  now: Date;
}): Entity[] {
  return withCatalogRelations(scaleCatalogEntities(options));
}
