import type { EvidenceRef } from '@backstage-itops/plugin-itops-common';
import {
  type CheckRule,
  DAY_MS,
  type Outcome,
  iso,
  judgeRate,
  outcome,
} from '../model';
import type { ChangeData } from './changeRules';
import { type ChangeRow, checkById } from './rows';

function changeRef(change: ChangeRow, note: string): EvidenceRef {
  return { type: 'change', id: change.number, url: change.url, note };
}

function days(ms: number): string {
  const d = Math.max(0, ms) / DAY_MS;
  const text = d >= 10 ? d.toFixed(0) : d.toFixed(1).replace(/\.0$/, '');
  return `${text} ${text === '1' ? 'day' : 'days'}`;
}

/** One patch: judged ok or not, not judgeable (`unknown`), or not due yet. */
type PatchItem =
  | { kind: 'judged'; ok: boolean; tookMs: number; ref: EvidenceRef }
  | { kind: 'unknown'; ref: EvidenceRef }
  | { kind: 'pending' };

/**
 * A patch is completed when its change closed with an outcome other than
 * unsuccessful (a failed patch leaves the vulnerability in place), at its
 * actual end. Open or failed patches count against it once their days
 * have passed; before that they are not judged yet.
 */
function patchItem(change: ChangeRow, patchMs: number, now: number): PatchItem {
  const raised = change.openedAt;
  if (raised === undefined) {
    return {
      kind: 'unknown',
      ref: changeRef(change, 'raise time not recorded: latency unknown'),
    };
  }
  const deadline = raised + patchMs;
  const withDeadline = (note: string): EvidenceRef => ({
    ...changeRef(change, note),
    deadline: iso(deadline),
  });
  const completed =
    change.state === 'closed' && change.outcome !== 'unsuccessful';
  if (completed) {
    if (change.actualEnd === undefined) {
      return {
        kind: 'unknown',
        ref: withDeadline('closed, completion time not recorded'),
      };
    }
    const took = change.actualEnd - raised;
    return {
      kind: 'judged',
      ok: change.actualEnd <= deadline,
      tookMs: took,
      ref: withDeadline(`completed ${days(took)} after being raised`),
    };
  }
  if (now <= deadline) return { kind: 'pending' };
  const what =
    change.state === 'closed'
      ? 'closed unsuccessfully'
      : `still ${change.state}`;
  return {
    kind: 'judged',
    ok: false,
    tookMs: now - raised,
    ref: withDeadline(`${what} ${days(now - raised)} after being raised`),
  };
}

/**
 * A.8.8: security patches completed within `patchDays` of being raised.
 * Which changes are patches is configuration; without it, or when no
 * change of the window carries a category at all (the source does not
 * provide one), the check cannot tell a service that patches from one
 * that does not, and says so (no_data), as it does with no patch at all.
 */
export const vul01: CheckRule<ChangeData> = {
  check: checkById('VUL-01'),
  judge(_entity, data, thresholds, now): Outcome {
    const categories = (data.securityPatchCategories ?? []).map(c =>
      c.toLowerCase(),
    );
    if (categories.length === 0) {
      return outcome(
        'no_data',
        'Source not configured: no security-patch categories configured (itops.compliance.categories.securityPatch).',
      );
    }
    const from = now - thresholds.windowDays * DAY_MS;
    const raised = data.changes.filter(c => {
      const at = c.openedAt ?? c.plannedStart ?? c.actualStart;
      return (
        c.state !== 'cancelled' && at !== undefined && at >= from && at < now
      );
    });
    if (raised.length === 0) {
      return outcome(
        'no_data',
        `No change raised in the last ${thresholds.windowDays} days: no evidence of patching.`,
      );
    }
    if (raised.every(c => c.category === undefined)) {
      return outcome(
        'no_data',
        `Source not configured: none of the ${raised.length} changes raised in the last ${thresholds.windowDays} days carries a category (ServiceNow category not readable, or Jira changes.patchLabel unset).`,
      );
    }
    const patches = raised.filter(
      c =>
        c.category !== undefined &&
        categories.includes(c.category.toLowerCase()),
    );
    if (patches.length === 0) {
      return outcome(
        'no_data',
        `None of the ${raised.length} changes raised in the last ${
          thresholds.windowDays
        } days is a security patch (${categories.join(
          ', ',
        )}): no evidence of patching.`,
      );
    }
    const items = patches.map(p =>
      patchItem(p, thresholds.patchDays * DAY_MS, now),
    );
    const judged = items.flatMap(i => (i.kind === 'judged' ? [i] : []));
    const unknown = items.flatMap(i => (i.kind === 'unknown' ? [i.ref] : []));
    const pending = items.length - judged.length - unknown.length;
    const notes = [
      unknown.length
        ? `${unknown.length} patch(es) not judged: raise or completion time not recorded.`
        : '',
      pending
        ? `${pending} open patch(es) still within ${thresholds.patchDays} days.`
        : '',
    ]
      .filter(Boolean)
      .join(' ');
    if (judged.length === 0) {
      return outcome(
        'no_data',
        `${patches.length} security patch(es) raised, none judgeable yet. ${notes}`.trim(),
        { evidence: unknown, evidenceTotal: unknown.length },
      );
    }
    const rated = judgeRate({
      judged,
      thresholds,
      what: `security patches completed within ${thresholds.patchDays} days`,
    });
    const withUnknown = {
      ...rated,
      reason: [rated.reason, notes].filter(Boolean).join(' '),
      evidence: [...rated.evidence, ...unknown],
      evidenceTotal: (rated.evidenceTotal ?? 0) + unknown.length,
    };
    const tooLate = judged.filter(
      j => j.tookMs > thresholds.failDays * DAY_MS,
    ).length;
    if (tooLate > 0) {
      return {
        ...withUnknown,
        status: 'fail',
        reason: `${withUnknown.reason} ${tooLate} patch(es) took or have been open more than ${thresholds.failDays} days.`,
      };
    }
    // Unjudged patches may hide late ones: a clean rate is not a pass.
    if (unknown.length > 0 && rated.status === 'pass') {
      return { ...withUnknown, status: 'no_data' };
    }
    return withUnknown;
  },
};

export const PATCH_RULES = [vul01];
