import type { BreachDecision } from '@backstage-itops/plugin-itops-common';
import { thresholdsFor } from '../config';
import {
  DAY_MS,
  type EvaluatedEntity,
  HOUR_MS,
  type CheckRule,
} from '../model';
import {
  bkp01,
  bkp02,
  bkp03,
  bkp04,
  bkp05,
  type BackupData,
} from './backupRules';
import { inv01, inv02, inv03, priv01, priv02 } from './catalogRules';
import {
  chg01,
  chg02,
  chg03,
  chg04,
  chg07,
  type ChangeData,
} from './changeRules';
import {
  inc01,
  inc02,
  inc03,
  inc04,
  inc06,
  ntf01,
  ntf02,
  type IncidentData,
} from './incidentRules';
import { coverageGaps, oc01, oc02 } from './oncallRules';
import type { BackupRunRow, ChangeRow, IncidentRow, ShiftRow } from './rows';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const NO_OVERRIDES = { thresholds: {}, tierThresholds: {} };

function entity(overrides: Partial<EvaluatedEntity> = {}): EvaluatedEntity {
  return {
    entityRef: 'component:default/payments',
    kind: 'component',
    ownerState: 'group',
    ownerRef: 'group:default/payments-team',
    annotations: {},
    ...overrides,
  };
}

function judge<D>(rule: CheckRule<D>, data: D, e = entity(), overrides = {}) {
  const thresholds = {
    ...thresholdsFor(NO_OVERRIDES, rule.check, e),
    ...overrides,
  };
  return rule.judge(e, data, thresholds, NOW);
}

describe('catalog checks', () => {
  const data = { hasLinkedRecords: true };

  it('INV-01 judges the owner group', () => {
    expect(judge(inv01, data).status).toBe('pass');
    expect(
      judge(inv01, data, entity({ ownerState: 'unresolved' })).status,
    ).toBe('warn');
    expect(
      judge(inv01, data, entity({ ownerState: 'group_empty' })).status,
    ).toBe('fail');
    expect(
      judge(inv01, data, entity({ ownerState: 'none', ownerRef: undefined }))
        .status,
    ).toBe('fail');
  });

  it('INV-02 needs a CMDB link that matches records', () => {
    const linked = entity({
      annotations: { 'itops.io/servicenow-service': 'Payments' },
    });
    expect(judge(inv02, data, linked).status).toBe('pass');
    expect(judge(inv02, { hasLinkedRecords: false }, linked).status).toBe(
      'warn',
    );
    expect(judge(inv02, data, entity()).status).toBe('fail');
  });

  it('INV-03 wants tier and classification', () => {
    const both = entity({
      tier: 1,
      annotations: { 'itops.io/data-classification': 'internal' },
    });
    expect(judge(inv03, data, both).status).toBe('pass');
    expect(judge(inv03, data, entity({ tier: 2 })).status).toBe('warn');
    expect(judge(inv03, data, entity()).status).toBe('fail');
  });

  it('PRIV-01 accepts only true or false', () => {
    const declared = (value: string) =>
      entity({ annotations: { 'itops.io/personal-data': value } });
    expect(judge(priv01, data, declared('true')).status).toBe('pass');
    expect(judge(priv01, data, declared('False')).status).toBe('pass');
    expect(judge(priv01, data, declared('maybe')).status).toBe('fail');
    expect(judge(priv01, data, entity()).status).toBe('fail');
  });

  it('PRIV-02 ages the ROPA review at 12 and 15 months', () => {
    const personal = (reviewed?: string, ropa = 'ROPA-17') =>
      entity({
        annotations: {
          'itops.io/personal-data': 'true',
          ...(ropa ? { 'itops.io/ropa': ropa } : {}),
          ...(reviewed ? { 'itops.io/ropa-reviewed': reviewed } : {}),
        },
      });
    expect(judge(priv02, data, personal('2025-06-16')).status).toBe('pass');
    expect(judge(priv02, data, personal('2025-06-14')).status).toBe('warn');
    expect(judge(priv02, data, personal('2025-03-16')).status).toBe('warn');
    expect(judge(priv02, data, personal('2025-03-14')).status).toBe('fail');
    expect(judge(priv02, data, personal(undefined)).status).toBe('fail');
    expect(judge(priv02, data, personal('last spring')).status).toBe('fail');
    expect(judge(priv02, data, personal('2026-01-01', '')).status).toBe('fail');
    expect(
      judge(
        priv02,
        data,
        entity({ annotations: { 'itops.io/personal-data': 'false' } }),
      ).status,
    ).toBe('not_applicable');
    expect(judge(priv02, data, entity()).status).toBe('no_data');
  });

  it('PRIV-02 never takes a future review date as a review', () => {
    const reviewed = (date: string) =>
      entity({
        annotations: {
          'itops.io/personal-data': 'true',
          'itops.io/ropa': 'ROPA-17',
          'itops.io/ropa-reviewed': date,
        },
      });
    expect(judge(priv02, data, reviewed('2099-01-01')).status).toBe('fail');
    expect(judge(priv02, data, reviewed('2027-07-01')).status).toBe('fail');
    expect(judge(priv02, data, reviewed('2026-09-01')).status).toBe('warn');
    // Today, in any time zone, is a review date.
    expect(judge(priv02, data, reviewed('2026-06-16')).status).toBe('pass');
  });

  it('INV-03 does not take the default tier as a declaration', () => {
    expect(
      judge(inv03, data, entity({ tier: 3, tierDefaulted: true })).status,
    ).toBe('fail');
  });
});

function run(overrides: Partial<BackupRunRow>): BackupRunRow {
  return {
    externalId: `run-${Math.random()}`,
    jobName: 'Payments DB',
    kind: 'backup',
    result: 'success',
    startedAt: NOW - HOUR_MS,
    endedAt: NOW - HOUR_MS + 600_000,
    ...overrides,
  };
}

function backups(overrides: Partial<BackupData> = {}): BackupData {
  return {
    jobs: [
      {
        name: 'Payments DB',
        objects: ['pay-db-01', 'pay-db-02'],
        enabled: true,
      },
    ],
    recentRuns: [],
    lastFinishedRuns: [],
    lastSuccessByJob: {},
    ...overrides,
  };
}

