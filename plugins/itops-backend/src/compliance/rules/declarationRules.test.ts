import { thresholdsFor } from '../config';
import type { CheckRule, EvaluatedEntity } from '../model';
import type { CatalogData } from './catalogRules';
import { mon01, ops01, priv03, priv04, priv05 } from './declarationRules';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const DATA: CatalogData = { hasLinkedRecords: true };

function entity(
  annotations: Record<string, string>,
  overrides: Partial<EvaluatedEntity> = {},
): EvaluatedEntity {
  return {
    entityRef: 'component:default/payments',
    kind: 'component',
    ownerState: 'group',
    annotations,
    ...overrides,
  };
}

function judge(rule: CheckRule<CatalogData>, e: EvaluatedEntity) {
  const thresholds = thresholdsFor(
    { thresholds: {}, tierThresholds: {} },
    rule.check,
    e,
  );
  return rule.judge(e, DATA, thresholds, NOW);
}

const PERSONAL = { 'itops.io/personal-data': 'true' };

describe('MON-01 monitoring and log destination', () => {
  it('passes both, warns one, fails none', () => {
    const both = judge(
      mon01,
      entity({
        'itops.io/monitoring': 'https://grafana.example/d/payments',
        'itops.io/log-destination': 'loki:payments',
      }),
    );
    expect(both.status).toBe('pass');
    expect(both.evidence).toHaveLength(2);
    expect(
      judge(mon01, entity({ 'itops.io/monitoring': 'grafana' })).reason,
    ).toBe('itops.io/log-destination is not declared.');
    expect(judge(mon01, entity({ 'itops.io/monitoring': '  ' })).status).toBe(
      'fail',
    );
  });
});

describe('OPS-01 runbook', () => {
  it('requires a runbook on tier 1–2 only', () => {
    expect(
      judge(
        ops01,
        entity({ 'itops.io/runbook': 'https://wiki/rb' }, { tier: 1 }),
      ).status,
    ).toBe('pass');
    expect(judge(ops01, entity({}, { tier: 2 }))).toMatchObject({
      status: 'fail',
      reason: 'A tier 2 service without a runbook (itops.io/runbook).',
    });
    expect(judge(ops01, entity({}, { tier: 3 })).status).toBe('not_applicable');
    expect(
      judge(ops01, entity({}, { tier: 3, tierDefaulted: true })).reason,
    ).toMatch(/tier 3 \(default tier\)/);
  });
});

describe('PRIV-03 erasure procedure', () => {
  it('needs a procedure for personal data; missing declaration is no data', () => {
    expect(
      judge(
        priv03,
        entity({
          ...PERSONAL,
          'itops.io/deletion-procedure': 'https://wiki/erase',
        }),
      ).status,
    ).toBe('pass');
    expect(judge(priv03, entity(PERSONAL)).status).toBe('fail');
    expect(
      judge(priv03, entity({ 'itops.io/personal-data': 'false' })).status,
    ).toBe('not_applicable');
    // The auditor's view: an undeclared service is not a pass.
    expect(judge(priv03, entity({}))).toMatchObject({
      status: 'no_data',
      reason: expect.stringContaining('PRIV-01'),
    });
  });
});

describe('PRIV-04 data location and transfers', () => {
  const at = (location?: string, mechanism?: string) =>
    judge(
      priv04,
      entity({
        ...PERSONAL,
        ...(location ? { 'itops.io/data-location': location } : {}),
        ...(mechanism ? { 'itops.io/transfer-mechanism': mechanism } : {}),
      }),
    ).status;

  it('passes the EEA and safeguarded transfers', () => {
    expect(at('DE, nl')).toBe('pass');
    expect(at('EU')).toBe('pass');
    expect(at('DE,US', 'SCC')).toBe('pass');
    expect(at('CH', 'adequacy')).toBe('pass');
  });

  it('warns on derogations and fails unprotected or unknown locations', () => {
    expect(at('US', 'derogation')).toBe('warn');
    expect(at('US')).toBe('fail');
    expect(at('US', 'none')).toBe('fail');
    expect(at('US', 'pinky-promise')).toBe('fail');
    expect(at()).toBe('fail');
    expect(at('Frankfurt data centre')).toBe('fail');
  });

  it('is n/a without personal data and no data when undeclared', () => {
    expect(
      judge(priv04, entity({ 'itops.io/personal-data': 'false' })).status,
    ).toBe('not_applicable');
    expect(
      judge(priv04, entity({ 'itops.io/data-location': 'US' })).status,
    ).toBe('no_data');
  });
});

describe('PRIV-05 consistent personal-data declarations', () => {
  const classified = (c?: string) =>
    judge(
      priv05,
      entity({
        ...PERSONAL,
        ...(c ? { 'itops.io/data-classification': c } : {}),
      }),
    );

  it('wants personal data classified confidential or restricted', () => {
    expect(classified('Confidential').status).toBe('pass');
    expect(classified('restricted').status).toBe('pass');
    expect(classified('internal').status).toBe('fail');
    expect(classified('public').status).toBe('fail');
    expect(classified().status).toBe('fail');
    expect(classified('secret-ish').status).toBe('no_data');
  });

  it('flags a service declared clean that references privacy records', () => {
    const clean = { 'itops.io/personal-data': 'false' };
    expect(judge(priv05, entity(clean)).status).toBe('pass');
    expect(
      judge(priv05, entity({ ...clean, 'itops.io/ropa': 'ROPA-12' })),
    ).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('itops.io/ropa'),
    });
    expect(judge(priv05, entity({})).status).toBe('no_data');
  });
});
