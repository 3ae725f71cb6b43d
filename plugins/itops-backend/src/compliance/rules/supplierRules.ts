import {
  COMPLIANCE_ANNOTATIONS,
  type EvidenceRef,
} from '@backstage-itops/plugin-itops-common';
import { type CheckRule, type EvaluatedEntity, outcome } from '../model';
import type { CatalogData } from './catalogRules';
import { annotationRef, declared } from './declared';
import { checkById } from './rows';

const A = COMPLIANCE_ANNOTATIONS;

/**
 * A supplier id as it must appear in the agreement annotation's key: a
 * Backstage annotation name allows letters, digits, `-`, `_` and `.`,
 * starting and ending with a letter or digit.
 */
const SUPPLIER_ID = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/i;

/** Agreement links by lower-case supplier id, from the prefixed keys. */
function agreementsOf(entity: EvaluatedEntity): Map<string, string> {
  const agreements = new Map<string, string>();
  for (const key of Object.keys(entity.annotations)) {
    if (!key.startsWith(A.supplierAgreementPrefix)) continue;
    const link = declared(entity, key);
    if (link) {
      agreements.set(
        key.slice(A.supplierAgreementPrefix.length).toLowerCase(),
        link,
      );
    }
  }
  return agreements;
}

const agreementKey = (id: string) => `${A.supplierAgreementPrefix}${id}`;

/**
 * A.5.20: every external supplier the service declares has its agreement
 * linked. The supplier list is the population; whether the agreement
 * holds the security (or art. 28(3)) terms is for the reviewer who opens
 * it, so a pass says "linked", never "adequate".
 */
export const sup01: CheckRule<CatalogData> = {
  check: checkById('SUP-01'),
  judge(entity) {
    const raw = declared(entity, A.suppliers);
    if (!raw) {
      // Without the list there is no population: nothing passes on it.
      return outcome(
        'no_data',
        `The service's external suppliers are not declared (${A.suppliers}, or none).`,
      );
    }
    const agreements = agreementsOf(entity);
    const ids = raw
      .split(',')
      .map(id => id.trim().toLowerCase())
      .filter(Boolean);
    const listRef = annotationRef(A.suppliers, raw);
    const unlisted = [...agreements.keys()].filter(id => !ids.includes(id));
    if (ids.length === 1 && ids[0] === 'none') {
      return unlisted.length === 0
        ? outcome('not_applicable', 'Declared as using no external supplier.', {
            evidence: [listRef],
          })
        : outcome(
            'warn',
            `Declared as using no external supplier, but links an agreement with ${unlisted.join(
              ', ',
            )}.`,
            {
              evidence: [
                listRef,
                ...unlisted.map(id =>
                  annotationRef(agreementKey(id), agreements.get(id)),
                ),
              ],
            },
          );
    }
    const unreadable = ids.filter(id => id === 'none' || !SUPPLIER_ID.test(id));
    if (ids.length === 0 || unreadable.length > 0) {
      return outcome(
        'error',
        `${
          A.suppliers
        } '${raw}' is not a comma-separated list of supplier ids (letters, digits, - _ .) or none${
          unreadable.length
            ? `: ${unreadable.map(id => `'${id}'`).join(', ')}`
            : ''
        }.`,
        { evidence: [listRef] },
      );
    }
    const missing = ids.filter(id => !agreements.has(id));
    // Failing suppliers first, as in every evidence list.
    const evidence: EvidenceRef[] = [
      listRef,
      ...missing.map(id => ({
        type: 'annotation',
        id: agreementKey(id),
        note: 'no agreement linked',
      })),
      ...ids
        .filter(id => agreements.has(id))
        .map(id => annotationRef(agreementKey(id), agreements.get(id))),
    ];
    if (missing.length > 0) {
      return outcome(
        'fail',
        `No agreement linked for ${missing.length} of ${
          ids.length
        } supplier(s): ${missing.join(', ')} (${
          A.supplierAgreementPrefix
        }<id>).`,
        { evidence },
      );
    }
    if (unlisted.length > 0) {
      return outcome(
        'warn',
        `An agreement is linked for every listed supplier, and for ${unlisted.join(
          ', ',
        )}, which ${A.suppliers} does not list: the list may be incomplete.`,
        {
          evidence: [
            ...evidence,
            ...unlisted.map(id =>
              annotationRef(agreementKey(id), agreements.get(id)),
            ),
          ],
        },
      );
    }
    return outcome(
      'pass',
      `An agreement is linked for each of ${ids.length} supplier(s).`,
      { evidence },
    );
  },
};