describe('backup checks', () => {
  it('BKP-01 measures declared objects against enabled jobs', () => {
    const declaring = (objects: string, tier?: number) =>
      entity({ tier, annotations: { 'itops.io/veeam-object': objects } });
    expect(
      judge(bkp01, backups(), declaring('pay-db-01, PAY-DB-02')).status,
    ).toBe('pass');
    const twenty = Array.from({ length: 20 }, (_, i) => `obj-${i}`);
    const nineteen = backups({
      jobs: [{ name: 'j', objects: twenty.slice(0, 19) }],
    });
    const result = judge(bkp01, nineteen, declaring(twenty.join(',')));
    expect(result).toMatchObject({
      status: 'warn',
      numerator: 19,
      denominator: 20,
    });
    expect(result.evidence[0]).toMatchObject({
      id: 'obj-19',
      note: 'in no enabled backup job',
    });
    expect(judge(bkp01, nineteen, declaring(twenty.join(','), 1)).status).toBe(
      'fail',
    );
    const eighteen = backups({
      jobs: [{ name: 'j', objects: twenty.slice(0, 18) }],
    });
    expect(judge(bkp01, eighteen, declaring(twenty.join(','))).status).toBe(
      'fail',
    );
  });

  it('BKP-01 without declared objects needs jobs only for critical services', () => {
    expect(judge(bkp01, backups()).status).toBe('pass');
    expect(
      judge(
        bkp01,
        backups({ jobs: [{ name: 'j', objects: [], enabled: false }] }),
      ).status,
    ).toBe('fail');
    // Without backups only a declared tier 4 is excused; an untiered
    // service is judged at the default tier 3 and warned, never skipped.
    expect(
      judge(bkp01, backups({ jobs: [] }), entity({ tier: 4 })).status,
    ).toBe('not_applicable');
    expect(
      judge(
        bkp01,
        backups({ jobs: [] }),
        entity({ tier: 3, tierDefaulted: true }),
      ),
    ).toMatchObject({
      status: 'warn',
      reason: expect.stringContaining('default, no itops.io/tier declared'),
    });
    expect(
      judge(
        bkp01,
        backups({ jobs: [] }),
        entity({ tier: 4, tierDefaulted: true }),
      ).status,
    ).toBe('warn');
    expect(
      judge(bkp01, backups({ jobs: [] }), entity({ tier: 2 })).status,
    ).toBe('fail');
    expect(
      judge(
        bkp01,
        backups({ jobs: [] }),
        entity({ annotations: { 'itops.io/personal-data': 'true' } }),
      ).status,
    ).toBe('fail');
  });

  it('BKP-02 compares the newest success of each job with the RPO', () => {
    const at = (
      ageHours: number,
      result = 'success',
      jobName = 'Payments DB',
    ) =>
      run({
        jobName,
        result,
        startedAt: NOW - ageHours * HOUR_MS - 600_000,
        endedAt: NOW - ageHours * HOUR_MS,
      });
    const data = (ageHours: number, last: BackupRunRow[] = []) =>
      backups({
        lastSuccessByJob: { 'Payments DB': at(ageHours) },
        recentRuns: last.length ? last : [at(ageHours)],
      });
    expect(judge(bkp02, data(24)).status).toBe('pass');
    expect(judge(bkp02, data(24.1)).status).toBe('warn');
    expect(judge(bkp02, data(48)).status).toBe('warn');
    expect(judge(bkp02, data(48.1)).status).toBe('fail');
    const hourly = entity({ annotations: { 'itops.io/rpo': 'PT1H' } });
    expect(judge(bkp02, data(1.5), hourly).status).toBe('warn');
    // Weeks are ISO 8601 durations too.
    const weekly = entity({ annotations: { 'itops.io/rpo': 'P1W' } });
    expect(judge(bkp02, data(7 * 24), weekly).status).toBe('pass');
    expect(judge(bkp02, data(7 * 24 + 1), weekly).status).toBe('warn');
    // An unreadable RPO is not judged against the (laxer) default.
    const typo = judge(
      bkp02,
      data(1),
      entity({ annotations: { 'itops.io/rpo': '1 hour' } }),
    );
    expect(typo.status).toBe('no_data');
    expect(typo.reason).toBe(
      "itops.io/rpo '1 hour' is not an ISO 8601 duration such as PT4H, P1D or P1W.",
    );
    expect(
      judge(bkp02, data(0.5, [at(0.2, 'warning'), at(0.5)]), hourly).status,
    ).toBe('warn');
    const threeFailed = [at(1, 'failed'), at(2, 'failed'), at(3, 'failed')];
    expect(judge(bkp02, data(4, threeFailed)).status).toBe('fail');
    expect(judge(bkp02, backups({ recentRuns: threeFailed })).status).toBe(
      'fail',
    );
    expect(judge(bkp02, backups({ jobs: [] })).status).toBe('not_applicable');
  });

  it('BKP-02 lets the worst job decide: a failing job cannot hide behind a good one', () => {
    const jobs = [
      { name: 'Payments DB', objects: [], enabled: true },
      { name: 'Payments files', objects: [], enabled: true },
    ];
    const fresh = run({ jobName: 'Payments DB', endedAt: NOW - HOUR_MS });
    const stale = run({
      jobName: 'Payments files',
      startedAt: NOW - 10 * DAY_MS,
      endedAt: NOW - 10 * DAY_MS,
    });
    const result = judge(
      bkp02,
      backups({
        jobs,
        lastSuccessByJob: { 'Payments DB': fresh, 'Payments files': stale },
        recentRuns: [fresh],
      }),
    );
    expect(result).toMatchObject({
      status: 'fail',
      numerator: 1,
      denominator: 2,
    });
    expect(result.reason).toContain('Payments files');
    // Evidence lists each job, the failing one first.
    expect(result.evidence.map(e => [e.type, e.id])).toEqual([
      ['backup-job', 'Payments files'],
      ['backup-job', 'Payments DB'],
    ]);
    // A job that never succeeded fails, whatever the other does.
    expect(
      judge(
        bkp02,
        backups({
          jobs,
          lastSuccessByJob: { 'Payments DB': fresh },
          recentRuns: [fresh],
        }),
      ).status,
    ).toBe('fail');
    // A disabled job is BKP-01's finding, not a recency one.
    expect(
      judge(
        bkp02,
        backups({
          jobs: [jobs[0], { ...jobs[1], enabled: false }],
          lastSuccessByJob: { 'Payments DB': fresh },
          recentRuns: [fresh],
        }),
      ).status,
    ).toBe('pass');
  });

  it('BKP-03 counts warnings half, per job, and judges small samples', () => {
    const runs = (success: number, warning: number, failed: number) =>
      backups({
        recentRuns: [
          ...Array.from({ length: success }, () => run({})),
          ...Array.from({ length: warning }, () => run({ result: 'warning' })),
          ...Array.from({ length: failed }, () => run({ result: 'failed' })),
          run({ result: 'running' }),
        ],
      });
    expect(judge(bkp03, runs(19, 0, 1))).toMatchObject({
      status: 'pass',
      value: 0.95,
    });
    expect(judge(bkp03, runs(18, 1, 1))).toMatchObject({
      status: 'warn',
      numerator: 18.5,
    });
    expect(judge(bkp03, runs(9, 0, 1))).toMatchObject({
      status: 'warn',
      value: 0.9,
    });
    expect(judge(bkp03, runs(8, 1, 1)).status).toBe('fail');
    // Four runs are a small sample: judged and flagged, not "no data".
    expect(judge(bkp03, runs(4, 0, 0))).toMatchObject({
      status: 'pass',
      smallSample: true,
    });
    expect(judge(bkp03, runs(3, 0, 1))).toMatchObject({
      status: 'fail',
      smallSample: true,
    });
    expect(judge(bkp03, runs(0, 0, 0)).status).toBe('no_data');
  });

  it('BKP-03 lets the worst job decide', () => {
    const jobs = [
      { name: 'Payments DB', objects: [], enabled: true },
      { name: 'Payments files', objects: [], enabled: true },
    ];
    const good = Array.from({ length: 30 }, () => run({}));
    const bad = Array.from({ length: 10 }, (_, i) =>
      run({ jobName: 'Payments files', result: i < 5 ? 'failed' : 'success' }),
    );
    // 35 of 40 overall (87.5 %) would hide nothing here, but 30 good runs
    // of one job and 5 of 10 of the other must not average into a warn.
    const result = judge(
      bkp03,
      backups({ jobs, recentRuns: [...good, ...bad] }),
    );
    expect(result).toMatchObject({ status: 'fail', value: 0.5 });
    expect(result.reason).toContain('Payments files');
    expect(result.evidence[0]).toMatchObject({
      type: 'backup-job',
      id: 'Payments files',
    });
    // A job without any finished run leaves no pass: no data.
    expect(judge(bkp03, backups({ jobs, recentRuns: good })).status).toBe(
      'no_data',
    );
  });

  it('BKP-04 wants a recent restore test, stricter for tier 1', () => {
    const tested = (days: number, result = 'success') =>
      backups({
        lastFinishedRuns: [run({})],
        lastRestoreTest: run({
          kind: 'restore-test',
          result,
          startedAt: NOW - days * DAY_MS - HOUR_MS,
          endedAt: NOW - days * DAY_MS,
        }),
      });
    expect(judge(bkp04, tested(180)).status).toBe('pass');
    expect(judge(bkp04, tested(181)).status).toBe('warn');
    expect(judge(bkp04, tested(211)).status).toBe('fail');
    expect(judge(bkp04, tested(91), entity({ tier: 1 })).status).toBe('warn');
    expect(judge(bkp04, tested(121), entity({ tier: 1 })).status).toBe('fail');
    expect(judge(bkp04, tested(10, 'failed')).status).toBe('fail');
    expect(judge(bkp04, backups()).status).toBe('fail');
  });

  it('BKP-05 times the last restore against the RTO', () => {
    const took = (h: number) =>
      backups({
        lastSuccessfulRestoreTest: run({
          kind: 'restore-test',
          startedAt: NOW - DAY_MS,
          endedAt: NOW - DAY_MS + h * HOUR_MS,
        }),
      });
    const rto4h = entity({ annotations: { 'itops.io/rto': 'PT4H' } });
    expect(judge(bkp05, took(4), rto4h).status).toBe('pass');
    expect(judge(bkp05, took(6), rto4h).status).toBe('warn');
    expect(judge(bkp05, took(6.5), rto4h).status).toBe('fail');
    expect(judge(bkp05, took(1)).status).toBe('warn');
    const rtoWeek = entity({ annotations: { 'itops.io/rto': 'P1W' } });
    expect(judge(bkp05, took(100), rtoWeek).status).toBe('pass');
    const rtoMonth = judge(
      bkp05,
      took(1),
      entity({ annotations: { 'itops.io/rto': 'P1M' } }),
    );
    expect(rtoMonth.status).toBe('warn');
    expect(rtoMonth.reason).toMatch(
      /^The last restore took 1 h, but itops\.io\/rto 'P1M' counts months or years/,
    );
    expect(judge(bkp05, backups()).status).toBe('no_data');
  });
});

