import type { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  type MappingKeyType,
  normalizeMappingValue,
} from '@backstage-itops/plugin-itops-common';

/** Config key of the claim policies. */
export const CLAIMS_CONFIG_KEY = 'itops.mapping.claims';

/** Every mapping key type, in the order the config documents them. */
export const MAPPING_KEY_TYPES: readonly MappingKeyType[] = [
  'servicenow-ci',
  'servicenow-service',
  'servicenow-group',
  'jira-project',
  'jira-component',
  'jsm-team',
  'veeam-job',
  'veeam-tag',
  'veeam-object',
];

/**
 * `open`: any entity may claim a value, and several entities claiming one
 * value all see its records (the behaviour before claim policies).
 * `exclusive`: a value claimed by several entities without a rule naming
 * who owns it is a conflict and is withheld from all of them.
 */
export type ClaimPolicyMode = 'open' | 'exclusive';

/** Who may claim some values of one key type. */
export interface ClaimRule {
  /** Normalized values (as entities' keys carry them). */
  values: ReadonlySet<string>;
  /** Entity refs that may claim them. */
  entities: ReadonlySet<string>;
  /** Owner refs (usually groups) whose entities may claim them. */
  owners: ReadonlySet<string>;
  /** Where the rule is configured, for reasons shown to admins. */
  configKey: string;
}

export interface ClaimPolicy {
  mode: ClaimPolicyMode;
  /** By normalized value; a value is in at most one rule. */
  rules: ReadonlyMap<string, ClaimRule>;
}

/** Policies per key type; a type without one is open without rules. */
export type ClaimPolicies = ReadonlyMap<MappingKeyType, ClaimPolicy>;

/** Open for every type, as without config. */
export const OPEN_CLAIMS: ClaimPolicies = new Map();

/**
 * Reads `itops.mapping.claims`. Anything that cannot be meant is an error
 * naming its key, so that a typo fails start-up instead of silently leaving
 * a type open.
 */
export function readClaimPolicies(config: Config): ClaimPolicies {
  const claims = config.getOptionalConfig(CLAIMS_CONFIG_KEY);
  if (!claims) {
    return OPEN_CLAIMS;
  }
  const policies = new Map<MappingKeyType, ClaimPolicy>();
  for (const type of claims.keys()) {
    const typeKey = `${CLAIMS_CONFIG_KEY}.${type}`;
    if (!(MAPPING_KEY_TYPES as readonly string[]).includes(type)) {
      throw new Error(
        `Invalid config at ${typeKey}: unknown mapping key type '${type}', expected one of ${MAPPING_KEY_TYPES.join(
          ', ',
        )}`,
      );
    }
    const section = claims.getConfig(type);
    const mode = section.getOptionalString('policy') ?? 'open';
    if (mode !== 'open' && mode !== 'exclusive') {
      throw new Error(
        `Invalid config at ${typeKey}.policy: '${mode}', expected 'open' or 'exclusive'`,
      );
    }
    const rules = new Map<string, ClaimRule>();
    (section.getOptionalConfigArray('rules') ?? []).forEach((rule, i) => {
      const ruleKey = `${typeKey}.rules[${i}]`;
      const values = rule.getStringArray('values').map(value => {
        const normalized = normalizeMappingValue(value);
        if (!normalized) {
          throw new Error(`Invalid config at ${ruleKey}.values: empty value`);
        }
        return normalized;
      });
      if (values.length === 0) {
        throw new Error(
          `Invalid config at ${ruleKey}.values: at least one value is needed`,
        );
      }
      const entities = refsOf(rule, 'entities', ruleKey, 'component');
      const owners = refsOf(rule, 'owners', ruleKey, 'group');
      if (entities.size === 0 && owners.size === 0) {
        throw new Error(
          `Invalid config at ${ruleKey}: name the entities or owners that may claim its values`,
        );
      }
      const parsed: ClaimRule = {
        values: new Set(values),
        entities,
        owners,
        configKey: ruleKey,
      };
      for (const value of values) {
        const earlier = rules.get(value);
        // Two rules for one value would make the owner depend on their order.
        if (earlier && earlier !== parsed) {
          throw new Error(
            `Invalid config at ${ruleKey}.values: '${value}' is already in ${earlier.configKey}`,
          );
        }
        rules.set(value, parsed);
      }
    });
    policies.set(type as MappingKeyType, { mode, rules });
  }
  return policies;
}

/** Entity refs of a rule, in the lower-case form the mapping compares. */
function refsOf(
  rule: Config,
  field: 'entities' | 'owners',
  ruleKey: string,
  defaultKind: string,
): Set<string> {
  const refs = new Set<string>();
  (rule.getOptionalStringArray(field) ?? []).forEach((ref, i) => {
    try {
      refs.add(
        stringifyEntityRef(
          parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
        ).toLocaleLowerCase('en-US'),
      );
    } catch {
      throw new Error(
        `Invalid config at ${ruleKey}.${field}[${i}]: '${ref}' is not an entity reference`,
      );
    }
  });
  return refs;
}
