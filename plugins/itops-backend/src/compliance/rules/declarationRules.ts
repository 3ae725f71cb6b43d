import { COMPLIANCE_ANNOTATIONS } from '@backstage-itops/plugin-itops-common';
import { type CheckRule, type EvaluatedEntity, outcome } from '../model';
import type { CatalogData } from './catalogRules';
import { annotationRef, declared, personalDataOf } from './declared';
import { red01 } from './redundancyRules';
import { checkById } from './rows';
import { sup01 } from './supplierRules';

/*
 * Rules over what a service declares in the catalog about how it is run
 * and how its personal data is handled. The catalog is the evidence: a
 * missing declaration fails, and where the check depends on the
 * personal-data declaration (PRIV-01) and that is missing, the result is
 * no_data, never a pass.
 */

const A = COMPLIANCE_ANNOTATIONS;

/** The personal-data gate: undefined when the rule should judge. */
function personalDataGate(entity: EvaluatedEntity) {
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
  return undefined;
}

export const mon01: CheckRule<CatalogData> = {
  check: checkById('MON-01'),
  judge(entity) {
    const monitoring = declared(entity, A.monitoring);
    const logs = declared(entity, A.logDestination);
    const evidence = [
      ...(monitoring ? [annotationRef(A.monitoring, monitoring)] : []),
      ...(logs ? [annotationRef(A.logDestination, logs)] : []),
    ];
    if (monitoring && logs) {
      return outcome(
        'pass',
        'Monitoring/alerting source and log destination declared.',
        { evidence },
      );
    }
    if (monitoring || logs) {
      return outcome(
        'warn',
        `${monitoring ? A.logDestination : A.monitoring} is not declared.`,
        { evidence },
      );
    }
    return outcome(
      'fail',
      `Neither ${A.monitoring} nor ${A.logDestination} is declared.`,
    );
  },
};

export const ops01: CheckRule<CatalogData> = {
  check: checkById('OPS-01'),
  judge(entity, _data, thresholds) {
    // The engine sets the default tier on untiered services; a default
    // above maxTier leaves them out of scope, a stricter default keeps them.
    if (entity.tier === undefined || entity.tier > thresholds.maxTier) {
      return outcome(
        'not_applicable',
        `Runbooks are required for tier 1–${
          thresholds.maxTier
        }; this service is ${
          entity.tier === undefined ? 'untiered' : `tier ${entity.tier}`
        }${entity.tierDefaulted ? ' (default tier)' : ''}.`,
      );
    }
    const runbook = declared(entity, A.runbook);
    return runbook
      ? outcome('pass', 'Runbook linked.', {
          evidence: [annotationRef(A.runbook, runbook)],
        })
      : outcome(
          'fail',
          `A tier ${entity.tier} service without a runbook (${A.runbook}).`,
        );
  },
};

export const priv03: CheckRule<CatalogData> = {
  check: checkById('PRIV-03'),
  judge(entity) {
    const gate = personalDataGate(entity);
    if (gate) return gate;
    const procedure = declared(entity, A.deletionProcedure);
    return procedure
      ? outcome('pass', 'Erasure procedure linked.', {
          evidence: [annotationRef(A.deletionProcedure, procedure)],
        })
      : outcome(
          'fail',
          `Processes personal data, but no erasure procedure is linked (${A.deletionProcedure}).`,
        );
  },
};

/** EU member states and the EEA's Iceland, Liechtenstein and Norway. */
const EEA = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR',
  'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK',
  'SI', 'ES', 'SE', 'IS', 'LI', 'NO', 'EU', 'EEA',
]); // prettier-ignore

/** Chapter V mechanisms that allow regular transfers (art. 45–47). */
const SAFEGUARDS = new Set(['adequacy', 'scc', 'bcr']);