let changeNumber = 0;
function change(overrides: Partial<ChangeRow>): ChangeRow {
  const start = NOW - 10 * DAY_MS;
  return {
    number: `CHG${++changeNumber}`,
    type: 'normal',
    state: 'closed',
    plannedStart: start,
    plannedEnd: start + 2 * HOUR_MS,
    actualStart: start,
    actualEnd: start + HOUR_MS,
    approval: 'approved',
    approvedAt: start - DAY_MS,
    outcome: 'successful',
    ...overrides,
  };
}

function changes(
  list: ChangeRow[],
  freezes: ChangeData['freezes'] = [],
): ChangeData {
  return { changes: list, freezes };
}

function many(n: number, overrides: Partial<ChangeRow> = {}) {
  return Array.from({ length: n }, () => change(overrides));
}

describe('change checks', () => {
  it('CHG-01 rates approval before start, with no slack on tier 1', () => {
    const late = change({ approvedAt: NOW - 10 * DAY_MS + 1 });
    expect(judge(chg01, changes([...many(49), late])).status).toBe('pass');
    expect(judge(chg01, changes([...many(19), late])).status).toBe('warn');
    expect(judge(chg01, changes([...many(18), late, late])).status).toBe(
      'fail',
    );
    expect(
      judge(chg01, changes([...many(49), late]), entity({ tier: 1 })).status,
    ).toBe('fail');
    expect(
      judge(
        chg01,
        changes([
          ...many(4),
          change({ type: 'standard', approval: 'not_requested' }),
        ]),
      ).status,
    ).toBe('pass');
    // A small sample is judged, flagged, never turned into "no data".
    expect(judge(chg01, changes(many(4)))).toMatchObject({
      status: 'pass',
      smallSample: true,
      denominator: 4,
    });
    expect(judge(chg01, changes([...many(3), late])).status).toBe('fail');
    expect(judge(chg01, changes(many(4))).reason).toMatch(/^Small sample/);
    expect(judge(chg01, changes(many(5))).smallSample).toBeUndefined();
    // Nothing in the window is still no data.
    const old = change({ actualStart: NOW - 91 * DAY_MS });
    expect(judge(chg01, changes([old])).status).toBe('no_data');
  });

  it('CHG-02 judges the emergency share and retrospective approval', () => {
    const emergency = (approvedAfterDays: number | undefined) =>
      change({
        type: 'emergency',
        approval: approvedAfterDays === undefined ? 'requested' : 'approved',
        approvedAt:
          approvedAfterDays === undefined
            ? undefined
            : NOW - 10 * DAY_MS + approvedAfterDays * DAY_MS,
      });
    expect(judge(chg02, changes([...many(9), emergency(7)])).status).toBe(
      'pass',
    );
    expect(judge(chg02, changes([...many(9), emergency(7.1)])).status).toBe(
      'fail',
    );
    expect(judge(chg02, changes([...many(4), emergency(1)])).status).toBe(
      'warn',
    );
    expect(
      judge(chg02, changes([...many(3), emergency(1), emergency(1)])).status,
    ).toBe('fail');
    expect(judge(chg02, changes(many(4))).status).toBe('no_data');
  });

  it('CHG-03 allows an hour either side of the plan', () => {
    const early = change({ actualStart: NOW - 10 * DAY_MS - HOUR_MS - 1 });
    const edge = change({
      actualStart: NOW - 10 * DAY_MS - HOUR_MS,
      actualEnd: NOW - 10 * DAY_MS + 3 * HOUR_MS,
    });
    expect(judge(chg03, changes([...many(19), edge])).status).toBe('pass');
    expect(judge(chg03, changes([...many(19), early])).status).toBe('pass');
    expect(judge(chg03, changes([...many(9), early])).status).toBe('warn');
    expect(judge(chg03, changes([...many(8), early, early])).status).toBe(
      'fail',
    );
  });

  it('CHG-04 fails a non-emergency change started in a freeze', () => {
    const freeze = {
      name: 'Quarter close',
      start: NOW - 11 * DAY_MS,
      end: NOW - 9 * DAY_MS,
    };
    expect(judge(chg04, changes(many(2), [freeze])).status).toBe('fail');
    expect(
      judge(chg04, changes([change({ type: 'emergency' })], [freeze])).status,
    ).toBe('pass');
    const after = { ...freeze, start: NOW - 9 * DAY_MS, end: NOW - 8 * DAY_MS };
    expect(judge(chg04, changes(many(2), [after])).status).toBe('pass');
    expect(judge(chg04, changes(many(2))).status).toBe('not_applicable');
  });

  it('CHG-07 rates failed changes at 15 % and 30 %', () => {
    const failed = (n: number) => many(n, { outcome: 'unsuccessful' });
    expect(judge(chg07, changes([...many(17), ...failed(3)]))).toMatchObject({
      status: 'pass',
      value: 0.15,
    });
    expect(judge(chg07, changes([...many(7), ...failed(3)]))).toMatchObject({
      status: 'warn',
      value: 0.3,
    });
    expect(judge(chg07, changes([...many(6), ...failed(4)])).status).toBe(
      'fail',
    );
    expect(judge(chg07, changes(many(4))).status).toBe('no_data');
  });
});

