import type {
  CheckDefinition,
  CheckResult,
  ComplianceFramework,
  ComplianceStatus,
  ControlStatus,
  StatusCounts,
} from './types';

const RANK: Record<ComplianceStatus, number> = {
  pass: 0,
  no_data: 1,
  warn: 2,
  error: 3,
  fail: 4,
  exempt: -1,
  not_applicable: -1,
};

/** Zero counts for every status. @public */
export function emptyStatusCounts(): StatusCounts {
  return {
    pass: 0,
    warn: 0,
    fail: 0,
    not_applicable: 0,
    exempt: 0,
    no_data: 0,
    error: 0,
  };
}

/** Counts of the given statuses. @public */
export function countStatuses(
  statuses: Iterable<ComplianceStatus>,
): StatusCounts {
  const counts = emptyStatusCounts();
  for (const status of statuses) {
    counts[status]++;
  }
  return counts;
}

/**
 * A control's status from the results of its checks: the worst of them,
 * ignoring `not_applicable` and `exempt`; `no_data` caps the control at
 * `warn`, since missing evidence is never a pass. A control no check
 * evidences is `manual`; one whose checks are all exempt or not applicable
 * stays that way, so a waiver never turns into a pass.
 *
 * @public
 */
export function rollUpControl(
  statuses: readonly ComplianceStatus[],
): ComplianceStatus | 'manual' {
  if (statuses.length === 0) {
    return 'manual';
  }
  const judged = statuses.filter(s => RANK[s] >= 0);
  if (judged.length === 0) {
    return statuses.includes('exempt') ? 'exempt' : 'not_applicable';
  }
  const worst = judged.reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
  return worst === 'no_data' ? 'warn' : worst;
}

/**
 * Per control of a framework: the roll-up of one entity's results over the
 * checks mapped to it.
 *
 * @public
 */
export function controlStatuses(
  framework: ComplianceFramework,
  checks: readonly CheckDefinition[],
  results: readonly Pick<CheckResult, 'checkId' | 'status'>[],
): ControlStatus[] {
  const statusByCheck = new Map(results.map(r => [r.checkId, r.status]));
  return framework.controls.map(control => {
    const mapped = checks
      .filter(check =>
        check.mappings.some(
          m => m.framework === framework.id && m.control === control.id,
        ),
      )
      .map(check => check.id);
    const statuses = mapped
      .map(id => statusByCheck.get(id))
      .filter((s): s is ComplianceStatus => s !== undefined);
    return {
      framework: framework.id,
      control: control.id,
      status: mapped.length === 0 ? 'manual' : rollUpControl(statuses),
      checks: mapped,
    };
  });
}

/**
 * The share of judged results that pass, 0..1, or null when nothing was
 * judged. Exempt and not-applicable results are left out of both sides, and
 * `no_data` counts as not passing: a score never rises for lack of evidence
 * or by waiving a check.
 *
 * @public
 */
export function complianceScore(counts: StatusCounts): number | null {
  const judged =
    counts.pass + counts.warn + counts.fail + counts.no_data + counts.error;
  return judged > 0 ? counts.pass / judged : null;
}
