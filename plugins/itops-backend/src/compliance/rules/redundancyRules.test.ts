import { exampleCatalog } from '../../testUtils/exampleCatalog';
import { thresholdsFor } from '../config';
import { computeEntityFacts } from '../entityFacts';
import type { EvaluatedEntity } from '../model';
import { red01 } from './redundancyRules';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const EVIDENCE = 'https://wiki.example/payments/failover-test-2026-05';

function judge(
  annotations: Record<string, string>,
  overrides: Partial<EvaluatedEntity> = {},
  tierThresholds = {},
) {
  const e: EvaluatedEntity = {
    entityRef: 'component:default/payments',
    kind: 'component',
    ownerState: 'group',
    annotations,
    ...overrides,
  };
  const thresholds = thresholdsFor(
    { thresholds: {}, tierThresholds },
    red01.check,
    e,
  );
  return red01.judge(e, { hasLinkedRecords: true }, thresholds, NOW);
}

const declaring = (redundancy: string, evidence?: string) => ({
  'itops.io/redundancy': redundancy,
  ...(evidence ? { 'itops.io/redundancy-evidence': evidence } : {}),
});

describe('RED-01 redundancy', () => {
  it('passes declared redundancy with its evidence linked', () => {
    const result = judge(declaring('Active-Active', EVIDENCE), { tier: 1 });
    expect(result).toMatchObject({
      status: 'pass',
      reason: 'Redundancy active-active, evidence linked.',
    });
    expect(result.evidence.map(e => e.id)).toEqual([
      'itops.io/redundancy',
      'itops.io/redundancy-evidence',
    ]);
    expect(
      judge(declaring('active-passive', EVIDENCE), { tier: 2 }).status,
    ).toBe('pass');
  });

  it('fails tier 1 without a declaration, without redundancy or without evidence', () => {
    expect(judge({}, { tier: 1 })).toMatchObject({
      status: 'fail',
      reason:
        'A tier 1 service without a redundancy declaration (itops.io/redundancy).',
    });
    expect(judge(declaring('  '), { tier: 1 }).status).toBe('fail');
    // A design link does not make `none` redundant.
    expect(judge(declaring('none', EVIDENCE), { tier: 1 }).status).toBe('fail');
    expect(judge(declaring('active-active'), { tier: 1 })).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('itops.io/redundancy-evidence'),
    });
    expect(judge(declaring('active-active', '   '), { tier: 1 }).status).toBe(
      'fail',
    );
  });

  it('fails an undeclared tier 2 service and warns on its shortfalls', () => {
    expect(judge({}, { tier: 2 }).status).toBe('fail');
    expect(judge(declaring('none'), { tier: 2 })).toMatchObject({
      status: 'warn',
      reason: 'A tier 2 service declared without redundancy.',
    });
    expect(judge(declaring('active-passive'), { tier: 2 }).status).toBe('warn');
  });

  it('is an error naming an unknown value, never a pass', () => {
    for (const tier of [1, 2]) {
      expect(judge(declaring('multi-az', EVIDENCE), { tier })).toMatchObject({
        status: 'error',
        reason:
          "itops.io/redundancy 'multi-az' is not one of active-active, active-passive, none.",
      });
    }
  });

  it('is not applicable below maxTier, including a defaulted tier', () => {
    expect(judge({}, { tier: 3 }).status).toBe('not_applicable');
    expect(judge(declaring('none'), { tier: 4 }).status).toBe('not_applicable');
    expect(judge({}, { tier: 3, tierDefaulted: true }).reason).toMatch(
      /tier 3 \(default tier\)/,
    );
    expect(judge({}).reason).toMatch(/untiered/);
  });

  it('follows tier thresholds: a stricter tier 2 fails its shortfalls', () => {
    const strict = { 2: { 'RED-01': { strictTier: 2 } } };
    expect(judge(declaring('none'), { tier: 2 }, strict).status).toBe('fail');
  });
});

describe('RED-01 on the demo catalog', () => {
  it('shows passes, a warning and failures with their reasons', () => {
    const facts = computeEntityFacts(exampleCatalog(), {
      kinds: ['component'],
      lifecycles: ['production'],
    });
    const statuses = Object.fromEntries(
      facts.map(f => [
        f.entityRef,
        judge(f.annotations, { tier: f.tier }).status,
      ]),
    );
    expect(statuses).toMatchObject({
      'component:default/payments-api': 'pass',
      'component:default/identity-service': 'pass',
      'component:default/fraud-scoring': 'warn',
      'component:default/checkout-web': 'fail',
      'component:default/observability-stack': 'fail',
      'component:default/search-service': 'not_applicable',
    });
  });
});
