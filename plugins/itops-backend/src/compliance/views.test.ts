import {
  COMPLIANCE_CHECKS,
  type ComplianceStatus,
  iso27001Framework,
} from '@backstage-itops/plugin-itops-common';
import type { StoredResult } from './SnapshotStore';
import { controlViewOf, overviewOf, scorecardOf } from './views';

function result(
  entity: string,
  checkId: string,
  status: ComplianceStatus,
  underlyingStatus?: ComplianceStatus,
): StoredResult {
  return {
    snapshotId: 's1',
    takenAt: '2026-06-15T12:00:00.000Z',
    checkId,
    checkVersion: 1,
    entityRef: `component:default/${entity}`,
    ownerRef: 'group:default/team',
    status,
    ...(underlyingStatus ? { underlyingStatus, waiverId: `w-${entity}` } : {}),
    reason: status,
    evidence: [],
  };
}

/** Five services under A.8.13 (BKP-01): one failing, two waived, two passing. */
function population(waive: boolean): StoredResult[] {
  return [
    result('a', 'BKP-01', 'fail'),
    waive
      ? result('b', 'BKP-01', 'exempt', 'fail')
      : result('b', 'BKP-01', 'fail'),
    waive
      ? result('c', 'BKP-01', 'exempt', 'warn')
      : result('c', 'BKP-01', 'warn'),
    result('d', 'BKP-01', 'pass'),
    result('e', 'BKP-01', 'pass'),
  ];
}

describe('compliance views', () => {
  const frameworks = [iso27001Framework];

  it('never raises the overview score by waiving findings', () => {
    const without = overviewOf({
      frameworks,
      checks: COMPLIANCE_CHECKS,
      results: population(false),
      limit: 10,
    });
    const waived = overviewOf({
      frameworks,
      checks: COMPLIANCE_CHECKS,
      results: population(true),
      limit: 10,
    });
    expect(without.score).toBe(0.4);
    expect(waived.score).toBe(0.4);
    expect(waived.frameworks[0].score).toBe(0.4);
    expect(waived.counts.exempt).toBe(2);
    // The second figure is labelled apart and never replaces the score.
    expect(waived.scoreIfWaiversHeld).toBe(0.8);
  });

  it('keeps partial waivers visible at control level: fail, 2 of 5 services waived', () => {
    const overview = overviewOf({
      frameworks,
      checks: COMPLIANCE_CHECKS,
      results: population(true),
      limit: 10,
    });
    const backup = overview.frameworks[0].controls.find(
      c => c.id === 'A.8.13',
    )!;
    expect(backup).toMatchObject({
      status: 'fail',
      waivedEntities: 2,
      judgedEntities: 5,
    });
    expect(backup.entityCounts).toEqual({ fail: 1, exempt: 2, pass: 2 });

    const view = controlViewOf({
      framework: iso27001Framework,
      controlId: 'A.8.13',
      checks: COMPLIANCE_CHECKS,
      results: population(true),
    });
    expect(view.status).toBe('fail');
    expect(view.waivedEntities).toBe(2);
    expect(view.judgedEntities).toBe(5);
    expect(
      view.entities.find(e => e.entityRef === 'component:default/b'),
    ).toMatchObject({ status: 'exempt', waivedChecks: ['BKP-01'] });
  });

  it('shows an entity whose only finding is waived as exempt, not as passing', () => {
    const card = scorecardOf({
      entityRef: 'component:default/b',
      frameworks,
      checks: COMPLIANCE_CHECKS,
      results: [
        result('b', 'BKP-01', 'exempt', 'fail'),
        result('b', 'BKP-02', 'pass'),
      ],
      waivers: [],
    });
    expect(card.score).toBe(0.5);
    expect(
      card.frameworks[0].controls.find(c => c.id === 'A.8.13')?.status,
    ).toBe('exempt');
  });
});
