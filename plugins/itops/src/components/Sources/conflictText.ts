import type { ItopsMappingConflict } from '../../api';

/** The claims of `entityRef` that the mapping withheld or refused. */
export function conflictsOf(
  conflicts: ItopsMappingConflict[],
  entityRef: string,
): ItopsMappingConflict[] {
  const ref = entityRef.toLocaleLowerCase('en-US');
  const has = (refs: string[]) =>
    refs.some(r => r.toLocaleLowerCase('en-US') === ref);
  return conflicts.filter(c => has(c.claimants) && !has(c.granted));
}

/** Who keeps the value, in words. */
export function keeperText(conflict: ItopsMappingConflict): string {
  return conflict.granted.length > 0
    ? `kept by ${conflict.granted.join(', ')}`
    : 'kept by no entity';
}

/** `servicenow-ci "payments-db"`. */
export function sourceObjectText(conflict: ItopsMappingConflict): string {
  return `${conflict.type} "${conflict.value}"`;
}
