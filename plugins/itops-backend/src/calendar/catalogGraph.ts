import {
  type AuthService,
  type LoggerService,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  type Entity,
  RELATION_DEPENDS_ON,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';
import type { catalogServiceRef } from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import { chunks } from '../database/chunks';
import { MAPPED_KINDS } from '../mapping/computeEntityMapping';

/** The relations along which two changes can conflict. */
export type ConflictRelation =
  | typeof RELATION_DEPENDS_ON
  | typeof RELATION_PART_OF;

export type EntityRelation = {
  sourceRef: string;
  type: ConflictRelation;
  targetRef: string;
};

export type CatalogGraph = {
  relations: EntityRelation[];
  tags: Array<{ entityRef: string; tag: string }>;
};

const RELATIONS_TABLE = 'itops_entity_relations';
const TAGS_TABLE = 'itops_entity_tags';
const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.tags',
  'relations',
];
const CONFLICT_RELATIONS: ReadonlySet<string> = new Set([
  RELATION_DEPENDS_ON,
  RELATION_PART_OF,
]);

/**
 * The relations and tags among catalog entities, with refs spelled as in
 * itops_entities (stringifyEntityRef keeps the name's case; the catalog's
 * relation targets are lower-cased). Relations to entities ITOps does not
 * map are dropped: no change can be on them.
 */
export function computeCatalogGraph(entities: Iterable<Entity>): CatalogGraph {
  const list = [...entities];
  const refByLowerCase = new Map(
    list.map(entity => {
      const ref = stringifyEntityRef(entity);
      return [ref.toLocaleLowerCase('en-US'), ref];
    }),
  );
  const relations = new Map<string, EntityRelation>();
  const tags = new Map<string, { entityRef: string; tag: string }>();
  for (const entity of list) {
    const sourceRef = stringifyEntityRef(entity);
    for (const relation of entity.relations ?? []) {
      const targetRef = refByLowerCase.get(
        relation.targetRef.toLocaleLowerCase('en-US'),
      );
      if (!CONFLICT_RELATIONS.has(relation.type) || !targetRef) continue;
      if (targetRef === sourceRef) continue;
      const row = {
        sourceRef,
        type: relation.type as ConflictRelation,
        targetRef,
      };
      relations.set(JSON.stringify(row), row);
    }
    for (const tag of entity.metadata.tags ?? []) {
      if (tag.length > 255) continue;
      tags.set(JSON.stringify([sourceRef, tag]), { entityRef: sourceRef, tag });
    }
  }
  return { relations: [...relations.values()], tags: [...tags.values()] };
}

/** Replaces the stored graph in one transaction; no writes when unchanged. */
export async function storeCatalogGraph(
  knex: Knex,
  graph: CatalogGraph,
): Promise<boolean> {
  const relationRows = graph.relations.map(r => ({
    source_ref: r.sourceRef,
    type: r.type,
    target_ref: r.targetRef,
  }));
  const tagRows = graph.tags.map(t => ({
    entity_ref: t.entityRef,
    tag: t.tag,
  }));
  const fingerprint = (rows: object[]) =>
    rows
      .map(row => JSON.stringify(Object.values(row)))
      .sort()
      .join('\n');
  return knex.transaction(async trx => {
    const storedRelations = await trx(RELATIONS_TABLE).select(
      'source_ref',
      'type',
      'target_ref',
    );
    const storedTags = await trx(TAGS_TABLE).select('entity_ref', 'tag');
    if (
      fingerprint(storedRelations) === fingerprint(relationRows) &&
      fingerprint(storedTags) === fingerprint(tagRows)
    ) {
      return false;
    }
    await trx(RELATIONS_TABLE).delete();
    await trx(TAGS_TABLE).delete();
    // 999 bound variables is SQLite's lowest limit.
    await trx.batchInsert(RELATIONS_TABLE, relationRows, 300);
    await trx.batchInsert(TAGS_TABLE, tagRows, 400);
    return true;
  });
}

/** Orders strings by code unit, the same everywhere (no locale). */
export function compareCodeUnits(a: string, b: string): number {
  return Number(a > b) - Number(a < b);
}

/** The stored relations touching any of the entities, in either direction. */
export async function relationsOf(
  knex: Knex,
  entityRefs: readonly string[],
): Promise<EntityRelation[]> {
  if (entityRefs.length === 0) return [];
  // Chunks of 400 refs (bound twice), read together.
  const rows: Array<{ source_ref: string; type: string; target_ref: string }> =
    (
      await Promise.all(
        chunks(entityRefs, 400).map(chunk =>
          knex(RELATIONS_TABLE)
            .whereIn('source_ref', chunk)
            .orWhereIn('target_ref', chunk)
            .select('source_ref', 'type', 'target_ref'),
        ),
      )
    ).flat();
  const unique = new Map(
    rows.map(row => [
      `${row.source_ref}|${row.type}|${row.target_ref}`,
      {
        sourceRef: row.source_ref,
        type: row.type as ConflictRelation,
        targetRef: row.target_ref,
      },
    ]),
  );
  // In a fixed order, whatever the chunks and the planner: a conflict found
  // along two relations is explained by the first.
  return [...unique.entries()]
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([, relation]) => relation);
}

export const CATALOG_GRAPH_TASK_ID = 'itops-calendar-catalog-graph';

/**
 * Keeps itops_entity_relations and itops_entity_tags in step with the
 * catalog on its own schedule (every minute, like the entity mapping),
 * reading only kind, name, tags and relations.
 */
export async function scheduleCatalogGraphRefresh(options: {
  knex: Knex;
  catalog: typeof catalogServiceRef.T;
  auth: AuthService;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<void> {
  const { knex, catalog, auth, scheduler, logger } = options;
  await scheduler.scheduleTask({
    id: CATALOG_GRAPH_TASK_ID,
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 3 },
    scope: 'global',
    fn: async signal => {
      try {
        const credentials = await auth.getOwnServiceCredentials();
        const entities: Entity[] = [];
        for await (const page of catalog.streamEntities(
          {
            filter: { kind: [...MAPPED_KINDS] },
            fields: FIELDS,
            pageSize: 500,
          },
          { credentials },
        )) {
          signal?.throwIfAborted();
          entities.push(...page);
        }
        const changed = await storeCatalogGraph(
          knex,
          computeCatalogGraph(entities),
        );
        if (changed) logger.info('ITOps calendar relations and tags updated');
      } catch (error) {
        // The previous graph stays; the next run retries.
        logger.error(
          `ITOps calendar relations refresh failed: ${stringifyError(error)}`,
        );
      }
    },
  });
}