let incidentNumber = 0;
function incident(overrides: Partial<IncidentRow>): IncidentRow {
  return {
    number: `INC${++incidentNumber}`,
    priority: 3,
    state: 'resolved',
    openedAt: NOW - 5 * DAY_MS,
    acknowledgedAt: NOW - 5 * DAY_MS + 60_000,
    resolvedAt: NOW - 5 * DAY_MS + HOUR_MS,
    assignmentGroup: 'Payments',
    major: false,
    security: false,
    personalDataBreach: false,
    ...overrides,
  };
}

function incidents(
  list: IncidentRow[],
  breaches: IncidentRow[] = [],
): IncidentData {
  return { incidents: list, breaches };
}

function repeat(n: number, overrides: Partial<IncidentRow> = {}) {
  return Array.from({ length: n }, () => incident(overrides));
}

describe('incident checks', () => {
  it('INC-01 rates assignment', () => {
    const unassigned = incident({ assignmentGroup: undefined });
    expect(judge(inc01, incidents([...repeat(19), unassigned])).status).toBe(
      'pass',
    );
    expect(judge(inc01, incidents([...repeat(9), unassigned])).status).toBe(
      'warn',
    );
    expect(
      judge(inc01, incidents([...repeat(8), unassigned, unassigned])).status,
    ).toBe('fail');
    expect(
      judge(
        inc01,
        incidents([
          ...repeat(19),
          ...repeat(5, { openedAt: NOW - 31 * DAY_MS }),
        ]),
      ).numerator,
    ).toBe(19);
  });

  it('INC-02 times P1/P2 acknowledgement and waits for the SLA to pass', () => {
    const p1 = (ackMinutes?: number, openedAt = NOW - DAY_MS) =>
      incident({
        priority: 1,
        openedAt,
        acknowledgedAt:
          ackMinutes === undefined ? undefined : openedAt + ackMinutes * 60_000,
      });
    expect(
      judge(inc02, incidents([...Array.from({ length: 5 }, () => p1(15))]))
        .status,
    ).toBe('pass');
    const result = judge(
      inc02,
      incidents([...Array.from({ length: 9 }, () => p1(15)), p1(16)]),
    );
    expect(result).toMatchObject({
      status: 'warn',
      numerator: 9,
      denominator: 10,
    });
    expect(
      judge(
        inc02,
        incidents([
          ...Array.from({ length: 5 }, () => p1(5)),
          p1(undefined, NOW - 10 * 60_000),
        ]),
      ).denominator,
    ).toBe(5);
    expect(
      judge(
        inc02,
        incidents([...Array.from({ length: 5 }, () => p1(5)), p1(undefined)]),
      ).denominator,
    ).toBe(6);
    expect(judge(inc02, incidents(repeat(10))).status).toBe('no_data');
  });

  it('INC-03 prefers the source SLA verdict and counts open breaches', () => {
    const p2 = (resolvedAfterHours?: number, slaMet?: boolean) =>
      incident({
        priority: 2,
        resolvedAt:
          resolvedAfterHours === undefined
            ? undefined
            : NOW - 5 * DAY_MS + resolvedAfterHours * HOUR_MS,
        state: resolvedAfterHours === undefined ? 'in_progress' : 'resolved',
        slaMet,
      });
    expect(judge(inc03, incidents([...repeat(19), p2(8)])).status).toBe('pass');
    expect(judge(inc03, incidents([...repeat(9), p2(8.5)])).status).toBe(
      'warn',
    );
    expect(judge(inc03, incidents([...repeat(9), p2(1, false)])).status).toBe(
      'warn',
    );
    expect(judge(inc03, incidents([...repeat(9), p2(20, true)])).status).toBe(
      'pass',
    );
    expect(
      judge(inc03, incidents([...repeat(8), p2(undefined), p2(undefined)]))
        .status,
    ).toBe('fail');
    expect(judge(inc03, incidents(repeat(10, { priority: 5 }))).status).toBe(
      'no_data',
    );
  });

  it('INC-01 times assignment per priority where the source records it', () => {
    const assigned = (priority: number, afterMinutes: number) =>
      incident({
        priority,
        assignedAt: NOW - 5 * DAY_MS + afterMinutes * 60_000,
      });
    // P1/P2 within 30 minutes, the others within 4 hours, limits included.
    expect(
      judge(inc01, incidents([...repeat(4), assigned(1, 30)])),
    ).toMatchObject({ status: 'pass', numerator: 5 });
    expect(
      judge(inc01, incidents([...repeat(9), assigned(2, 31)])),
    ).toMatchObject({ status: 'warn', numerator: 9, denominator: 10 });
    expect(
      judge(inc01, incidents([...repeat(9), assigned(3, 240)])).status,
    ).toBe('pass');
    const late = judge(
      inc01,
      incidents([...repeat(8), assigned(4, 241), assigned(4, 300)]),
    );
    expect(late.status).toBe('fail');
    expect(late.evidence[0].note).toBe('P4 assigned to Payments after 241 min');
    expect(late.evidence[1].note).toBe('P4 assigned to Payments after 300 min');
  });

  it('INC-01 waits for unassigned incidents still inside their limit', () => {
    const open = (priority: number, minutesAgo: number) =>
      incident({
        priority,
        state: 'new',
        openedAt: NOW - minutesAgo * 60_000,
        resolvedAt: undefined,
        assignmentGroup: undefined,
      });
    expect(
      judge(inc01, incidents([...repeat(5), open(1, 30), open(3, 240)]))
        .denominator,
    ).toBe(5);
    const overdue = judge(inc01, incidents([...repeat(5), open(1, 31)]));
    expect(overdue.denominator).toBe(6);
    expect(overdue.evidence[0].note).toBe(
      'P1 not assigned 31 min after opening',
    );
  });

  describe('INC-04 post-incident review', () => {
    const resolvedDaysAgo = (
      daysAgo: number,
      overrides: Partial<IncidentRow> = {},
    ) =>
      incident({
        priority: 1,
        openedAt: NOW - daysAgo * DAY_MS - HOUR_MS,
        resolvedAt: NOW - daysAgo * DAY_MS,
        ...overrides,
      });
    const reviewed = (daysAgo: number, overrides: Partial<IncidentRow> = {}) =>
      resolvedDaysAgo(daysAgo, {
        reviewReference: 'PIR-1',
        reviewHasRootCause: true,
        ...overrides,
      });

    it('does not count a linked problem without a root cause as a review', () => {
      const empty = judge(
        inc04,
        incidents([reviewed(30, { reviewHasRootCause: false })]),
      );
      expect(empty).toMatchObject({ status: 'fail', numerator: 0 });
      expect(empty.evidence[0].note).toBe(
        'PIR-1 linked but records no root cause, 16 days past the 14-day deadline',
      );
      // Unknown is not a root cause either: missing data never passes.
      expect(
        judge(
          inc04,
          incidents([reviewed(30, { reviewHasRootCause: undefined })]),
        ).status,
      ).toBe('fail');
    });

    it('judges a review whose source cannot read root causes no_data, not missing', () => {
      const unread = {
        reviewHasRootCause: false,
        reviewRootCauseUnknown: true,
      };
      const only = judge(inc04, incidents([reviewed(30, unread)]));
      expect(only.status).toBe('no_data');
      expect(only.reason).toMatch(/root cause not configured for this source/);
      expect(only.evidence[0].note).toBe(
        'review PIR-1 linked; root cause not configured for this source',
      );
      // Beside reviews that pass, the unjudged one still keeps it from passing.
      const mixed = judge(
        inc04,
        incidents([reviewed(20), reviewed(30, unread)]),
      );
      expect(mixed).toMatchObject({ status: 'no_data', evidenceTotal: 2 });
      // A missing review elsewhere still fails, and the reason names the gap.
      const failing = judge(
        inc04,
        incidents([resolvedDaysAgo(40), reviewed(30, unread)]),
      );
      expect(failing.status).toBe('fail');
      expect(failing.reason).toMatch(/1 linked review not judged/);
      // A review still in progress is late whatever the source reads.
      expect(
        judge(
          inc04,
          incidents([reviewed(30, { ...unread, reviewCompleted: false })]),
        ).status,
      ).toBe('fail');
    });

    it('does not count a root cause that is not linked to the incident', () => {
      const unlinked = judge(
        inc04,
        incidents([resolvedDaysAgo(30, { reviewHasRootCause: true })]),
      );
      expect(unlinked.status).toBe('fail');
      expect(unlinked.evidence[0].note).toMatch(/^no review linked/);
    });

    it('passes linked reviews, also of major lower-priority incidents', () => {
      const result = judge(
        inc04,
        incidents([
          reviewed(20),
          reviewed(30, { priority: 2, reviewCompleted: true }),
          reviewed(40, { priority: 3, major: true }),
          ...repeat(3),
        ]),
      );
      expect(result).toMatchObject({
        status: 'pass',
        numerator: 3,
        denominator: 3,
      });
      expect(result.evidence[0].note).toBe('review PIR-1 recorded');
    });

    it('waits out the 14-day grace period, then counts a missing review', () => {
      // Due 14 days after resolution: not judged until then.
      expect(judge(inc04, incidents([resolvedDaysAgo(14)])).status).toBe(
        'not_applicable',
      );
      // A review already done inside the grace period counts at once.
      expect(judge(inc04, incidents([reviewed(1)])).status).toBe('pass');
      const missing = judge(inc04, incidents([resolvedDaysAgo(15)]));
      expect(missing.status).toBe('warn');
      expect(missing.evidence[0]).toMatchObject({
        note: 'no review linked, 1 day past the 14-day deadline',
        deadline: new Date(NOW - DAY_MS).toISOString(),
      });
    });

    it('warns while every missing review is at most 7 days overdue, then fails', () => {
      expect(judge(inc04, incidents([resolvedDaysAgo(21)])).status).toBe(
        'warn',
      );
      expect(
        judge(inc04, incidents([resolvedDaysAgo(21 + 1 / 24)])).status,
      ).toBe('fail');
      // 90 % reviewed warns even with one review long overdue…
      const tenth = Array.from({ length: 9 }, () => reviewed(30));
      expect(
        judge(inc04, incidents([...tenth, resolvedDaysAgo(60)])).status,
      ).toBe('warn');
      // … below that it fails.
      expect(
        judge(inc04, incidents([...tenth.slice(1), resolvedDaysAgo(60)]))
          .status,
      ).toBe('fail');
    });

    it('times a review completion against the grace period', () => {
      const doneAfter = (days: number) =>
        reviewed(30, { reviewCompletedAt: NOW - 30 * DAY_MS + days * DAY_MS });
      expect(judge(inc04, incidents([doneAfter(14)])).status).toBe('pass');
      expect(judge(inc04, incidents([doneAfter(20)]))).toMatchObject({
        status: 'warn',
        evidence: [
          expect.objectContaining({
            note: 'review PIR-1 completed 20 days after resolution',
          }),
        ],
      });
      expect(judge(inc04, incidents([doneAfter(21.5)])).status).toBe('fail');
    });

    it('does not count a linked review still in progress', () => {
      const open = judge(
        inc04,
        incidents([reviewed(30, { reviewCompleted: false })]),
      );
      expect(open.status).toBe('fail');
      expect(open.evidence[0].note).toBe(
        'review PIR-1 still in progress, 16 days past the 14-day deadline',
      );
      expect(
        judge(inc04, incidents([reviewed(5, { reviewCompleted: false })]))
          .status,
      ).toBe('not_applicable');
    });

    it('is not applicable without P1/P2 or major incidents resolved in the window', () => {
      expect(judge(inc04, incidents(repeat(3))).status).toBe('not_applicable');
      expect(judge(inc04, incidents([resolvedDaysAgo(91)])).status).toBe(
        'not_applicable',
      );
      expect(
        judge(
          inc04,
          incidents([
            resolvedDaysAgo(30, {
              resolvedAt: undefined,
              state: 'in_progress',
            }),
          ]),
        ).status,
      ).toBe('not_applicable');
    });
  });

  it('INC-06 wants breach awareness recorded within 24 h', () => {
    const breach = (awareAfterHours?: number, openedAt = NOW - 5 * DAY_MS) =>
      incident({
        security: true,
        personalDataBreach: true,
        openedAt,
        breachAwareAt:
          awareAfterHours === undefined
            ? undefined
            : openedAt + awareAfterHours * HOUR_MS,
      });
    expect(judge(inc06, incidents([breach(24)])).status).toBe('pass');
    expect(judge(inc06, incidents([breach(24.5)])).status).toBe('fail');
    expect(
      judge(
        inc06,
        incidents([
          ...Array.from({ length: 9 }, () => breach(1)),
          breach(undefined),
        ]),
      ).status,
    ).toBe('warn');
    expect(
      judge(inc06, incidents([breach(undefined, NOW - HOUR_MS)])).status,
    ).toBe('not_applicable');
    expect(judge(inc06, incidents(repeat(3, { security: true }))).status).toBe(
      'not_applicable',
    );
  });
});

