import { thresholdsFor } from '../config';
import { DAY_MS, type EvaluatedEntity } from '../model';
import type { ChangeData } from './changeRules';
import type { ChangeRow } from './rows';
import { APPROVER_NO_DATA, sod01 } from './sodRules';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const ENTITY: EvaluatedEntity = {
  entityRef: 'component:default/payments',
  kind: 'component',
  ownerState: 'group',
  annotations: {},
};

let seq = 0;
/** A change closed `daysAgo`, requested and implemented by the given ids. */
function change(
  daysAgo: number,
  requestedBy: string | undefined,
  implementedBy: string | undefined,
  overrides: Partial<ChangeRow> = {},
): ChangeRow {
  seq++;
  return {
    number: `CHG${seq}`,
    type: 'normal',
    state: 'closed',
    outcome: 'successful',
    actualEnd: NOW - daysAgo * DAY_MS,
    ...(requestedBy ? { requestedBy } : {}),
    ...(implementedBy ? { implementedBy } : {}),
    ...overrides,
  };
}

const apart = (daysAgo: number) => change(daysAgo, 'alice-id', 'bob-id');

function judge(changes: ChangeRow[]) {
  const data: ChangeData = { changes, freezes: [] };
  const thresholds = thresholdsFor(
    { thresholds: {}, tierThresholds: {} },
    sod01.check,
    ENTITY,
  );
  return sod01.judge(ENTITY, data, thresholds, NOW);
}

describe('SOD-01 segregation of duties on changes', () => {
  it('passes when every completed change had a different implementer, saying the approver part is no data', () => {
    const result = judge([1, 5, 10, 20, 40].map(apart));
    expect(result).toMatchObject({
      status: 'pass',
      numerator: 5,
      denominator: 5,
    });
    expect(result.smallSample).toBeUndefined();
    expect(result.reason).toContain(APPROVER_NO_DATA);
  });

  it('fails below 98 %, comparing ids without regard to case, and names no one', () => {
    const result = judge([
      change(1, 'AB12CD', 'ab12cd'),
      ...[2, 3, 4, 5].map(apart),
    ]);
    expect(result).toMatchObject({ status: 'fail', numerator: 4 });
    expect(result.evidence[0]).toMatchObject({
      id: `CHG${seq - 4}`,
      note: 'requested and implemented by the same person',
    });
    const text = JSON.stringify(result.evidence);
    expect(text).not.toContain('ab12cd');
    expect(text).not.toContain('alice');
  });

  it('warns from 98 %', () => {
    const many = Array.from({ length: 60 }, (_, i) => apart(1 + i));
    const result = judge([change(1, 'x', 'x'), ...many]);
    expect(result.status).toBe('warn');
  });

  it('judges only closed changes completed in the window', () => {
    const result = judge([
      change(1, 'x', 'x', { state: 'implement' }),
      change(1, 'x', 'x', { state: 'cancelled' }),
      change(120, 'x', 'x'),
      ...[1, 2, 3, 4, 5].map(apart),
    ]);
    expect(result).toMatchObject({ status: 'pass', denominator: 5 });
  });

  it('does not judge a change without requester or implementer, and gives no pass beside one', () => {
    const result = judge([
      change(1, undefined, 'bob-id'),
      change(2, 'alice-id', undefined),
      ...[3, 4, 5, 6, 7].map(apart),
    ]);
    expect(result.status).toBe('no_data');
    expect(result.denominator).toBe(5);
    expect(result.reason).toContain('2 change(s) not judged');
    expect(result.evidence.map(e => e.note)).toEqual(
      expect.arrayContaining([
        'requester not recorded: not judged',
        'implementer not recorded: not judged',
      ]),
    );
    // A failure stays a failure: the missing people cannot undo it.
    const failing = judge([change(1, undefined, 'b'), change(2, 'a', 'A')]);
    expect(failing.status).toBe('fail');
  });

  it('is no_data when no change records both people, or none completed', () => {
    const none = judge([change(1, undefined, undefined)]);
    expect(none.status).toBe('no_data');
    expect(none.reason).toMatch(/^None of the 1 changes completed/);
    const empty = judge([]);
    expect(empty.status).toBe('no_data');
    expect(empty.reason).toMatch(/^No change completed in the last 90 days/);
  });

  it('flags a small sample', () => {
    const result = judge([apart(1), apart(2)]);
    expect(result).toMatchObject({ status: 'pass', smallSample: true });
    expect(result.reason).toMatch(/^Small sample: 2 of 2/);
  });
});