export const priv04: CheckRule<CatalogData> = {
  check: checkById('PRIV-04'),
  judge(entity) {
    const gate = personalDataGate(entity);
    if (gate) return gate;
    const location = declared(entity, A.dataLocation);
    if (!location) {
      return outcome(
        'fail',
        `Processes personal data, but its location is not declared (${A.dataLocation}).`,
      );
    }
    const places = location
      .split(',')
      .map(p => p.trim().toUpperCase())
      .filter(Boolean);
    const unreadable = places.filter(p => !/^[A-Z]{2,3}$/.test(p));
    const mechanism = declared(entity, A.transferMechanism)?.toLowerCase();
    const evidence = [
      annotationRef(A.dataLocation, location),
      ...(mechanism ? [annotationRef(A.transferMechanism, mechanism)] : []),
    ];
    if (places.length === 0 || unreadable.length > 0) {
      return outcome(
        'fail',
        `${A.dataLocation} '${location}' is not a list of country codes or EU/EEA.`,
        { evidence },
      );
    }
    const outside = places.filter(p => !EEA.has(p));
    if (outside.length === 0) {
      return outcome(
        'pass',
        `Personal data stays in the EEA (${places.join(', ')}).`,
        {
          evidence,
        },
      );
    }
    const where = outside.join(', ');
    if (mechanism && SAFEGUARDS.has(mechanism)) {
      return outcome(
        'pass',
        `Personal data in ${where}, outside the EEA, under ${mechanism}.`,
        { evidence },
      );
    }
    if (mechanism === 'derogation') {
      return outcome(
        'warn',
        `Personal data in ${where} on an art. 49 derogation, which covers occasional transfers only.`,
        { evidence },
      );
    }
    return outcome(
      'fail',
      mechanism && mechanism !== 'none'
        ? `Personal data in ${where}, outside the EEA; '${mechanism}' is not a chapter V mechanism (adequacy, scc, bcr, derogation).`
        : `Personal data in ${where}, outside the EEA, without a transfer mechanism (${A.transferMechanism}).`,
      { evidence },
    );
  },
};

const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'];
const PROTECTED = new Set(['confidential', 'restricted']);

export const priv05: CheckRule<CatalogData> = {
  check: checkById('PRIV-05'),
  judge(entity) {
    const personal = personalDataOf(entity);
    if (personal === undefined) {
      return outcome(
        'no_data',
        'Whether the service processes personal data is not declared (PRIV-01).',
      );
    }
    if (personal === false) {
      // Declared clean, yet wired into the privacy processes: one of the
      // two declarations is wrong.
      const refs = [A.ropa, A.deletionProcedure].filter(key =>
        declared(entity, key),
      );
      return refs.length > 0
        ? outcome(
            'warn',
            `Declared as not processing personal data, but references ${refs.join(
              ' and ',
            )}.`,
            {
              evidence: refs.map(key =>
                annotationRef(key, declared(entity, key)),
              ),
            },
          )
        : outcome(
            'pass',
            'Declared as not processing personal data, consistently.',
          );
    }
    const raw = declared(entity, A.dataClassification);
    if (!raw) {
      return outcome(
        'fail',
        `Processes personal data, but has no data classification (${A.dataClassification}).`,
      );
    }
    const classification = raw.toLowerCase();
    const evidence = [annotationRef(A.dataClassification, raw)];
    if (!CLASSIFICATIONS.includes(classification)) {
      return outcome(
        'no_data',
        `Classification '${raw}' is not one of ${CLASSIFICATIONS.join(
          ', ',
        )}; its protection level is unknown.`,
        { evidence },
      );
    }
    return PROTECTED.has(classification)
      ? outcome('pass', `Personal data classified ${classification}.`, {
          evidence,
        })
      : outcome(
          'fail',
          `Processes personal data, but is classified ${classification}.`,
          { evidence },
        );
  },
};

export const DECLARATION_RULES = [
  mon01,
  ops01,
  red01,
  sup01,
  priv03,
  priv04,
  priv05,
];
