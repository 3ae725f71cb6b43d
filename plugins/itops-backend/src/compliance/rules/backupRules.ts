import {
  COMPLIANCE_ANNOTATIONS,
  ITOPS_ANNOTATIONS,
  parseIsoDuration,
  splitAnnotationValue,
} from '@backstage-itops/plugin-itops-common';
import type {
  CheckThresholds,
  ComplianceStatus,
} from '@backstage-itops/plugin-itops-common';
import {
  type CheckRule,
  DAY_MS,
  type EvaluatedEntity,
  HOUR_MS,
  evidenceOf,
  gradeAtLeast,
  hours,
  iso,
  outcome,
  percent,
} from '../model';
import { personalDataOf } from './declared';
import { type BackupJobRow, type BackupRunRow, checkById } from './rows';

/** The entity's backups, as the loader hands them to the rules. */
export interface BackupData {
  jobs: BackupJobRow[];
  /** Backup runs (not restore tests) started in the last 30 days, newest first. */
  recentRuns: BackupRunRow[];
  /** The newest finished backup runs of the window, newest first (up to 3). */
  lastFinishedRuns: BackupRunRow[];
  /**
   * The newest successful backup run of each job, by job name, looked for
   * as far back as restore tests: each job is judged on its own, so a
   * failing job cannot hide behind a good one.
   */
  lastSuccessByJob: Record<string, BackupRunRow>;
  lastRestoreTest?: BackupRunRow;
  lastSuccessfulRestoreTest?: BackupRunRow;
}

const FINISHED = new Set(['success', 'warning', 'failed']);

function runRef(run: BackupRunRow, note?: string) {
  return {
    type: run.kind === 'restore-test' ? 'restore-test' : 'backup-run',
    id: `${run.jobName} @ ${iso(run.startedAt)}`,
    url: run.url,
    note: note ?? run.result,
  };
}

function jobRef(job: { name: string; url?: string }, note?: string) {
  return { type: 'backup-job', id: job.name, url: job.url, note };
}

function hasBackups(data: BackupData): boolean {
  return (
    data.jobs.length > 0 ||
    data.lastFinishedRuns.length > 0 ||
    Object.keys(data.lastSuccessByJob).length > 0
  );
}

/**
 * The jobs BKP-02 and BKP-03 judge one by one: the entity's enabled jobs,
 * and the jobs of runs mapped to the entity directly. Disabled jobs are
 * BKP-01's finding, not a recency or success-rate one.
 */