describe('NTF-01 GDPR 72-hour rule', () => {
  const breach = (aware: string | undefined, notified?: string) =>
    incident({
      security: true,
      personalDataBreach: true,
      breachAwareAt: aware ? Date.parse(aware) : undefined,
      authorityNotifiedAt: notified ? Date.parse(notified) : undefined,
    });

  it('counts continuous hours across a daylight-saving change and time zones', () => {
    // Europe/Berlin moves to summer time on 29 March 2026: wall clocks show
    // 73 hours between these two times, but only 72 have passed.
    const onTime = breach(
      '2026-03-28T22:00:00+01:00',
      '2026-03-31T23:00:00+02:00',
    );
    expect(judge(ntf01, incidents([], [onTime])).status).toBe('pass');
    // The same instant written in New York time one minute later is late.
    const late = breach(
      '2026-03-28T22:00:00+01:00',
      '2026-03-31T17:01:00-04:00',
    );
    const result = judge(ntf01, incidents([], [late]));
    expect(result.status).toBe('fail');
    expect(result.evidence[0].note).toContain('72');
  });

  it('counts down open breaches: pass, warn after 48 h, fail after 72 h', () => {
    const open = (hoursAgo: number) =>
      breach(new Date(NOW - hoursAgo * HOUR_MS).toISOString());
    const fresh = judge(ntf01, incidents([], [open(10)]));
    expect(fresh.status).toBe('pass');
    expect(fresh.evidence[0].deadline).toBe(
      new Date(NOW + 62 * HOUR_MS).toISOString(),
    );
    expect(fresh.evidence[0].note).toBe('no decision recorded yet, 62 h left');
    expect(judge(ntf01, incidents([], [open(48)])).status).toBe('pass');
    expect(judge(ntf01, incidents([], [open(49)])).status).toBe('warn');
    expect(judge(ntf01, incidents([], [open(72)])).status).toBe('warn');
    expect(judge(ntf01, incidents([], [open(72.01)])).status).toBe('fail');
  });

  it('warns on a late notification that gives its reasons (art. 33(1))', () => {
    const late = (reason?: string) =>
      incident({
        security: true,
        personalDataBreach: true,
        breachAwareAt: NOW - 10 * DAY_MS,
        authorityNotifiedAt: NOW - 10 * DAY_MS + 80 * HOUR_MS,
        notificationDelayReason: reason,
      });
    const withReason = judge(
      ntf01,
      incidents([], [late('Forensics needed to confirm the scope first')]),
    );
    expect(withReason.status).toBe('warn');
    expect(withReason.numerator).toBe(0);
    expect(withReason.evidence[0].note).toBe(
      'authority notified 80 h after awareness, late with reasons: Forensics needed to confirm the scope first',
    );
    const without = judge(ntf01, incidents([], [late(undefined)]));
    expect(without.status).toBe('fail');
    expect(without.evidence[0].note).toContain('no reasons for the delay');
    // Blank text is no reason.
    expect(judge(ntf01, incidents([], [late('  ')])).status).toBe('fail');
    // A reason does not turn an on-time notification into anything else.
    const onTime = incident({
      personalDataBreach: true,
      breachAwareAt: NOW - 10 * DAY_MS,
      authorityNotifiedAt: NOW - 10 * DAY_MS + 72 * HOUR_MS,
      notificationDelayReason: 'not needed',
    });
    expect(judge(ntf01, incidents([], [onTime])).status).toBe('pass');
    // Long reasons are quoted shortened.
    const long = judge(ntf01, incidents([], [late('x'.repeat(500))]));
    expect(long.evidence[0].note!.length).toBeLessThan(300);
    // The worst breach decides.
    expect(
      judge(ntf01, incidents([], [late('reasons'), late(undefined)])).status,
    ).toBe('fail');
  });

  it('fails a breach without an awareness time and skips entities without breaches', () => {
    expect(judge(ntf01, incidents([], [breach(undefined)])).status).toBe(
      'fail',
    );
    expect(judge(ntf01, incidents(repeat(3))).status).toBe('not_applicable');
  });

  const decision = (
    kind: BreachDecision['decision'],
    decidedAt: number,
    extra: Partial<BreachDecision> = {},
  ): BreachDecision => ({
    id: `${kind}-${decidedAt}`,
    breachRef: 'INC-B',
    decision: kind,
    decidedBy: 'user:default/dpo',
    decidedAt: new Date(decidedAt).toISOString(),
    reason: 'Encrypted laptop, key not exposed',
    recordedBy: 'user:default/dpo',
    recordedAt: new Date(decidedAt).toISOString(),
    ...extra,
  });
  const aware = NOW - 10 * DAY_MS;
  const decided = (...decisions: BreachDecision[]) =>
    incident({
      security: true,
      personalDataBreach: true,
      breachAwareAt: aware,
      breachDecisions: decisions,
    });

  it('passes a breach decided not notifiable within 72 h, and warns when decided late', () => {
    const inTime = judge(
      ntf01,
      incidents(
        [],
        [decided(decision('not_notifiable', aware + 20 * HOUR_MS))],
      ),
    );
    expect(inTime.status).toBe('pass');
    expect(inTime.evidence[0].note).toContain(
      'decided not notifiable by user:default/dpo 20 h after awareness',
    );
    expect(
      judge(
        ntf01,
        incidents(
          [],
          [decided(decision('not_notifiable', aware + 100 * HOUR_MS))],
        ),
      ).status,
    ).toBe('warn');
    // Without any decision, ten days on, the breach fails.
    expect(judge(ntf01, incidents([], [decided()])).status).toBe('fail');
  });

  it('takes a recorded notification of a notifiable breach, on time or late with reasons', () => {
    const notified = (hours: number, delayReason?: string) =>
      decided(
        decision('notifiable', aware + HOUR_MS, {
          notifiedAt: new Date(aware + hours * HOUR_MS).toISOString(),
          delayReason,
        }),
      );
    expect(judge(ntf01, incidents([], [notified(70)])).status).toBe('pass');
    expect(
      judge(ntf01, incidents([], [notified(90, 'Scope unclear')])).status,
    ).toBe('warn');
    expect(judge(ntf01, incidents([], [notified(90)])).status).toBe('fail');
    // Decided notifiable but never notified: still failing after 72 h.
    expect(
      judge(
        ntf01,
        incidents([], [decided(decision('notifiable', aware + HOUR_MS))]),
      ).evidence[0].note,
    ).toContain('decided notifiable, not notified');
  });

  it('is an error, naming the record, when the notification predates awareness', () => {
    const early = incident({
      number: 'INC-EARLY',
      security: true,
      personalDataBreach: true,
      breachAwareAt: aware,
      authorityNotifiedAt: aware - HOUR_MS,
    });
    const result = judge(ntf01, incidents([], [early]));
    expect(result.status).toBe('error');
    expect(result.reason).toContain('data error on INC-EARLY');
    expect(result.evidence[0]).toMatchObject({
      id: 'INC-EARLY',
      note: expect.stringContaining('recorded before awareness'),
    });
  });
});

