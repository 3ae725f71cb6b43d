import { exampleCatalog } from '../../testUtils/exampleCatalog';
import { thresholdsFor } from '../config';
import { computeEntityFacts } from '../entityFacts';
import type { EvaluatedEntity } from '../model';
import { sup01 } from './supplierRules';

const NOW = Date.parse('2026-06-15T12:00:00Z');

function judge(annotations: Record<string, string>) {
  const e: EvaluatedEntity = {
    entityRef: 'component:default/payments',
    kind: 'component',
    ownerState: 'group',
    annotations,
  };
  const thresholds = thresholdsFor(
    { thresholds: {}, tierThresholds: {} },
    sup01.check,
    e,
  );
  return sup01.judge(e, { hasLinkedRecords: true }, thresholds, NOW);
}

const STRIPE = {
  'itops.io/supplier-agreement.stripe': 'https://legal.example/stripe-msa-dpa',
};
const ADYEN = {
  'itops.io/supplier-agreement.adyen': 'https://legal.example/adyen-msa',
};

describe('SUP-01 supplier agreements', () => {
  it('passes when every listed supplier has its agreement linked', () => {
    const result = judge({
      'itops.io/suppliers': 'Stripe, adyen',
      ...STRIPE,
      ...ADYEN,
    });
    expect(result).toMatchObject({
      status: 'pass',
      reason: 'An agreement is linked for each of 2 supplier(s).',
    });
    expect(result.evidence.map(e => e.id)).toEqual([
      'itops.io/suppliers',
      'itops.io/supplier-agreement.stripe',
      'itops.io/supplier-agreement.adyen',
    ]);
  });

  it('fails naming each supplier without an agreement, listed first', () => {
    const result = judge({
      'itops.io/suppliers': 'stripe, adyen, sift',
      ...STRIPE,
      'itops.io/supplier-agreement.adyen': '   ',
    });
    expect(result).toMatchObject({
      status: 'fail',
      reason:
        'No agreement linked for 2 of 3 supplier(s): adyen, sift (itops.io/supplier-agreement.<id>).',
    });
    expect(result.evidence.slice(1, 3)).toEqual([
      {
        type: 'annotation',
        id: 'itops.io/supplier-agreement.adyen',
        note: 'no agreement linked',
      },
      {
        type: 'annotation',
        id: 'itops.io/supplier-agreement.sift',
        note: 'no agreement linked',
      },
    ]);
  });

  it('warns when an agreement names a supplier the list leaves out', () => {
    expect(
      judge({ 'itops.io/suppliers': 'stripe', ...STRIPE, ...ADYEN }),
    ).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('adyen, which itops.io/suppliers'),
    });
    expect(judge({ 'itops.io/suppliers': 'none', ...ADYEN }).status).toBe(
      'warn',
    );
  });

  it('is not applicable when declared none, and no data when not declared', () => {
    expect(judge({ 'itops.io/suppliers': 'None' }).status).toBe(
      'not_applicable',
    );
    // Agreements without a supplier list are no population: never a pass.
    expect(judge({ ...STRIPE })).toMatchObject({
      status: 'no_data',
      reason: expect.stringContaining('itops.io/suppliers'),
    });
    expect(judge({ 'itops.io/suppliers': ' ' }).status).toBe('no_data');
  });

  it('is an error naming what cannot be read', () => {
    expect(
      judge({ 'itops.io/suppliers': 'stripe, Acme Corp/EU', ...STRIPE }),
    ).toMatchObject({
      status: 'error',
      reason: expect.stringContaining("'acme corp/eu'"),
    });
    expect(judge({ 'itops.io/suppliers': 'none, stripe' }).status).toBe(
      'error',
    );
    expect(judge({ 'itops.io/suppliers': ', ,' }).status).toBe('error');
  });
});

describe('SUP-01 on the demo catalog', () => {
  it('shows passes, a failure, a gap in the data and n/a', () => {
    const facts = computeEntityFacts(exampleCatalog(), {
      kinds: ['component'],
      lifecycles: ['production'],
    });
    const statuses = Object.fromEntries(
      facts.map(f => [f.entityRef, judge(f.annotations).status]),
    );
    expect(statuses).toMatchObject({
      'component:default/payments-api': 'pass',
      'component:default/checkout-web': 'pass',
      'component:default/fraud-scoring': 'fail',
      'component:default/product-catalog': 'no_data',
      'component:default/payments-ledger': 'not_applicable',
    });
  });
});