function judgedJobs(data: BackupData): { name: string; url?: string }[] {
  const jobs = new Map<string, { name: string; url?: string }>();
  for (const job of data.jobs) {
    if (job.enabled !== false) jobs.set(job.name, job);
  }
  const disabled = new Set(
    data.jobs.filter(j => j.enabled === false).map(j => j.name),
  );
  for (const name of [
    ...data.recentRuns.map(r => r.jobName),
    ...Object.keys(data.lastSuccessByJob),
  ]) {
    if (!jobs.has(name) && !disabled.has(name)) jobs.set(name, { name });
  }
  return [...jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const SEVERITY: Record<string, number> = {
  pass: 0,
  no_data: 1,
  warn: 2,
  fail: 3,
};

/** The worst status of per-job verdicts: fail, then warn, then no data. */
function worstJob(statuses: readonly ComplianceStatus[]): ComplianceStatus {
  return statuses.reduce<ComplianceStatus>(
    (worst, s) => ((SEVERITY[s] ?? 3) > (SEVERITY[worst] ?? 3) ? s : worst),
    'pass',
  );
}

const NO_BACKUPS = outcome(
  'not_applicable',
  'No backup job is mapped to the entity (BKP-01 judges whether one should be).',
);

/** Services whose loss would hurt: they must have backups at all. */
function isCritical(entity: EvaluatedEntity): boolean {
  const classification = entity.annotations[
    COMPLIANCE_ANNOTATIONS.dataClassification
  ]
    ?.trim()
    .toLowerCase();
  return (
    (entity.tier !== undefined && entity.tier <= 2) ||
    personalDataOf(entity) === true ||
    classification === 'confidential' ||
    classification === 'restricted'
  );
}

export const bkp01: CheckRule<BackupData> = {
  check: checkById('BKP-01'),
  judge(entity, data, thresholds) {
    const enabled = data.jobs.filter(job => job.enabled !== false);
    const declared = splitAnnotationValue(
      entity.annotations[ITOPS_ANNOTATIONS.veeamObject],
    );
    if (declared.length > 0) {
      const protectedObjects = new Set(
        enabled.flatMap(job => job.objects.map(o => o.toLowerCase())),
      );
      const judged = declared.map(object => {
        const job = enabled.find(j =>
          j.objects.some(o => o.toLowerCase() === object.toLowerCase()),
        );
        return {
          ok: protectedObjects.has(object.toLowerCase()),
          ref: {
            type: 'protected-object',
            id: object,
            url: job?.url,
            note: job ? `in job ${job.name}` : 'in no enabled backup job',
          },
        };
      });
      const covered = judged.filter(j => j.ok).length;
      const value = covered / declared.length;
      // Tier 1 gets no warn band: any unprotected object fails.
      const status = gradeAtLeast(
        value,
        thresholds.pass,
        entity.tier === 1 ? thresholds.pass : thresholds.warn,
      );
      return outcome(
        status,
        `${covered} of ${
          declared.length
        } declared objects are in an enabled backup job (${percent(value)}).`,
        {
          value,
          numerator: covered,
          denominator: declared.length,
          ...evidenceOf(judged),
        },
      );
    }
    if (enabled.length > 0) {
      return outcome(
        'pass',
        `${enabled.length} enabled backup job(s) protect the entity.`,
        { evidence: enabled.map(job => jobRef(job, 'enabled')) },
      );
    }
    if (data.jobs.length > 0) {
      return outcome('fail', 'Every backup job of the entity is disabled.', {
        evidence: data.jobs.map(job => jobRef(job, 'disabled')),
      });
    }
    if (isCritical(entity)) {
      return outcome(
        'fail',
        'No backup job protects this critical service (tier 1–2, personal or confidential data).',
      );
    }
    // Only a service declared tier 4 may go without backups; an untiered
    // one is judged at the default tier (3 unless configured).
    if (entity.tier === 4 && !entity.tierDefaulted) {
      return outcome(
        'not_applicable',
        'No backup job is mapped, and the service is declared tier 4 without personal or confidential data.',
      );
    }
    return outcome(
      'warn',
      `No backup job protects this tier ${entity.tier ?? 3}${
        entity.tierDefaulted ? ' (default, no itops.io/tier declared)' : ''
      } service: map its jobs, or declare tier 4 if it holds nothing to restore.`,
    );
  },
};

interface JobVerdict {
  status: ComplianceStatus;
  note: string;
  value?: number;
}

/** BKP-02 for one job: its newest success against the RPO, its last runs. */
function recencyOf(
  job: { name: string },
  data: BackupData,
  rpo: number,
  thresholds: CheckThresholds,
  now: number,
): JobVerdict {
  const lastRuns = data.recentRuns
    .filter(r => r.jobName === job.name && FINISHED.has(r.result))
    .slice(0, thresholds.failedRunsInRow);
  const failedInRow =
    lastRuns.length >= thresholds.failedRunsInRow &&
    lastRuns.every(run => run.result === 'failed');
  const success = data.lastSuccessByJob[job.name];
  if (!success) {
    return { status: 'fail', note: 'no successful backup run recorded' };
  }
  const age = Math.max(0, now - (success.endedAt ?? success.startedAt));
  const value = age / HOUR_MS;
  const text = `newest restore point ${hours(age)} old`;
  if (failedInRow) {
    return {
      status: 'fail',
      note: `${text}, but the last ${thresholds.failedRunsInRow} runs failed`,
      value,
    };
  }
  if (age > thresholds.warnFactor * rpo) {
    return {
      status: 'fail',
      note: `${text}: more than ${thresholds.warnFactor} × RPO`,
      value,
    };
  }
  if (age > rpo)
    return { status: 'warn', note: `${text}: older than the RPO`, value };
  if (lastRuns[0]?.result === 'warning') {
    return {
      status: 'warn',
      note: `${text}, but the last run ended with a warning`,
      value,
    };
  }
  return { status: 'pass', note: text, value };
}

/** Every job is judged on its own; the worst job decides. */
export const bkp02: CheckRule<BackupData> = {
  check: checkById('BKP-02'),
  judge(entity, data, thresholds, now) {
    if (!hasBackups(data)) return NO_BACKUPS;
    const declared = entity.annotations[ITOPS_ANNOTATIONS.rpo];
    const parsed =
      declared === undefined
        ? undefined
        : parseIsoDuration(declared, ITOPS_ANNOTATIONS.rpo);
    // A declared RPO that cannot be read is not replaced by the default,
    // which may be laxer than what the owner meant.
    if (parsed && !parsed.ok) {
      return outcome('no_data', `${parsed.problem}.`);
    }
    const declaredRpo = parsed?.ms;
    const rpo = declaredRpo ?? thresholds.defaultRpoHours * HOUR_MS;
    const rpoText = `${declaredRpo ? 'RPO' : 'default RPO'} ${hours(rpo)}`;
    const jobs = judgedJobs(data);
    if (jobs.length === 0) {
      return outcome('fail', 'Every backup job of the entity is disabled.');
    }
    const verdicts = jobs.map(job => ({
      job,
      ...recencyOf(job, data, rpo, thresholds, now),
    }));
    const status = worstJob(verdicts.map(v => v.status));
    const ok = verdicts.filter(v => v.status === 'pass').length;
    const oldest = Math.max(...verdicts.map(v => v.value ?? Infinity));
    const worst = verdicts.find(v => v.status === status)!;
    return outcome(
      status,
      `${ok} of ${jobs.length} backup job(s) within the ${rpoText}${
        status === 'pass' ? '' : `; ${worst.job.name}: ${worst.note}`
      }.`,
      {
        value: Number.isFinite(oldest) ? oldest : null,
        numerator: ok,
        denominator: jobs.length,
        ...evidenceOf(
          verdicts.map(v => ({
            ok: v.status === 'pass',
            ref: jobRef(v.job, `${v.status}: ${v.note}`),
          })),
        ),
      },
    );
  },
};

const RUN_WEIGHT: Record<string, number> = { success: 1, warning: 0.5 };

/**
 * Success rate per job over the window (warnings count half); the worst
 * job decides. A job with fewer runs than `minPopulation` is still judged,
 * flagged as a small sample; one without finished runs has no data.
 */
export const bkp03: CheckRule<BackupData> = {
  check: checkById('BKP-03'),
  judge(_entity, data, thresholds) {
    if (!hasBackups(data)) return NO_BACKUPS;
    const jobs = judgedJobs(data);
    if (jobs.length === 0) {
      return outcome('fail', 'Every backup job of the entity is disabled.');
    }
    const finished = data.recentRuns.filter(run => FINISHED.has(run.result));
    const perJob = jobs.map(job => {
      const runs = finished.filter(r => r.jobName === job.name);
      const good = runs.reduce(
        (sum, r) => sum + (RUN_WEIGHT[r.result] ?? 0),
        0,
      );
      const rate = runs.length > 0 ? good / runs.length : undefined;
      const status: ComplianceStatus =
        rate === undefined
          ? 'no_data'
          : gradeAtLeast(rate, thresholds.pass, thresholds.warn);
      return { job, runs, good, rate, status };
    });
    const status = worstJob(perJob.map(j => j.status));
    const numerator = perJob.reduce((sum, j) => sum + j.good, 0);
    const denominator = finished.length;
    const rated = perJob.filter(j => j.rate !== undefined);
    const smallSample = rated.some(
      j => j.runs.length < thresholds.minPopulation,
    );
    const jobNotes = perJob.map(j => ({
      ok: j.status === 'pass',
      ref: jobRef(
        j.job,
        j.rate === undefined
          ? 'no finished run in 30 days'
          : `${percent(j.rate)} of ${j.runs.length} runs${
              j.runs.length < thresholds.minPopulation ? ' (small sample)' : ''
            }`,
      ),
    }));
    const runNotes = finished.map(run => ({
      ok: run.result === 'success',
      ref: runRef(run),
    }));
    const evidence = evidenceOf([...jobNotes, ...runNotes]);
    if (rated.length === 0) {
      return outcome('no_data', 'No finished backup run in 30 days.', {
        value: null,
        numerator,
        denominator,
        ...evidence,
      });
    }
    const lowest = rated.reduce((a, b) => (b.rate! < a.rate! ? b : a));
    return outcome(
      status,
      `${smallSample ? 'Small sample: ' : ''}lowest success rate ${percent(
        lowest.rate!,
      )} (${lowest.job.name}, ${lowest.runs.length} runs) over ${
        jobs.length
      } job(s) in 30 days (warnings count half)${
        rated.length < jobs.length
          ? `; ${jobs.length - rated.length} job(s) without a finished run`
          : ''
      }.`,
      {
        value: lowest.rate!,
        numerator,
        denominator,
        ...evidence,
        ...(smallSample ? { smallSample: true } : {}),
      },
    );
  },
};

export const bkp04: CheckRule<BackupData> = {
  check: checkById('BKP-04'),
  judge(entity, data, thresholds, now) {
    if (!hasBackups(data)) return NO_BACKUPS;
    const intervalDays =
      entity.tier === 1 ? thresholds.tier1Days : thresholds.otherDays;
    const test = data.lastRestoreTest;
    if (!test) {
      return outcome('fail', 'No restore test is recorded.');
    }
    const evidence = [runRef(test, `last restore test: ${test.result}`)];
    const ageDays = (now - (test.endedAt ?? test.startedAt)) / DAY_MS;
    const value = ageDays;
    if (test.result === 'failed') {
      return outcome('fail', 'The last restore test failed.', {
        evidence,
        value,
      });
    }
    const text = `Last restore test ${Math.floor(
      ageDays,
    )} days ago (due every ${intervalDays} days${
      entity.tier === 1 ? ' for tier 1' : ''
    })`;
    if (ageDays > intervalDays + thresholds.graceDays) {
      return outcome('fail', `${text}: overdue.`, { evidence, value });
    }
    if (ageDays > intervalDays) {
      return outcome(
        'warn',
        `${text}: late, within ${thresholds.graceDays} days of grace.`,
        {
          evidence,
          value,
        },
      );
    }
    if (test.result !== 'success') {
      return outcome('warn', `${text}, ended with ${test.result}.`, {
        evidence,
        value,
      });
    }
    return outcome('pass', `${text}.`, { evidence, value });
  },
};

export const bkp05: CheckRule<BackupData> = {
  check: checkById('BKP-05'),
  judge(entity, data, thresholds) {
    if (!hasBackups(data)) return NO_BACKUPS;
    const test = data.lastSuccessfulRestoreTest;
    if (!test || test.endedAt === undefined) {
      return outcome(
        'no_data',
        'No successful restore test with an end time to measure the restore duration.',
      );
    }
    const duration = test.endedAt - test.startedAt;
    const value = duration / HOUR_MS;
    const evidence = [runRef(test, `restore took ${hours(duration)}`)];
    const declared = entity.annotations[COMPLIANCE_ANNOTATIONS.rto];
    const parsed =
      declared === undefined
        ? undefined
        : parseIsoDuration(declared, COMPLIANCE_ANNOTATIONS.rto);
    if (!parsed?.ok) {
      // An unreadable RTO counts as none, with the reason.
      return outcome(
        'warn',
        `The last restore took ${hours(duration)}, but ${
          parsed ? parsed.problem : 'no RTO (itops.io/rto) is declared'
        }.`,
        { evidence, value },
      );
    }
    const rto = parsed.ms;
    const text = `The last restore took ${hours(
      duration,
    )} against an RTO of ${hours(rto)}`;
    if (duration <= rto)
      return outcome('pass', `${text}.`, { evidence, value });
    return outcome(
      duration <= thresholds.warnFactor * rto ? 'warn' : 'fail',
      `${text}.`,
      { evidence, value },
    );
  },
};

export const BACKUP_RULES = [bkp01, bkp02, bkp03, bkp04, bkp05];
