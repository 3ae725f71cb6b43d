import { COMPLIANCE_CHECKS } from './checks';
import { iso27001Framework } from './iso27001';
import {
  complianceScore,
  controlStatuses,
  countStatuses,
  rollUpControl,
  scoreIfWaiversHeld,
} from './scoring';
import type { ComplianceStatus } from './types';

describe('rollUpControl', () => {
  it('takes the worst judged status and caps missing evidence at warn', () => {
    expect(rollUpControl(['pass', 'fail', 'warn'])).toBe('fail');
    expect(rollUpControl(['pass', 'no_data'])).toBe('warn');
    expect(rollUpControl(['pass', 'error'])).toBe('error');
    expect(rollUpControl(['pass', 'not_applicable'])).toBe('pass');
  });

  it('never turns an exemption into a pass', () => {
    // A control whose checks pass except a waived one is exempt, not pass.
    expect(rollUpControl(['pass', 'exempt'])).toBe('exempt');
    expect(rollUpControl(['pass', 'not_applicable', 'exempt'])).toBe('exempt');
    expect(rollUpControl(['exempt', 'not_applicable'])).toBe('exempt');
    // A real finding beside a waived one still decides.
    expect(rollUpControl(['exempt', 'fail'])).toBe('fail');
    expect(rollUpControl(['exempt', 'no_data'])).toBe('warn');
  });

  it('keeps not applicable and manual apart from a pass', () => {
    expect(rollUpControl(['not_applicable'])).toBe('not_applicable');
    expect(rollUpControl([])).toBe('manual');
  });
});

describe('complianceScore', () => {
  it('is pass over every judged result, exempt and no data included', () => {
    // 2 pass of pass, pass, fail, no_data, exempt: not_applicable is out.
    expect(
      complianceScore(
        countStatuses([
          'pass',
          'pass',
          'fail',
          'no_data',
          'exempt',
          'not_applicable',
        ]),
      ),
    ).toBe(0.4);
    expect(complianceScore(countStatuses(['not_applicable']))).toBeNull();
    expect(complianceScore(countStatuses(['exempt']))).toBe(0);
  });

  it('does not rise when a failure is waived (3 of 4 stays 3 of 4)', () => {
    const before = countStatuses(['pass', 'pass', 'pass', 'fail']);
    const after = countStatuses(['pass', 'pass', 'pass', 'exempt']);
    expect(complianceScore(before)).toBe(0.75);
    expect(complianceScore(after)).toBe(0.75);
  });

  it('never rises when any finding is waived, whatever the mix', () => {
    const statuses: ComplianceStatus[] = [
      'pass',
      'warn',
      'fail',
      'no_data',
      'error',
      'not_applicable',
    ];
    const findings: ComplianceStatus[] = ['warn', 'fail', 'no_data', 'error'];
    // Every population of up to 4 results, each finding waived in turn.
    const populations: ComplianceStatus[][] = [[]];
    for (let size = 0; size < 4; size++) {
      for (const list of [...populations]) {
        if (list.length === size) {
          for (const s of statuses) populations.push([...list, s]);
        }
      }
    }
    const pairs = populations.flatMap(list =>
      list
        .map((status, i) => ({ status, i }))
        .filter(({ status }) => findings.includes(status))
        .map(({ i }) => ({
          before: list,
          after: list.map((s, j): ComplianceStatus => (j === i ? 'exempt' : s)),
        })),
    );
    expect(pairs.length).toBeGreaterThan(100);
    for (const { before, after } of pairs) {
      expect(complianceScore(countStatuses(after))).toBe(
        complianceScore(countStatuses(before)),
      );
    }
  });

  it('shows what the waivers claim only as a separate figure', () => {
    const counts = countStatuses(['pass', 'pass', 'pass', 'exempt']);
    expect(scoreIfWaiversHeld(counts)).toBe(1);
    expect(complianceScore(counts)).toBe(0.75);
    expect(scoreIfWaiversHeld(countStatuses(['not_applicable']))).toBeNull();
  });
});

describe('controlStatuses', () => {
  it('rolls an entity up per control and marks controls without checks as manual', () => {
    const statuses = controlStatuses(iso27001Framework, COMPLIANCE_CHECKS, [
      { checkId: 'BKP-01', status: 'pass' },
      { checkId: 'BKP-02', status: 'exempt' },
      { checkId: 'BKP-03', status: 'no_data' },
    ]);
    const backup = statuses.find(c => c.control === 'A.8.13')!;
    expect(backup.checks).toEqual(
      expect.arrayContaining(['BKP-01', 'BKP-02', 'BKP-03', 'BKP-04']),
    );
    expect(backup.status).toBe('warn');
    expect(statuses.find(c => c.control === 'A.6.1')).toMatchObject({
      status: 'manual',
      checks: [],
    });
  });
});
