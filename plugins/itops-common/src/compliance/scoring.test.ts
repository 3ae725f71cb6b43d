import { COMPLIANCE_CHECKS } from './checks';
import { iso27001Framework } from './iso27001';
import {
  complianceScore,
  controlStatuses,
  countStatuses,
  rollUpControl,
} from './scoring';

describe('rollUpControl', () => {
  it('takes the worst judged status and caps missing evidence at warn', () => {
    expect(rollUpControl(['pass', 'fail', 'warn'])).toBe('fail');
    expect(rollUpControl(['pass', 'no_data'])).toBe('warn');
    expect(rollUpControl(['pass', 'error'])).toBe('error');
    expect(rollUpControl(['pass', 'not_applicable', 'exempt'])).toBe('pass');
  });

  it('never turns exemptions or not-applicable results into a pass', () => {
    expect(rollUpControl(['exempt', 'not_applicable'])).toBe('exempt');
    expect(rollUpControl(['not_applicable'])).toBe('not_applicable');
    expect(rollUpControl([])).toBe('manual');
  });
});

describe('complianceScore', () => {
  it('is pass over judged results, leaving out exempt and not applicable', () => {
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
    ).toBe(0.5);
    expect(
      complianceScore(countStatuses(['exempt', 'not_applicable'])),
    ).toBeNull();
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
