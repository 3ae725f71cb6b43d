import type {
  CheckDefinition,
  CheckResult,
  ComplianceFramework,
  ComplianceStatus,
  ControlStatus,
  StatusCounts,
} from './types';

/*
 * How bad a status is for a roll-up. `exempt` ranks just above `pass`: a
 * waived finding is still a finding, so a control whose checks pass except
 * a waived one shows as exempt, never as pass. Only `not_applicable` is
 * left out of a roll-up.
 */
const RANK: Record<ComplianceStatus, number> = {
  pass: 0,
  exempt: 1,
  no_data: 2,
  warn: 3,
  error: 4,
  fail: 5,
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
 * ignoring only `not_applicable`; `no_data` caps the control at `warn`,
 * since missing evidence is never a pass, and `exempt` is worse than
 * `pass`, so a waiver never turns into a pass. A control no check
 * evidences is `manual`.
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
    return 'not_applicable';
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
 * The compliance score, 0..1, or null when nothing was judged:
 *
 *   score = pass / (pass + warn + fail + no_data + error + exempt)
 *
 * Only `not_applicable` is left out. An exempt result stays in the
 * denominator, so waiving a failure never raises the score, and `no_data`
 * counts as not passing, so missing evidence never raises it either.
 *
 * @public
 */
export function complianceScore(
  counts: Partial<Record<ComplianceStatus, number>>,
): number | null {
  const judged = judgedCount(counts);
  return judged > 0 ? (counts.pass ?? 0) / judged : null;
}

/**
 * The score the waivers claim: exempt results counted as passing. Shown
 * only beside {@link complianceScore}, labelled "score if waivers held";
 * it is what the organisation would score if every compensating control
 * did its job, which the evidence does not show.
 *
 * @public
 */
export function scoreIfWaiversHeld(
  counts: Partial<Record<ComplianceStatus, number>>,
): number | null {
  const judged = judgedCount(counts);
  return judged > 0
    ? ((counts.pass ?? 0) + (counts.exempt ?? 0)) / judged
    : null;
}

function judgedCount(counts: Partial<Record<ComplianceStatus, number>>) {
  return (
    (counts.pass ?? 0) +
    (counts.warn ?? 0) +
    (counts.fail ?? 0) +
    (counts.no_data ?? 0) +
    (counts.error ?? 0) +
    (counts.exempt ?? 0)
  );
}

/** The rule of {@link complianceScore} in words, for the README and the UI. @public */
export const SCORE_RULE_TEXT =
  'Score = pass ÷ (pass + warn + fail + no data + error + exempt). Exempt (waived) results count as not passing; only not-applicable results are left out.';
