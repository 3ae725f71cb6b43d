import {
  COMPLIANCE_ANNOTATIONS,
  ITOPS_ANNOTATIONS,
} from '@backstage-itops/plugin-itops-common';
import { DateTime } from 'luxon';
import { type CheckRule, DAY_MS, outcome } from '../model';
import { DECLARATION_RULES } from './declarationRules';
import { annotationRef, personalDataOf } from './declared';
import { checkById } from './rows';

/** What the catalog rules need beyond the entity's own facts. */
export interface CatalogData {
  /** Whether the entity's links matched any synced incident or change. */
  hasLinkedRecords: boolean;
}

export const inv01: CheckRule<CatalogData> = {
  check: checkById('INV-01'),
  judge(entity) {
    const evidence = entity.ownerRef
      ? [{ type: 'owner', id: entity.ownerRef }]
      : [];
    switch (entity.ownerState) {
      case 'group':
        return outcome(
          'pass',
          `Owned by ${entity.ownerRef}, a group with members.`,
          {
            evidence,
          },
        );
      case 'group_empty':
        return outcome(
          'fail',
          `Owner group ${entity.ownerRef} has no members.`,
          {
            evidence,
          },
        );
      case 'unresolved':
        return outcome(
          'warn',
          `Owner ${entity.ownerRef} is not a group known to the catalog.`,
          { evidence },
        );
      default:
        return outcome('fail', 'No owner is set.');
    }
  },
};

export const inv02: CheckRule<CatalogData> = {
  check: checkById('INV-02'),
  judge(entity, data) {
    const links = [
      ITOPS_ANNOTATIONS.servicenowService,
      ITOPS_ANNOTATIONS.servicenowCi,
    ].filter(key => entity.annotations[key]?.trim());
    if (links.length === 0) {
      return outcome(
        'fail',
        'No ServiceNow business service or CI is annotated.',
      );
    }
    const evidence = links.map(key =>
      annotationRef(key, entity.annotations[key]),
    );
    return data.hasLinkedRecords
      ? outcome(
          'pass',
          'Linked to the CMDB, and synced records match the link.',
          {
            evidence,
          },
        )
      : outcome(
          'warn',
          'Linked to the CMDB, but no synced incident or change matches the link.',
          { evidence },
        );
  },
};

export const inv03: CheckRule<CatalogData> = {
  check: checkById('INV-03'),
  judge(judgedEntity) {
    // The tier the engine defaults for other checks is not a declaration.
    const entity = judgedEntity.tierDefaulted
      ? { ...judgedEntity, tier: undefined }
      : judgedEntity;
    const classification =
      entity.annotations[COMPLIANCE_ANNOTATIONS.dataClassification]?.trim();
    const declared = [
      entity.tier !== undefined ? `tier ${entity.tier}` : undefined,
      classification ? `classification ${classification}` : undefined,
    ].filter((d): d is string => Boolean(d));
    const evidence = [
      ...(entity.tier !== undefined
        ? [annotationRef(COMPLIANCE_ANNOTATIONS.tier, String(entity.tier))]
        : []),
      ...(classification
        ? [
            annotationRef(
              COMPLIANCE_ANNOTATIONS.dataClassification,
              classification,
            ),
          ]
        : []),
    ];
    if (declared.length === 2) {
      return outcome('pass', `Declared ${declared.join(' and ')}.`, {
        evidence,
      });
    }
    if (declared.length === 1) {
      return outcome(
        'warn',
        `Declared ${declared[0]} only; ${
          entity.tier === undefined ? 'tier (1–4)' : 'data classification'
        } is missing.`,
        { evidence },
      );
    }
    return outcome('fail', 'Neither tier nor data classification is declared.');
  },
};

export const priv01: CheckRule<CatalogData> = {
  check: checkById('PRIV-01'),
  judge(entity) {
    const raw = entity.annotations[COMPLIANCE_ANNOTATIONS.personalData];
    const declared = personalDataOf(entity);
    if (declared === undefined) {
      return outcome(
        'fail',
        raw
          ? `${COMPLIANCE_ANNOTATIONS.personalData} is '${raw}', not true or false.`
          : `${COMPLIANCE_ANNOTATIONS.personalData} is not declared.`,
      );
    }
    return outcome(
      'pass',
      declared
        ? 'Declared as processing personal data.'
        : 'Declared as not processing personal data.',
      { evidence: [annotationRef(COMPLIANCE_ANNOTATIONS.personalData, raw)] },
    );
  },
};

export const priv02: CheckRule<CatalogData> = {
  check: checkById('PRIV-02'),
  judge(entity, _data, thresholds, now) {
    const personal = personalDataOf(entity);
    if (personal === false) {
      return outcome(
        'not_applicable',
        'Declared as not processing personal data.',
      );
    }
    if (personal === undefined) {
      return outcome(
        'no_data',
        'Whether the service processes personal data is not declared (PRIV-01).',
      );
    }
    const ropa = entity.annotations[COMPLIANCE_ANNOTATIONS.ropa]?.trim();
    const reviewedRaw =
      entity.annotations[COMPLIANCE_ANNOTATIONS.ropaReviewed]?.trim();
    if (!ropa) {
      return outcome(
        'fail',
        'No record-of-processing (ROPA) entry is referenced.',
      );
    }
    const evidence = [
      annotationRef(COMPLIANCE_ANNOTATIONS.ropa, ropa),
      ...(reviewedRaw
        ? [annotationRef(COMPLIANCE_ANNOTATIONS.ropaReviewed, reviewedRaw)]
        : []),
    ];
    const reviewed = reviewedRaw
      ? DateTime.fromISO(reviewedRaw, { zone: 'utc' })
      : undefined;
    if (!reviewed?.isValid) {
      return outcome(
        'fail',
        reviewedRaw
          ? `ROPA review date '${reviewedRaw}' is not an ISO 8601 date.`
          : 'The ROPA entry has no review date.',
        { evidence },
      );
    }
    const nowDt = DateTime.fromMillis(now, { zone: 'utc' });
    const months = nowDt.diff(reviewed, 'months').months;
    // A date ahead of today is not a review that happened: beyond one review
    // period it fails (2099 must not pass), within one it is a finding,
    // since the entry names a plan, not a review. A day of slack absorbs
    // time zones.
    if (reviewed.toMillis() > now + DAY_MS) {
      const ahead = -months;
      return outcome(
        ahead > thresholds.passMonths ? 'fail' : 'warn',
        `ROPA review date ${reviewedRaw} lies ${Math.ceil(
          ahead,
        )} month(s) in the future: a future date is not evidence of a review.`,
        { evidence, value: months },
      );
    }
    const age = `${Math.floor(months)} months ago`;
    if (months <= thresholds.passMonths) {
      return outcome('pass', `ROPA entry reviewed ${age}.`, {
        evidence,
        value: months,
      });
    }
    return outcome(
      months <= thresholds.warnMonths ? 'warn' : 'fail',
      `ROPA entry last reviewed ${age}; reviews are due every ${thresholds.passMonths} months.`,
      { evidence, value: months },
    );
  },
};

export const CATALOG_RULES = [
  inv01,
  inv02,
  inv03,
  priv01,
  priv02,
  ...DECLARATION_RULES,
];