describe('NTF-02 GDPR art. 34 communication', () => {
  const aware = NOW - 10 * DAY_MS;
  const decision = (
    kind: BreachDecision['decision'],
    decidedAt: number,
    extra: Partial<BreachDecision> = {},
  ): BreachDecision => ({
    id: `${kind}-${decidedAt}`,
    breachRef: 'INC-B',
    decision: kind,
    decidedBy: 'user:default/dpo',
    decidedAt: new Date(decidedAt).toISOString(),
    reason: 'Passwords exposed in clear text',
    recordedBy: 'user:default/dpo',
    recordedAt: new Date(decidedAt).toISOString(),
    ...extra,
  });
  const breach = (...decisions: BreachDecision[]) =>
    incident({
      security: true,
      personalDataBreach: true,
      breachAwareAt: aware,
      breachDecisions: decisions,
    });
  const highRisk = (at: number) =>
    decision('notifiable', at, {
      highRisk: true,
      notifiedAt: new Date(at).toISOString(),
    });

  it('wants a high-risk breach communicated or exempt under art. 34(3)', () => {
    expect(
      judge(ntf02, incidents([], [breach(highRisk(aware + HOUR_MS))])).status,
    ).toBe('fail');
    expect(
      judge(ntf02, incidents([], [breach(highRisk(NOW - 10 * HOUR_MS))]))
        .status,
    ).toBe('warn');
    expect(
      judge(
        ntf02,
        incidents(
          [],
          [
            breach(
              highRisk(aware + HOUR_MS),
              decision('communicated', aware + 30 * HOUR_MS),
            ),
          ],
        ),
      ).status,
    ).toBe('pass');
    const exempt = judge(
      ntf02,
      incidents(
        [],
        [
          breach(
            highRisk(aware + HOUR_MS),
            decision('communication_exempt', aware + 30 * HOUR_MS, {
              exemption: '34(3)(a)',
              reason: 'Data encrypted at rest, key safe',
            }),
          ),
        ],
      ),
    );
    expect(exempt.status).toBe('pass');
    expect(exempt.evidence[0].note).toContain('art. 34(3)(a)');
  });

  it('does not apply to breaches not assessed as high risk', () => {
    expect(
      judge(
        ntf02,
        incidents(
          [],
          [
            breach(
              decision('not_notifiable', aware + HOUR_MS, { highRisk: false }),
            ),
          ],
        ),
      ).status,
    ).toBe('not_applicable');
    expect(judge(ntf02, incidents([], [breach()])).status).toBe(
      'not_applicable',
    );
  });
});

