import {
  type CheckRule,
  DAY_MS,
  type Judged,
  evidenceOf,
  gradeAtLeast,
  gradeAtMost,
  iso,
  judgeRate,
  outcome,
  percent,
  worstOf,
} from '../model';
import { PATCH_RULES } from './patchRules';
import { SOD_RULES } from './sodRules';
import { type ChangeRow, type FreezeRow, checkById } from './rows';

/** The entity's changes, and the freeze windows that apply to it. */
export interface ChangeData {
  /** Changes started (or planned to start) in the longest check window. */
  changes: ChangeRow[];
  /** Freeze windows, global or mapped to the entity, overlapping that window. */
  freezes: FreezeRow[];
  /**
   * The categories that mark security patches (VUL-01), from config;
   * empty or unset: not configured.
   */
  securityPatchCategories?: readonly string[];
}

function changeRef(change: ChangeRow, note: string) {
  return { type: 'change', id: change.number, url: change.url, note };
}

function startOf(change: ChangeRow): number | undefined {
  return change.actualStart ?? change.plannedStart;
}

/** Changes that started, non-cancelled, within the check's window. */
function startedInWindow(
  data: ChangeData,
  windowDays: number,
  now: number,
): ChangeRow[] {
  const from = now - windowDays * DAY_MS;
  return data.changes.filter(
    c =>
      c.state !== 'cancelled' &&
      c.actualStart !== undefined &&
      c.actualStart >= from &&
      c.actualStart < now,
  );
}

function approvalNote(change: ChangeRow, ok: boolean): string {
  if (ok) return 'approved before start';
  if (change.approval === 'approved' && change.approvedAt !== undefined) {
    return `approved at ${iso(change.approvedAt)}, after work started`;
  }
  return `started without approval (${change.approval ?? 'none'})`;
}

export const chg01: CheckRule<ChangeData> = {
  check: checkById('CHG-01'),
  judge(entity, data, thresholds, now) {
    const judged: Judged[] = startedInWindow(
      data,
      thresholds.windowDays,
      now,
    ).map(change => {
      if (change.type === 'standard') {
        return { ok: true, ref: changeRef(change, 'standard (pre-approved)') };
      }
      const ok =
        change.approval === 'approved' &&
        change.approvedAt !== undefined &&
        change.approvedAt <= change.actualStart!;
      return { ok, ref: changeRef(change, approvalNote(change, ok)) };
    });
    const violations = judged.filter(j => !j.ok).length;
    if (entity.tier === 1 && violations > 0) {
      return outcome(
        'fail',
        `${violations} change(s) on this tier 1 service started without prior approval.`,
        {
          numerator: judged.length - violations,
          denominator: judged.length,
          value: (judged.length - violations) / judged.length,
          ...evidenceOf(judged),
        },
      );
    }
    return judgeRate({
      judged,
      thresholds,
      what: 'changes approved before start',
    });
  },
};

export const chg02: CheckRule<ChangeData> = {
  check: checkById('CHG-02'),
  judge(_entity, data, thresholds, now) {
    const from = now - thresholds.windowDays * DAY_MS;
    const changes = data.changes.filter(c => {
      const start = startOf(c);
      return (
        c.state !== 'cancelled' &&
        start !== undefined &&
        start >= from &&
        start < now
      );
    });
    const emergency = changes.filter(c => c.type === 'emergency');
    const started = emergency.filter(c => c.actualStart !== undefined);
    const judged: Judged[] = started.map(change => {
      const limit = change.actualStart! + thresholds.retroApprovalDays * DAY_MS;
      const ok =
        change.approval === 'approved' &&
        change.approvedAt !== undefined &&
        change.approvedAt <= limit;
      return {
        ok,
        ref: changeRef(
          change,
          ok
            ? 'emergency, approved'
            : `emergency, not approved within ${thresholds.retroApprovalDays} days of starting`,
        ),
      };
    });
    const evidence = evidenceOf(judged);
    if (changes.length < thresholds.minPopulation) {
      return outcome(
        'no_data',
        `Only ${changes.length} changes in ${thresholds.windowDays} days; at least ${thresholds.minPopulation} are needed.`,
        {
          numerator: emergency.length,
          denominator: changes.length,
          ...evidence,
        },
      );
    }
    const share = emergency.length / changes.length;
    const approved = judged.length
      ? judged.filter(j => j.ok).length / judged.length
      : 1;
    const shareStatus = gradeAtMost(
      share,
      thresholds.passShare,
      thresholds.warnShare,
    );
    const approvedStatus = gradeAtLeast(
      approved,
      thresholds.passApproved,
      thresholds.warnApproved,
    );
    return outcome(
      worstOf([shareStatus, approvedStatus]),
      `${emergency.length} of ${
        changes.length
      } changes were emergencies (${percent(share)}); ${percent(
        approved,
      )} of started emergency changes were approved.`,
      {
        value: share,
        numerator: emergency.length,
        denominator: changes.length,
        ...evidence,
      },
    );
  },
};

