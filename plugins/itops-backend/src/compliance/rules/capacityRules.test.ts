import { thresholdsFor } from '../config';
import { DAY_MS, type EvaluatedEntity } from '../model';
import { cap01 } from './capacityRules';
import type { IncidentData } from './incidentRules';
import type { IncidentRow } from './rows';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const ENTITY: EvaluatedEntity = {
  entityRef: 'component:default/payments',
  kind: 'component',
  ownerState: 'group',
  annotations: {},
};

let seq = 0;
/** An incident opened `daysAgo`, with the given category fields. */
function incident(
  daysAgo: number,
  overrides: Partial<IncidentRow> = {},
): IncidentRow {
  seq++;
  return {
    number: `INC${seq}`,
    priority: 2,
    state: 'resolved',
    openedAt: NOW - daysAgo * DAY_MS,
    major: false,
    security: false,
    personalDataBreach: false,
    category: 'Software',
    subcategory: '',
    ...overrides,
  };
}

const capacity = (daysAgo: number, overrides: Partial<IncidentRow> = {}) =>
  incident(daysAgo, { category: 'Capacity', ...overrides });

function judge(
  incidents: IncidentRow[],
  categories = ['capacity'],
  overrides: Record<string, number> = {},
) {
  const data: IncidentData = {
    incidents,
    breaches: [],
    capacityCategories: categories,
  };
  const thresholds = thresholdsFor(
    { thresholds: { 'CAP-01': overrides }, tierThresholds: {} },
    cap01.check,
    ENTITY,
  );
  return cap01.judge(ENTITY, data, thresholds, NOW);
}

describe('CAP-01 capacity incidents kept rare', () => {
  it('passes with at most one capacity incident among categorised incidents', () => {
    const result = judge([
      capacity(10),
      ...[5, 20, 30, 40, 50].map(d => incident(d)),
    ]);
    expect(result).toMatchObject({
      status: 'pass',
      value: 1,
      numerator: 1,
      denominator: 6,
    });
    expect(result.smallSample).toBeUndefined();
    // The capacity incident comes first in the evidence.
    expect(result.evidence[0].note).toBe('capacity incident (Capacity), P2');
    expect(result.evidenceTotal).toBe(6);
  });

  it('warns on a recurrence and fails above the limit', () => {
    const others = [5, 20, 30, 40, 50].map(d => incident(d));
    const warn = judge([capacity(3), capacity(60), ...others]);
    expect(warn.status).toBe('warn');
    expect(warn.reason).toContain('Capacity incidents recur.');
    const fail = judge([1, 2, 3, 4].map(d => capacity(d)).concat(others));
    expect(fail).toMatchObject({ status: 'fail', value: 4 });
  });

  it('matches the subcategory too, without regard to case', () => {
    const result = judge(
      [
        incident(1, { category: 'Hardware', subcategory: 'CPU exhaustion' }),
        incident(2, { category: 'capacity' }),
        ...[5, 20, 30].map(d => incident(d)),
      ],
      ['Capacity', 'cpu exhaustion'],
    );
    expect(result).toMatchObject({ status: 'warn', value: 2 });
    expect(result.evidence[0].note).toBe(
      'capacity incident (Hardware / CPU exhaustion), P2',
    );
  });

  it('reads its limits from config', () => {
    const incidents = [capacity(3), capacity(4), incident(5)];
    expect(judge(incidents, ['capacity'], { warnAbove: 2 }).status).toBe(
      'pass',
    );
    expect(judge(incidents, ['capacity'], { failAbove: 1 }).status).toBe(
      'fail',
    );
  });

  it('counts only incidents of the window, cancelled ones left out', () => {
    const result = judge([
      capacity(100),
      capacity(2, { state: 'cancelled' }),
      capacity(1),
      incident(3),
    ]);
    expect(result).toMatchObject({ value: 1, denominator: 2 });
  });

  it('is no_data "source not configured" without capacity categories', () => {
    const result = judge([capacity(1), capacity(2), capacity(3)], []);
    expect(result.status).toBe('no_data');
    expect(result.reason).toMatch(
      /^Source not configured: no capacity categories/,
    );
  });

  it('is no_data "source not configured" when no incident carries a category', () => {
    const result = judge([
      incident(1, { category: undefined, subcategory: undefined }),
      incident(2, { category: undefined, subcategory: undefined }),
    ]);
    expect(result.status).toBe('no_data');
    expect(result.reason).toMatch(/^Source not configured: none of the 2/);
  });

  it('is no_data without any incident in the window', () => {
    const result = judge([capacity(120)]);
    expect(result.status).toBe('no_data');
    expect(result.reason).toMatch(/^No incident opened in the last 90 days/);
  });

  it('gives no pass when uncategorised incidents could change the grade', () => {
    const unread = { category: undefined, subcategory: undefined };
    const result = judge([
      capacity(1),
      ...[2, 3, 4, 5, 6].map(d => incident(d)),
      incident(7, unread),
    ]);
    expect(result.status).toBe('no_data');
    expect(result.reason).toContain('1 incident(s) carry no category');
    expect(result.evidence.at(-1)?.note).toBe(
      'no category from the source: not counted',
    );
    // Too few to matter: a clean count stays a pass.
    const clean = judge([
      ...[2, 3, 4, 5, 6].map(d => incident(d)),
      incident(7, unread),
    ]);
    expect(clean.status).toBe('pass');
    // A fail stays a fail: the uncounted incidents can only add to it.
    const bad = judge([
      ...[1, 2, 3, 4].map(d => capacity(d)),
      incident(7, unread),
    ]);
    expect(bad.status).toBe('fail');
  });

  it('flags a small sample of categorised incidents', () => {
    const result = judge([incident(1), incident(2)]);
    expect(result).toMatchObject({ status: 'pass', smallSample: true });
    expect(result.reason).toMatch(
      /^Small sample: 0 capacity incident\(s\) among 2/,
    );
  });
});
