import {
  DEFAULT_NAMESPACE,
  type Entity,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  type MappingKey,
  type MappingKeyType,
  entityMappingKeys,
  ITOPS_ANNOTATIONS,
} from '@backstage-itops/plugin-itops-common';
import { type ClaimPolicies, OPEN_CLAIMS } from './claimPolicy';
import { type ClaimIssue, decideClaims } from './decideClaims';

/**
 * The catalog kinds ITOps maps records to. Groups and systems also collect
 * the keys of what they own or contain, so that a team or system page shows
 * the records of all its parts.
 */
export const MAPPED_KINDS = [
  'Component',
  'Resource',
  'API',
  'System',
  'Group',
] as const;

const mappedKinds: ReadonlySet<string> = new Set(
  MAPPED_KINDS.map(kind => kind.toLocaleLowerCase('en-US')),
);

/** One row of `itops_entities`. */
export interface MappedEntity {
  entityRef: string;
  /** Lower-case kind, e.g. `component`. */
  kind: string;
  title: string | null;
  ownerRef: string | null;
  systemRef: string | null;
  /**
   * The declared recovery point objective (`itops.io/rpo`, an ISO 8601
   * duration such as `PT24H`) as written; the backup health judges the
   * newest restore point by it.
   */
  rpo?: string | null;
}

/** One row of `itops_entity_keys`. */
export interface MappedEntityKey {
  entityRef: string;
  type: MappingKeyType;
  value: string;
  /** The entity whose annotation gave the key: `entityRef` itself, or a part or owned entity. */
  viaRef: string;
}

/** The whole catalog side of the mapping, as it is stored. */
export interface EntityMapping {
  entities: MappedEntity[];
  keys: MappedEntityKey[];
  /** Claims the policies withheld or refused; their keys are not in `keys`. */
  claimIssues?: ClaimIssue[];
}

/**
 * Computes the mapping of the entities of {@link MAPPED_KINDS} among the
 * given ones. Every such entity gets a row even without annotations, so that
 * readers can tell an unknown entity from one without ITOps data.
 *
 * Relations are what the catalog resolved; `spec.owner` and `spec.system`
 * are the fallback for entities read without relations (e.g. straight from
 * YAML).
 *
 * An entity's own keys are claims, which the claim policies
 * (`itops.mapping.claims`, open by default) may withhold or refuse; a part's
 * key reaches its groups and systems only when the part keeps it.
 */
export function computeEntityMapping(
  entities: Iterable<Entity>,
  policies: ClaimPolicies = OPEN_CLAIMS,
): Required<EntityMapping> {
  const mapped = new Map<string, MappedEntity>();
  const contributions: Array<{
    entityRef: string;
    ownerRefs: string[];
    keys: MappingKey[];
    aggregateInto: string[];
  }> = [];

  for (const entity of entities) {
    const kind = entity.kind.toLocaleLowerCase('en-US');
    if (!mappedKinds.has(kind)) {
      continue;
    }
    const entityRef = stringifyEntityRef(entity);
    const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
    const ownerRefs = relatedRefs(
      entity,
      RELATION_OWNED_BY,
      entity.spec?.owner,
      { defaultKind: 'group', defaultNamespace: namespace },
    );
    const systemRefs = relatedRefs(
      entity,
      RELATION_PART_OF,
      entity.spec?.system,
      { defaultKind: 'system', defaultNamespace: namespace },
    ).filter(ref => ref.startsWith('system:'));

    const rpo = entity.metadata.annotations?.[ITOPS_ANNOTATIONS.rpo]?.trim();
    mapped.set(entityRef, {
      entityRef,
      kind,
      title: entity.metadata.title ?? null,
      ownerRef: ownerRefs[0] ?? null,
      systemRef: systemRefs[0] ?? null,
      ...(rpo ? { rpo } : {}),
    });
    contributions.push({
      entityRef,
      ownerRefs,
      keys: entityMappingKeys(entity),
      // Owners that are users, and parents that are domains or components,
      // have no ITOps page that aggregates.
      aggregateInto: [
        ...ownerRefs.filter(ref => ref.startsWith('group:')),
        ...systemRefs,
      ],
    });
  }

  const claims = decideClaims(contributions, policies);
  const keys = new Map<string, MappedEntityKey>();
  const addKey = (entityRef: string, key: MappingKey, viaRef: string) => {
    const row = { entityRef, type: key.type, value: key.value, viaRef };
    keys.set(JSON.stringify([entityRef, key.type, key.value, viaRef]), row);
  };
  for (const { entityRef, keys: ownKeys, aggregateInto } of contributions) {
    // A dangling owner or system has no page to show the keys on.
    const aggregators = aggregateInto.filter(ref => mapped.has(ref));
    for (const key of ownKeys.filter(k => claims.granted(entityRef, k))) {
      addKey(entityRef, key, entityRef);
      for (const aggregator of aggregators) {
        addKey(aggregator, key, entityRef);
      }
    }
  }

  return {
    entities: [...mapped.values()],
    keys: [...keys.values()],
    claimIssues: claims.issues,
  };
}

/**
 * The sorted targets of an entity's relations of one type, or the spec field
 * the catalog derives them from when the entity has no such relation.
 */
function relatedRefs(
  entity: Entity,
  relationType: string,
  specValue: unknown,
  context: { defaultKind: string; defaultNamespace: string },
): string[] {
  const targets = (entity.relations ?? [])
    .filter(relation => relation.type === relationType)
    .map(relation => relation.targetRef.toLocaleLowerCase('en-US'));
  if (targets.length > 0) {
    return [...new Set(targets)].sort();
  }
  if (typeof specValue !== 'string' || specValue.trim() === '') {
    return [];
  }
  try {
    return [stringifyEntityRef(parseEntityRef(specValue.trim(), context))];
  } catch {
    // A malformed reference gives the entity no owner or system, as in the
    // catalog, where it fails validation instead.
    return [];
  }
}
