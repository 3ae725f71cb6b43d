import type { EvidenceRef } from '@backstage-itops/plugin-itops-common';
import {
  type CheckRule,
  DAY_MS,
  type Judged,
  type Outcome,
  judgeRate,
  outcome,
} from '../model';
import type { ChangeData } from './changeRules';
import { type ChangeRow, checkById } from './rows';

function changeRef(change: ChangeRow, note: string): EvidenceRef {
  return { type: 'change', id: change.number, url: change.url, note };
}

/**
 * Why approvers are not compared. Said on every result so a pass is
 * never read as covering them.
 */
export const APPROVER_NO_DATA =
  'Approver part: no data (approvers are not synced: ServiceNow sysapproval_approver is not in the vendor reference, JSM approvals are not read).';

/**
 * The source's user ids, compared without regard to case: ServiceNow
 * sys_ids are hex, Jira Data Center user names are case-insensitive.
 * E-mail addresses are not used: Jira Cloud hides them by the user's
 * privacy setting, and one hidden address would make two people look
 * different and pass. Entity refs are not used: the sync does not map
 * source users to catalog users.
 */
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * A.5.3: a change completed in the window was not requested and
 * implemented by the same person. The evidence names no one: it links
 * the change, where the source shows who (so snapshots hold no names to
 * pseudonymise).
 */
export const sod01: CheckRule<ChangeData> = {
  check: checkById('SOD-01'),
  judge(_entity, data, thresholds, now): Outcome {
    const from = now - thresholds.windowDays * DAY_MS;
    const completed = data.changes.filter(c => {
      const at = c.actualEnd ?? c.plannedEnd;
      return c.state === 'closed' && at !== undefined && at >= from && at < now;
    });
    if (completed.length === 0) {
      return outcome(
        'no_data',
        `No change completed in the last ${thresholds.windowDays} days. ${APPROVER_NO_DATA}`,
      );
    }
    const judged: Judged[] = [];
    const unknown: EvidenceRef[] = [];
    for (const c of completed) {
      if (!c.requestedBy || !c.implementedBy) {
        const missing = [
          c.requestedBy ? '' : 'requester',
          c.implementedBy ? '' : 'implementer',
        ]
          .filter(Boolean)
          .join(' and ');
        unknown.push(changeRef(c, `${missing} not recorded: not judged`));
        continue;
      }
      const ok = !same(c.requestedBy, c.implementedBy);
      judged.push({
        ok,
        ref: changeRef(
          c,
          ok
            ? 'requested and implemented by different people'
            : 'requested and implemented by the same person',
        ),
      });
    }
    const notes = unknown.length
      ? `${unknown.length} change(s) not judged: requester or implementer not recorded.`
      : '';
    if (judged.length === 0) {
      return outcome(
        'no_data',
        `None of the ${completed.length} changes completed in the last ${thresholds.windowDays} days records both requester and implementer. ${APPROVER_NO_DATA}`,
        { evidence: unknown, evidenceTotal: unknown.length },
      );
    }
    const rated = judgeRate({
      judged,
      thresholds,
      what: 'completed changes with different requester and implementer',
    });
    const result: Outcome = {
      ...rated,
      reason: [rated.reason, notes, APPROVER_NO_DATA].filter(Boolean).join(' '),
      evidence: [...rated.evidence, ...unknown],
      evidenceTotal: (rated.evidenceTotal ?? 0) + unknown.length,
    };
    // Unjudged changes may hide self-implemented ones: no clean pass.
    if (unknown.length > 0 && rated.status === 'pass') {
      return { ...result, status: 'no_data' };
    }
    return result;
  },
};

export const SOD_RULES = [sod01];