export const chg03: CheckRule<ChangeData> = {
  check: checkById('CHG-03'),
  judge(_entity, data, thresholds, now) {
    const tolerance = thresholds.toleranceMinutes * 60_000;
    const judged: Judged[] = startedInWindow(data, thresholds.windowDays, now)
      .filter(
        c =>
          c.actualEnd !== undefined &&
          c.plannedStart !== undefined &&
          c.plannedEnd !== undefined,
      )
      .map(change => {
        const early = change.actualStart! < change.plannedStart! - tolerance;
        const late = change.actualEnd! > change.plannedEnd! + tolerance;
        let note = 'within its planned window';
        if (early) note = 'started before its planned window';
        else if (late) note = 'ended after its planned window';
        return { ok: !early && !late, ref: changeRef(change, note) };
      });
    return judgeRate({
      judged,
      thresholds,
      what: 'changes executed within their planned window',
    });
  },
};

export const chg04: CheckRule<ChangeData> = {
  check: checkById('CHG-04'),
  judge(_entity, data, thresholds, now) {
    const from = now - thresholds.windowDays * DAY_MS;
    const freezes = data.freezes.filter(f => f.end > from && f.start < now);
    if (freezes.length === 0) {
      return outcome(
        'not_applicable',
        `No freeze window applied to the entity in the last ${thresholds.windowDays} days.`,
      );
    }
    const changes = data.changes.filter(c => {
      const start = startOf(c);
      return (
        c.state !== 'cancelled' &&
        c.actualStart !== undefined &&
        start !== undefined &&
        start >= from &&
        start < now
      );
    });
    const judged: Judged[] = changes.map(change => {
      const start = change.actualStart!;
      const freeze = freezes.find(f => start >= f.start && start < f.end);
      const violation = freeze !== undefined && change.type !== 'emergency';
      return {
        ok: !violation,
        ref: changeRef(
          change,
          freeze
            ? `started during freeze '${freeze.name}'${
                change.type === 'emergency' ? ' (emergency, allowed)' : ''
              }`
            : 'outside freeze windows',
        ),
      };
    });
    const violations = judged.filter(j => !j.ok).length;
    const extra = {
      numerator: violations,
      denominator: judged.length,
      value: violations,
      ...evidenceOf(judged),
    };
    return violations === 0
      ? outcome(
          'pass',
          `None of ${judged.length} changes started during the ${freezes.length} freeze window(s).`,
          extra,
        )
      : outcome(
          'fail',
          `${violations} change(s) started during a freeze window.`,
          extra,
        );
  },
};

export const chg07: CheckRule<ChangeData> = {
  check: checkById('CHG-07'),
  judge(_entity, data, thresholds, now) {
    const from = now - thresholds.windowDays * DAY_MS;
    const closed = data.changes.filter(c => {
      const end = c.actualEnd ?? c.plannedEnd;
      return (
        c.state === 'closed' &&
        c.outcome !== undefined &&
        end !== undefined &&
        end >= from &&
        end < now
      );
    });
    const judged: Judged[] = closed.map(change => ({
      ok: change.outcome !== 'unsuccessful',
      ref: changeRef(change, change.outcome!),
    }));
    const failed = judged.filter(j => !j.ok).length;
    const extra = {
      numerator: failed,
      denominator: judged.length,
      ...evidenceOf(judged),
    };
    if (judged.length < thresholds.minPopulation) {
      return outcome(
        'no_data',
        `Only ${judged.length} closed changes in ${thresholds.windowDays} days; at least ${thresholds.minPopulation} are needed.`,
        { ...extra, value: null },
      );
    }
    const value = failed / judged.length;
    return outcome(
      gradeAtMost(value, thresholds.pass, thresholds.warn),
      `${failed} of ${judged.length} closed changes failed (${percent(
        value,
      )}); pass up to ${percent(thresholds.pass)}.`,
      { ...extra, value },
    );
  },
};

export const CHANGE_RULES = [
  chg01,
  chg02,
  chg03,
  chg04,
  chg07,
  ...PATCH_RULES,
  ...SOD_RULES,
];
