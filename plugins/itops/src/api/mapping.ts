/**
 * A claim of a source object that `itops.mapping.claims` withheld
 * (`conflict`: several entities claim an exclusive value and no rule names
 * its owner) or refused (`refused`: a rule names who may claim it).
 *
 * @public
 */
export interface ItopsMappingConflict {
  /** The mapping key type, e.g. `servicenow-ci`. */
  type: string;
  /** The claimed value, normalized (lower case). */
  value: string;
  decision: 'conflict' | 'refused';
  /** Entities whose own annotations claim the value. */
  claimants: string[];
  /** The claimants that keep the value. */
  granted: string[];
  reason: string;
  /** When this decision was first made. */
  detectedAt: string;
}
