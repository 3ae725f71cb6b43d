import { COMPLIANCE_ANNOTATIONS } from '@backstage-itops/plugin-itops-common';
import type { EvaluatedEntity } from '../model';

/*
 * Reading catalog declarations, shared by the catalog rules and the rules
 * that depend on the personal-data declaration.
 */

export function annotationRef(key: string, value?: string) {
  return { type: 'annotation', id: key, ...(value ? { note: value } : {}) };
}

/** The personal-data declaration: true, false or undefined when not valid. */
export function personalDataOf(entity: EvaluatedEntity): boolean | undefined {
  const value = entity.annotations[COMPLIANCE_ANNOTATIONS.personalData]
    ?.trim()
    .toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** An annotation's trimmed value, undefined when missing or blank. */
export function declared(
  entity: EvaluatedEntity,
  key: string,
): string | undefined {
  return entity.annotations[key]?.trim() || undefined;
}
