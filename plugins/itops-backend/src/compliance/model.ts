import type {
  CheckDefinition,
  CheckResult,
  CheckThresholds,
  ComplianceStatus,
  EvidenceRef,
} from '@backstage-itops/plugin-itops-common';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** An entity the checks judge, with the catalog facts they read. */
export interface EvaluatedEntity {
  entityRef: string;
  kind: string;
  title?: string;
  ownerRef?: string;
  /** Whether the owner resolved to a group with members (INV-01). */
  ownerState: 'group' | 'group_empty' | 'unresolved' | 'none';
  systemRef?: string;
  lifecycle?: string;
  tier?: number;
  /**
   * Set by the engine when `tier` is the configured default
   * (`itops.compliance.defaultTier`) because the entity declares none:
   * thresholds and rules apply that tier, INV-03 still sees it undeclared.
   */
  tierDefaulted?: boolean;
  annotations: Record<string, string>;
}

/** What a rule decides for one entity; the engine adds ids and waivers. */
export type Outcome = Omit<
  CheckResult,
  'checkId' | 'checkVersion' | 'entityRef' | 'waiverId' | 'underlyingStatus'
>;

/** A piece of evidence and whether it counts against the check. */
export interface Judged {
  ref: EvidenceRef;
  ok: boolean;
}

/**
 * Evidence for a result: every record of the population the check judged,
 * failing ones first, so an auditor can see the whole population and
 * sample it (the API pages through it, the exports hold all of it).
 */
export function evidenceOf(
  judged: readonly Judged[],
): Pick<Outcome, 'evidence' | 'evidenceTotal'> {
  const failing = judged.filter(j => !j.ok).map(j => j.ref);
  const passing = judged.filter(j => j.ok).map(j => j.ref);
  return {
    evidence: [...failing, ...passing],
    evidenceTotal: judged.length,
  };
}

export function outcome(
  status: ComplianceStatus,
  reason: string,
  extra: Partial<Outcome> = {},
): Outcome {
  return { status, reason, evidence: [], ...extra };
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(1).replace(/\.0$/, '')} %`;
}

/**
 * Pass/warn/fail of a share where higher is better (success, on time),
 * `no_data` below the minimum population.
 */
export function judgeRate(options: {
  judged: readonly Judged[];
  thresholds: CheckThresholds;
  what: string;
}): Outcome {
  const { judged, thresholds, what } = options;
  const denominator = judged.length;
  const numerator = judged.filter(j => j.ok).length;
  const minPopulation = thresholds.minPopulation ?? 1;
  const evidence = evidenceOf(judged);
  if (denominator === 0) {
    return outcome('no_data', `No ${what} in the window to judge a rate on.`, {
      numerator,
      denominator,
      value: null,
      ...evidence,
    });
  }
  const value = numerator / denominator;
  const status = gradeAtLeast(value, thresholds.pass, thresholds.warn);
  // A small population is still evidence: it is judged, and flagged.
  const small = denominator < minPopulation;
  return outcome(
    status,
    `${
      small ? 'Small sample: ' : ''
    }${numerator} of ${denominator} ${what} (${percent(
      value,
    )}); pass at ${percent(thresholds.pass)}, warn from ${percent(
      thresholds.warn,
    )}${
      small ? `; fewer than the ${minPopulation} events a firm rate needs` : ''
    }.`,
    {
      numerator,
      denominator,
      value,
      ...evidence,
      ...(small ? { smallSample: true } : {}),
    },
  );
}

/** pass at or above `pass`, warn at or above `warn`, else fail. */
export function gradeAtLeast(
  value: number,
  pass: number,
  warn: number,
): ComplianceStatus {
  if (value >= pass) return 'pass';
  return value >= warn ? 'warn' : 'fail';
}

/** pass at or below `pass`, warn at or below `warn`, else fail. */
export function gradeAtMost(
  value: number,
  pass: number,
  warn: number,
): ComplianceStatus {
  if (value <= pass) return 'pass';
  return value <= warn ? 'warn' : 'fail';
}

/** The worst of pass, warn and fail among the statuses (pass when none). */
export function worstOf(
  statuses: readonly ComplianceStatus[],
): ComplianceStatus {
  if (statuses.includes('fail')) return 'fail';
  return statuses.includes('warn') ? 'warn' : 'pass';
}

/** A rule: how one check judges one entity from the rows loaded for it. */
export interface CheckRule<Data> {
  check: CheckDefinition;
  judge(
    entity: EvaluatedEntity,
    data: Data,
    thresholds: CheckThresholds,
    now: number,
  ): Outcome;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function hours(ms: number): string {
  const h = ms / HOUR_MS;
  return `${h >= 10 ? h.toFixed(0) : h.toFixed(1).replace(/\.0$/, '')} h`;
}