function shift(overrides: Partial<ShiftRow>): ShiftRow {
  return {
    scheduleName: 'Payments primary',
    personName: 'Ada',
    start: NOW - 31 * DAY_MS,
    end: NOW + 15 * DAY_MS,
    escalationLevel: 1,
    ...overrides,
  };
}

describe('on-call checks', () => {
  it('finds coverage gaps', () => {
    expect(
      coverageGaps(
        [
          { start: 0, end: 5 },
          { start: 7, end: 12 },
        ],
        1,
        10,
      ),
    ).toEqual([{ start: 5, end: 7 }]);
    expect(coverageGaps([], 0, 10)).toEqual([{ start: 0, end: 10 }]);
    expect(coverageGaps([{ start: 2, end: 4 }], 0, 10)).toEqual([
      { start: 0, end: 2 },
      { start: 4, end: 10 },
    ]);
  });

  it('OC-01 tolerates short gaps except on tier 1', () => {
    const withGap = (gapHours: number) => ({
      shifts: [
        shift({ end: NOW }),
        shift({ start: NOW + gapHours * HOUR_MS, personName: 'Bo' }),
      ],
    });
    expect(judge(oc01, withGap(0)).status).toBe('pass');
    expect(judge(oc01, withGap(3.9)).status).toBe('warn');
    expect(judge(oc01, withGap(4)).status).toBe('fail');
    expect(judge(oc01, withGap(1), entity({ tier: 1 })).status).toBe('fail');
    expect(judge(oc01, { shifts: [] }).status).toBe('no_data');
  });

  it('OC-02 wants two levels and two people', () => {
    expect(
      judge(oc02, {
        shifts: [shift({}), shift({ escalationLevel: 2, personName: 'Bo' })],
      }).status,
    ).toBe('pass');
    expect(
      judge(oc02, { shifts: [shift({}), shift({ escalationLevel: 2 })] })
        .status,
    ).toBe('warn');
    expect(
      judge(oc02, { shifts: [shift({}), shift({ personName: 'Bo' })] }).status,
    ).toBe('fail');
    expect(judge(oc02, { shifts: [] }).status).toBe('no_data');
  });

  it('OC-01 and OC-02 fail a tier 1 service without any schedule', () => {
    const tier1 = entity({ tier: 1 });
    expect(judge(oc01, { shifts: [] }, tier1).status).toBe('fail');
    expect(judge(oc02, { shifts: [] }, tier1).status).toBe('fail');
  });

  it('OC-01 passes a service fully covered over what the on-call sync keeps', () => {
    // The demo's sources keep 7 days back and 14 ahead; a rota covering
    // exactly that, in weekly hand-overs, has no gap to find.
    const from = NOW - 7 * DAY_MS;
    const rota = Array.from({ length: 3 }, (_, week) =>
      shift({
        personName: week % 2 ? 'Bo' : 'Ada',
        start: from + week * 7 * DAY_MS,
        end: from + (week + 1) * 7 * DAY_MS,
      }),
    );
    const tier1 = entity({ tier: 1 });
    expect(judge(oc01, { shifts: rota }, tier1)).toMatchObject({
      status: 'pass',
      value: 0,
    });
    expect(judge(oc01, { shifts: rota }, tier1).reason).toContain(
      'the last 7 and next 14 days',
    );
  });
});

describe('thresholds', () => {
  it('apply organisation and tier overrides over the defaults', () => {
    const settings = {
      thresholds: { 'CHG-01': { pass: 0.99 } },
      tierThresholds: { 1: { 'CHG-01': { warn: 0.98 } } },
    };
    expect(thresholdsFor(settings, chg01.check, { tier: 2 })).toMatchObject({
      pass: 0.99,
      warn: 0.95,
      windowDays: 90,
    });
    expect(thresholdsFor(settings, chg01.check, { tier: 1 })).toMatchObject({
      pass: 0.99,
      warn: 0.98,
    });
    const late = change({ approvedAt: NOW - 10 * DAY_MS + 1 });
    const data = changes([...many(49), late]);
    expect(
      chg01.judge(entity(), data, thresholdsFor(settings, chg01.check, {}), NOW)
        .status,
    ).toBe('warn');
  });
});
