import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  type Entity,
  RELATION_HAS_MEMBER,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  COMPLIANCE_ANNOTATIONS,
  parseTier,
} from '@backstage-itops/plugin-itops-common';
import type { catalogServiceRef } from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import type { EvaluatedEntity } from './model';

export const FACTS_TABLE = 'itops_compliance_entities';

/** Which catalog entities are evaluated. */
export interface EntitySelection {
  /** Lower-case kinds, e.g. `component`. */
  kinds: string[];
  /** `spec.lifecycle` values; entities with others are not evaluated. */
  lifecycles: string[];
}

const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
  'spec.system',
  'spec.lifecycle',
  'spec.members',
  'relations',
];

/** As the entity mapping writes refs, so results join the record links. */
function refOf(entity: Entity): string {
  return stringifyEntityRef(entity);
}

function relationTarget(entity: Entity, type: string): string | undefined {
  return entity.relations
    ?.find(r => r.type === type)
    ?.targetRef.toLocaleLowerCase('en-US');
}

function specRef(
  entity: Entity,
  field: 'owner' | 'system',
  defaultKind: string,
): string | undefined {
  const value = entity.spec?.[field];
  if (typeof value !== 'string' || !value.trim()) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind,
        defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/**
 * The facts of the entities to evaluate among the given catalog entities
 * (which must include the groups, so owners can be resolved).
 */
export function computeEntityFacts(
  entities: readonly Entity[],
  selection: EntitySelection,
): EvaluatedEntity[] {
  const groupMembers = new Map<string, number>();
  for (const entity of entities) {
    if (entity.kind.toLocaleLowerCase('en-US') !== 'group') continue;
    const members =
      entity.relations?.filter(r => r.type === RELATION_HAS_MEMBER).length ?? 0;
    const declared = Array.isArray(entity.spec?.members)
      ? (entity.spec?.members as unknown[]).length
      : 0;
    groupMembers.set(
      refOf(entity).toLocaleLowerCase('en-US'),
      Math.max(members, declared),
    );
  }
  const kinds = new Set(selection.kinds.map(k => k.toLocaleLowerCase('en-US')));
  const lifecycles = new Set(
    selection.lifecycles.map(l => l.toLocaleLowerCase('en-US')),
  );
  const facts: EvaluatedEntity[] = [];
  for (const entity of entities) {
    const kind = entity.kind.toLocaleLowerCase('en-US');
    const lifecycle =
      typeof entity.spec?.lifecycle === 'string'
        ? entity.spec.lifecycle
        : undefined;
    if (!kinds.has(kind)) continue;
    if (
      lifecycles.size > 0 &&
      !lifecycles.has(lifecycle?.toLocaleLowerCase('en-US') ?? '')
    ) {
      continue;
    }
    const ownerRef =
      relationTarget(entity, RELATION_OWNED_BY) ??
      specRef(entity, 'owner', 'group');
    let ownerState: EvaluatedEntity['ownerState'] = 'none';
    if (ownerRef) {
      const members = groupMembers.get(ownerRef);
      if (members === undefined) ownerState = 'unresolved';
      else ownerState = members > 0 ? 'group' : 'group_empty';
    }
    const annotations = entity.metadata.annotations ?? {};
    facts.push({
      entityRef: refOf(entity),
      kind,
      title: entity.metadata.title,
      ownerRef,
      ownerState,
      systemRef:
        relationTarget(entity, RELATION_PART_OF) ??
        specRef(entity, 'system', 'system'),
      lifecycle,
      tier: parseTier(annotations[COMPLIANCE_ANNOTATIONS.tier]),
      annotations,
    });
  }
  return facts;
}

/** Reads the evaluated kinds and the groups from the catalog. */
export async function readCatalogForFacts(
  catalog: typeof catalogServiceRef.T,
  credentials: BackstageCredentials,
  selection: EntitySelection,
): Promise<Entity[]> {
  const entities: Entity[] = [];
  const kinds = [...new Set([...selection.kinds, 'group'])];
  for await (const page of catalog.streamEntities(
    { filter: { kind: kinds }, fields: FIELDS, pageSize: 500 },
    { credentials },
  )) {
    entities.push(...page);
  }
  return entities;
}

function toRow(fact: EvaluatedEntity, now: number) {
  return {
    entity_ref: fact.entityRef,
    kind: fact.kind,
    title: fact.title?.slice(0, 255) ?? null,
    owner_ref: fact.ownerRef ?? null,
    owner_state: fact.ownerState,
    system_ref: fact.systemRef ?? null,
    lifecycle: fact.lifecycle ?? null,
    tier: fact.tier ?? null,
    annotations: JSON.stringify(fact.annotations),
    updated_at: now,
  };
}

function fromRow(row: Record<string, any>): EvaluatedEntity {
  return {
    entityRef: String(row.entity_ref),
    kind: String(row.kind),
    title: row.title ?? undefined,
    ownerRef: row.owner_ref ?? undefined,
    ownerState: row.owner_state,
    systemRef: row.system_ref ?? undefined,
    lifecycle: row.lifecycle ?? undefined,
    tier:
      row.tier === null || row.tier === undefined
        ? undefined
        : Number(row.tier),
    annotations: JSON.parse(row.annotations),
  };
}

/** Replaces the stored facts with the given ones (a full run). */
export async function replaceFacts(
  knex: Knex,
  facts: readonly EvaluatedEntity[],
  now: number,
): Promise<void> {
  await knex.transaction(async trx => {
    await trx(FACTS_TABLE).delete();
    const rows = facts.map(f => toRow(f, now));
    // 10 columns a row: well under SQLite's 999 bound variables.
    for (let i = 0; i < rows.length; i += 90) {
      await trx(FACTS_TABLE).insert(rows.slice(i, i + 90));
    }
  });
}

/** Stores or removes one entity's facts (a single-entity run). */
export async function upsertFact(
  knex: Knex,
  entityRef: string,
  fact: EvaluatedEntity | undefined,
  now: number,
): Promise<void> {
  await knex.transaction(async trx => {
    await trx(FACTS_TABLE).where('entity_ref', entityRef).delete();
    if (fact) await trx(FACTS_TABLE).insert(toRow(fact, now));
  });
}

export async function readFacts(
  knex: Knex,
  entityRef?: string,
): Promise<EvaluatedEntity[]> {
  const rows = await knex(FACTS_TABLE)
    .modify(q => (entityRef ? q.where('entity_ref', entityRef) : q))
    .orderBy('entity_ref');
  return rows.map(fromRow);
}
