import {
  COMPLIANCE_ANNOTATIONS,
  ITOPS_ANNOTATIONS,
  splitAnnotationValue,
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
  parseIsoDuration,
  percent,
} from '../model';
import { personalDataOf } from './catalogRules';
import { type BackupJobRow, type BackupRunRow, checkById } from './rows';

/** The entity's backups, as the loader hands them to the rules. */
export interface BackupData {
  jobs: BackupJobRow[];
  /** Backup runs (not restore tests) started in the last 30 days, newest first. */
  recentRuns: BackupRunRow[];
  /** The newest finished backup runs at any time, newest first (up to 3). */
  lastFinishedRuns: BackupRunRow[];
  lastSuccess?: BackupRunRow;
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

function jobRef(job: BackupJobRow, note?: string) {
  return { type: 'backup-job', id: job.name, url: job.url, note };
}

function hasBackups(data: BackupData): boolean {
  return data.jobs.length > 0 || data.lastFinishedRuns.length > 0;
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
    return isCritical(entity)
      ? outcome(
          'fail',
          'No backup job protects this critical service (tier 1–2, personal or confidential data).',
        )
      : outcome(
          'not_applicable',
          'No backup job is mapped and the service is not declared critical or data-bearing.',
        );
  },
};

export const bkp02: CheckRule<BackupData> = {
  check: checkById('BKP-02'),
  judge(entity, data, thresholds, now) {
    if (!hasBackups(data)) return NO_BACKUPS;
    const declaredRpo = parseIsoDuration(
      entity.annotations[ITOPS_ANNOTATIONS.rpo],
    );
    const rpo = declaredRpo ?? thresholds.defaultRpoHours * HOUR_MS;
    const rpoText = `${declaredRpo ? 'RPO' : 'default RPO'} ${hours(rpo)}`;
    const lastRuns = data.lastFinishedRuns;
    const failedInRow =
      lastRuns.length >= thresholds.failedRunsInRow &&
      lastRuns
        .slice(0, thresholds.failedRunsInRow)
        .every(run => run.result === 'failed');
    const evidence = [
      ...(data.lastSuccess ? [runRef(data.lastSuccess, 'newest success')] : []),
      ...lastRuns.map(run => runRef(run)),
    ];
    if (!data.lastSuccess) {
      return outcome('fail', 'No successful backup run is recorded.', {
        evidence,
      });
    }
    const at = data.lastSuccess.endedAt ?? data.lastSuccess.startedAt;
    const age = Math.max(0, now - at);
    const value = age / HOUR_MS;
    const text = `Newest restore point is ${hours(age)} old (${rpoText})`;
    if (failedInRow) {
      return outcome(
        'fail',
        `${text}, but the last ${thresholds.failedRunsInRow} runs failed.`,
        { evidence, value },
      );
    }
    if (age > thresholds.warnFactor * rpo) {
      return outcome(
        'fail',
        `${text}: more than ${thresholds.warnFactor} × RPO.`,
        {
          evidence,
          value,
        },
      );
    }
    if (age > rpo) {
      return outcome('warn', `${text}: older than the RPO.`, {
        evidence,
        value,
      });
    }
    if (lastRuns[0]?.result === 'warning') {
      return outcome(
        'warn',
        `${text}, but the last run ended with a warning.`,
        {
          evidence,
          value,
        },
      );
    }
    return outcome('pass', `${text}.`, { evidence, value });
  },
};

export const bkp03: CheckRule<BackupData> = {
  check: checkById('BKP-03'),
  judge(_entity, data, thresholds) {
    if (!hasBackups(data)) return NO_BACKUPS;
    const finished = data.recentRuns.filter(run => FINISHED.has(run.result));
    const weight: Record<string, number> = { success: 1, warning: 0.5 };
    const good = finished.reduce(
      (sum, run) => sum + (weight[run.result] ?? 0),
      0,
    );
    const judged = finished.map(run => ({
      ok: run.result === 'success',
      ref: runRef(run),
    }));
    const extra = {
      numerator: good,
      denominator: finished.length,
      ...evidenceOf(judged),
    };
    if (finished.length < thresholds.minPopulation) {
      return outcome(
        'no_data',
        `Only ${finished.length} finished backup runs in 30 days; at least ${thresholds.minPopulation} are needed.`,
        { ...extra, value: null },
      );
    }
    const value = good / finished.length;
    return outcome(
      gradeAtLeast(value, thresholds.pass, thresholds.warn),
      `Success rate ${percent(value)} over ${
        finished.length
      } runs in 30 days (warnings count half).`,
      { ...extra, value },
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
    const rto = parseIsoDuration(
      entity.annotations[COMPLIANCE_ANNOTATIONS.rto],
    );
    if (rto === undefined) {
      return outcome(
        'warn',
        `The last restore took ${hours(
          duration,
        )}, but no RTO (itops.io/rto) is declared.`,
        { evidence, value },
      );
    }
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
