import type { MappingKeyType } from '@backstage-itops/plugin-itops-common';
import type { EntityMapping } from '../mapping/computeEntityMapping';

/**
 * The entity mapping of components that each hold the given keys through
 * their own annotations, as the entity mapper would compute it.
 */
export function componentMapping(
  keys: Array<[entityRef: string, type: MappingKeyType, value: string]>,
): EntityMapping {
  const refs = [...new Set(keys.map(([ref]) => ref))];
  return {
    entities: refs.map(entityRef => ({
      entityRef,
      kind: 'component',
      title: null,
      ownerRef: null,
      systemRef: null,
    })),
    keys: keys.map(([entityRef, type, value]) => ({
      entityRef,
      type,
      value,
      viaRef: entityRef,
    })),
  };
}
