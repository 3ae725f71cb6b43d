import { thresholdsFor } from '../config';
import { DAY_MS, type EvaluatedEntity } from '../model';
import type { ChangeData } from './changeRules';
import { vul01 } from './patchRules';
import type { ChangeRow } from './rows';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const ENTITY: EvaluatedEntity = {
  entityRef: 'component:default/payments',
  kind: 'component',
  ownerState: 'group',
  annotations: {},
};

let seq = 0;
/** A security patch raised `raisedDaysAgo`, completed `tookDays` later. */
function patch(
  raisedDaysAgo: number,
  tookDays: number | undefined,
  overrides: Partial<ChangeRow> = {},
): ChangeRow {
  const openedAt = NOW - raisedDaysAgo * DAY_MS;
  seq++;
  return {
    number: `CHG${seq}`,
    type: 'standard',
    category: 'Security',
    openedAt,
    ...(tookDays === undefined
      ? { state: 'implement' }
      : {
          state: 'closed',
          outcome: 'successful',
          actualEnd: openedAt + tookDays * DAY_MS,
        }),
    ...overrides,
  };
}

function judge(changes: ChangeRow[], categories = ['security']) {
  const data: ChangeData = {
    changes,
    freezes: [],
    securityPatchCategories: categories,
  };
  const thresholds = thresholdsFor(
    { thresholds: {}, tierThresholds: {} },
    vul01.check,
    ENTITY,
  );
  return vul01.judge(ENTITY, data, thresholds, NOW);
}

describe('VUL-01 security patches completed in time', () => {
  it('passes when every patch of the window was completed within 30 days', () => {
    const result = judge([5, 10, 20, 40, 60].map(d => patch(d, 3)));
    expect(result).toMatchObject({
      status: 'pass',
      numerator: 5,
      denominator: 5,
      evidenceTotal: 5,
    });
    expect(result.evidence[0].note).toBe('completed 3 days after being raised');
  });

  it('matches categories without regard to case and ignores other changes', () => {
    const result = judge(
      [
        patch(10, 2, { category: 'SECURITY' }),
        patch(10, 45, { category: 'Software' }),
      ],
      ['Security'],
    );
    expect(result).toMatchObject({ status: 'pass', denominator: 1 });
    expect(result.smallSample).toBe(true);
    expect(result.reason).toMatch(/^Small sample/);
  });

  it('warns between 90 and 95 %', () => {
    const changes = [
      ...Array.from({ length: 18 }, () => patch(40, 5)),
      patch(50, 31),
      patch(50, 31),
    ]; // 18 of 20 = 90 %
    expect(judge(changes)).toMatchObject({
      status: 'warn',
      numerator: 18,
      denominator: 20,
    });
  });

  it('fails below 90 %, listing the late patches first', () => {
    const result = judge([patch(40, 31), patch(40, 2), patch(80, 35)]);
    expect(result.status).toBe('fail');
    expect(result.evidence.map(e => e.note)).toEqual([
      'completed 31 days after being raised',
      'completed 35 days after being raised',
      'completed 2 days after being raised',
    ]);
  });

  it('fails on any patch taking more than 60 days, whatever the rate', () => {
    const changes = [
      ...Array.from({ length: 30 }, () => patch(70, 1)),
      patch(85, 61),
    ];
    const result = judge(changes);
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(
      /1 patch\(es\) took or have been open more than 60 days/,
    );
  });

  it('counts a patch open or closed unsuccessfully past 30 days as late, and not one still inside them', () => {
    const result = judge([
      patch(45, undefined),
      patch(40, 3, { outcome: 'unsuccessful' }),
      patch(10, undefined),
      patch(5, 1),
    ]);
    expect(result).toMatchObject({
      status: 'fail',
      numerator: 1,
      denominator: 3,
    });
    expect(result.evidence.map(e => e.note)).toEqual([
      'still implement 45 days after being raised',
      'closed unsuccessfully 40 days after being raised',
      'completed 1 day after being raised',
    ]);
    expect(result.reason).toMatch(/1 open patch\(es\) still within 30 days/);
  });

  it('is no_data "source not configured" without configured categories', () => {
    const result = judge([patch(5, 1)], []);
    expect(result.status).toBe('no_data');
    expect(result.reason).toMatch(
      /^Source not configured: no security-patch categories/,
    );
  });

  it('is no_data "source not configured" when no change carries a category', () => {
    const result = judge([
      patch(5, 1, { category: undefined }),
      patch(6, 1, { category: undefined }),
    ]);
    expect(result.status).toBe('no_data');
    expect(result.reason).toMatch(
      /^Source not configured: none of the 2 changes/,
    );
  });

  it('is no_data, never a pass, when the window has no security patch', () => {
    expect(judge([patch(5, 1, { category: '' })])).toMatchObject({
      status: 'no_data',
      reason: expect.stringMatching(
        /is a security patch .*no evidence of patching/,
      ),
    });
    expect(judge([])).toMatchObject({
      status: 'no_data',
      reason: expect.stringMatching(/No change raised/),
    });
    // Raised before the 90-day window: not evidence of this period.
    expect(judge([patch(95, 1)]).status).toBe('no_data');
  });

  it('does not pass a clean rate when some patches cannot be judged', () => {
    const result = judge([
      ...Array.from({ length: 5 }, () => patch(20, 2)),
      patch(20, 2, { openedAt: undefined, plannedStart: NOW - 20 * DAY_MS }),
      patch(20, 2, { actualEnd: undefined }),
    ]);
    expect(result).toMatchObject({ status: 'no_data', evidenceTotal: 7 });
    expect(result.reason).toMatch(/2 patch\(es\) not judged/);
    expect(result.evidence.slice(-2).map(e => e.note)).toEqual([
      'raise time not recorded: latency unknown',
      'closed, completion time not recorded',
    ]);
  });

  it('leaves cancelled patches out', () => {
    expect(
      judge([patch(40, undefined, { state: 'cancelled' }), patch(10, 1)]),
    ).toMatchObject({ status: 'pass', denominator: 1 });
  });
});
