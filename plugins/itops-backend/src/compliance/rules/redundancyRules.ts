import { COMPLIANCE_ANNOTATIONS } from '@backstage-itops/plugin-itops-common';
import { type CheckRule, outcome } from '../model';
import type { CatalogData } from './catalogRules';
import { annotationRef, declared } from './declared';
import { checkById } from './rows';

const A = COMPLIANCE_ANNOTATIONS;

const REDUNDANT = new Set(['active-active', 'active-passive']);

/**
 * A.8.14: a critical service declares its redundancy and links the design
 * or failover test that shows it. The declaration alone is a claim, so it
 * passes only with its evidence linked. Synced restore tests are not read:
 * restoring from a backup is recovery (A.8.13, BKP-04), not a redundant
 * facility, and counting it here would overclaim.
 */
export const red01: CheckRule<CatalogData> = {
  check: checkById('RED-01'),
  judge(entity, _data, thresholds) {
    if (entity.tier === undefined || entity.tier > thresholds.maxTier) {
      return outcome(
        'not_applicable',
        `Redundancy is required for tier 1–${
          thresholds.maxTier
        }; this service is ${
          entity.tier === undefined ? 'untiered' : `tier ${entity.tier}`
        }${entity.tierDefaulted ? ' (default tier)' : ''}.`,
      );
    }
    const raw = declared(entity, A.redundancy);
    if (!raw) {
      return outcome(
        'fail',
        `A tier ${entity.tier} service without a redundancy declaration (${A.redundancy}).`,
      );
    }
    const mode = raw.toLowerCase();
    const link = declared(entity, A.redundancyEvidence);
    const evidence = [
      annotationRef(A.redundancy, raw),
      ...(link ? [annotationRef(A.redundancyEvidence, link)] : []),
    ];
    if (!REDUNDANT.has(mode) && mode !== 'none') {
      // error, not no_data: no_data rolls a control up to warn at worst,
      // so a misspelt value would score better than an honest `none`.
      return outcome(
        'error',
        `${A.redundancy} '${raw}' is not one of active-active, active-passive, none.`,
        { evidence },
      );
    }
    // Tiers up to strictTier must be redundant and show it; the others
    // up to maxTier may meet their availability needs otherwise (warn).
    const shortfall = entity.tier <= thresholds.strictTier ? 'fail' : 'warn';
    if (mode === 'none') {
      return outcome(
        shortfall,
        `A tier ${entity.tier} service declared without redundancy.`,
        { evidence },
      );
    }
    return link
      ? outcome('pass', `Redundancy ${mode}, evidence linked.`, { evidence })
      : outcome(
          shortfall,
          `Redundancy declared ${mode}, but no design or failover test is linked (${A.redundancyEvidence}).`,
          { evidence },
        );
  },
};
