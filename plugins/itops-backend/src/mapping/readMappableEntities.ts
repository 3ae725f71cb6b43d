import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { MAPPED_KINDS } from './computeEntityMapping';

/** Only what the mapping uses, to keep pages small in large catalogs. */
const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
  'spec.system',
  'relations',
];

const PAGE_SIZE = 500;

/**
 * Reads every entity of a mapped kind from the catalog, page by page.
 * Aborting stops between pages.
 */
export async function readMappableEntities(
  catalog: typeof catalogServiceRef.T,
  credentials: BackstageCredentials,
  signal?: AbortSignal,
): Promise<Entity[]> {
  const entities: Entity[] = [];
  const pages = catalog.streamEntities(
    {
      filter: { kind: [...MAPPED_KINDS] },
      fields: FIELDS,
      pageSize: PAGE_SIZE,
    },
    { credentials },
  );
  for await (const page of pages) {
    signal?.throwIfAborted();
    entities.push(...page);
  }
  return entities;
}
