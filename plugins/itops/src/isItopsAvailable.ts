import { hasItopsAnnotations } from '@backstage-itops/plugin-itops-common';
import type { Entity } from '@backstage/catalog-model';

/**
 * Whether the ITOps tab has something to show for an entity: it carries at
 * least one `itops.io/` annotation.
 *
 * @public
 */
export function isItopsAvailable(entity: Entity): boolean {
  return hasItopsAnnotations(entity);
}
