import {
  apiQueryOf,
  parseComplianceFilters,
  serializeComplianceFilters,
} from './urlFilters';

describe('compliance filters in the URL', () => {
  it('round-trips every filter, leaving out empty ones', () => {
    const filters = {
      framework: 'gdpr',
      team: 'group:default/payments',
      system: 'system:default/checkout',
      tier: 1,
      at: '2026-11-30',
      status: 'fail' as const,
      service: 'component:default/payments-api',
    };
    const params = serializeComplianceFilters({ ...filters, team: '' } as any);
    expect(params.has('team')).toBe(false);
    expect(parseComplianceFilters(serializeComplianceFilters(filters))).toEqual(
      filters,
    );
  });

  it('drops a malformed tier instead of guessing one', () => {
    expect(
      parseComplianceFilters(new URLSearchParams('tier=9&framework=gdpr')),
    ).toEqual({ framework: 'gdpr' });
    expect(parseComplianceFilters(new URLSearchParams('tier=abc'))).toEqual({});
  });

  it('passes the API only the filters it takes', () => {
    expect(
      apiQueryOf({ framework: 'gdpr', status: 'fail', service: 'x', tier: 2 }),
    ).toEqual({ framework: 'gdpr', tier: 2 });
  });
});
