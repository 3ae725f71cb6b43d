import type {
  MappingKey,
  MappingKeyType,
} from '@backstage-itops/plugin-itops-common';
import { type ClaimPolicies, CLAIMS_CONFIG_KEY } from './claimPolicy';

/**
 * A claimed value that not every claimant keeps:
 * - `conflict`: several entities claim a value of an exclusive type and no
 *   rule names its owner, so it is withheld from all of them until an admin
 *   adds a rule or the annotations change (a deterministic winner could be
 *   the wrong team, which would then see another team's records);
 * - `refused`: a rule names who may claim the value and some claimants are
 *   not among them; the others keep it.
 */
export interface ClaimIssue {
  type: MappingKeyType;
  value: string;
  decision: 'conflict' | 'refused';
  /** Every entity whose own annotations claim the value, sorted. */
  claimants: string[];
  /** The claimants that keep the value, sorted. */
  granted: string[];
  reason: string;
}

/** One entity's own keys and the owners that rules may name. */
export interface Claimant {
  entityRef: string;
  /** Owner refs, compared case-insensitively. */
  ownerRefs: readonly string[];
  keys: readonly MappingKey[];
}

export interface ClaimDecisions {
  /** Whether the entity keeps its own key. */
  granted(entityRef: string, key: MappingKey): boolean;
  issues: ClaimIssue[];
}

const claimId = (type: string, value: string) => `${type}\u0000${value}`;

/**
 * Decides which claims stand under the policies. Only an entity's own
 * annotations are claims; what groups and systems collect from their parts
 * follows the part's decision.
 */
export function decideClaims(
  claimants: readonly Claimant[],
  policies: ClaimPolicies,
): ClaimDecisions {
  const byValue = new Map<
    string,
    { type: MappingKeyType; value: string; claimants: Claimant[] }
  >();
  for (const claimant of claimants) {
    for (const key of claimant.keys) {
      const id = claimId(key.type, key.value);
      const claim = byValue.get(id) ?? { ...key, claimants: [] };
      if (!claim.claimants.includes(claimant)) {
        claim.claimants.push(claimant);
      }
      byValue.set(id, claim);
    }
  }

  const denied = new Set<string>();
  const issues: ClaimIssue[] = [];
  for (const claim of byValue.values()) {
    const policy = policies.get(claim.type);
    if (!policy) {
      continue;
    }
    const refs = claim.claimants.map(c => c.entityRef).sort();
    const rule = policy.rules.get(claim.value);
    let granted: Claimant[];
    let issue: Pick<ClaimIssue, 'decision' | 'reason'> | undefined;
    if (rule) {
      granted = claim.claimants.filter(
        c =>
          rule.entities.has(c.entityRef.toLocaleLowerCase('en-US')) ||
          c.ownerRefs.some(owner =>
            rule.owners.has(owner.toLocaleLowerCase('en-US')),
          ),
      );
      if (granted.length < claim.claimants.length) {
        issue = {
          decision: 'refused',
          reason: `Only the entities and owners in ${rule.configKey} may claim this value`,
        };
      }
    } else if (policy.mode === 'exclusive' && claim.claimants.length > 1) {
      granted = [];
      issue = {
        decision: 'conflict',
        reason: `${CLAIMS_CONFIG_KEY}.${claim.type} is exclusive and ${claim.claimants.length} entities claim this value; withheld from all until a rule names its owner`,
      };
    } else {
      continue;
    }
    if (!issue) {
      continue;
    }
    for (const claimant of claim.claimants) {
      if (!granted.includes(claimant)) {
        denied.add(
          `${claimant.entityRef}\u0000${claimId(claim.type, claim.value)}`,
        );
      }
    }
    issues.push({
      type: claim.type,
      value: claim.value,
      ...issue,
      claimants: refs,
      granted: granted.map(c => c.entityRef).sort(),
    });
  }

  issues.sort(
    (a, b) => a.type.localeCompare(b.type) || a.value.localeCompare(b.value),
  );
  return {
    granted: (entityRef, key) =>
      !denied.has(`${entityRef}\u0000${claimId(key.type, key.value)}`),
    issues,
  };
}
