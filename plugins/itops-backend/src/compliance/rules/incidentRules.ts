import type {
  BreachDecision,
  CheckThresholds,
  ComplianceStatus,
  EvidenceRef,
} from '@backstage-itops/plugin-itops-common';
import {
  type CheckRule,
  DAY_MS,
  HOUR_MS,
  type Judged,
  evidenceOf,
  gradeAtMost,
  hours,
  iso,
  judgeRate,
  outcome,
} from '../model';
import { CAPACITY_RULES } from './capacityRules';
import { type IncidentRow, checkById } from './rows';

/** The entity's incidents, as the loader hands them to the rules. */
export interface IncidentData {
  /** Incidents opened in the longest incident-check window. */
  incidents: IncidentRow[];
  /**
   * Personal-data breaches of the NTF-01 window, and every breach not yet
   * notified whenever it happened.
   */
  breaches: IncidentRow[];
  /**
   * The categories that mark capacity incidents (CAP-01), from config;
   * empty or unset: not configured.
   */
  capacityCategories?: readonly string[];
}

function incidentRef(incident: IncidentRow, note: string): EvidenceRef {
  return { type: 'incident', id: incident.number, url: incident.url, note };
}

function openedInWindow(
  data: IncidentData,
  thresholds: CheckThresholds,
  now: number,
): IncidentRow[] {
  const from = now - thresholds.windowDays * DAY_MS;
  return data.incidents.filter(
    i => i.state !== 'cancelled' && i.openedAt >= from && i.openedAt < now,
  );
}

/** The assignment limit of a priority in ms: P1/P2 are urgent. */
function assignmentLimit(priority: number, thresholds: CheckThresholds) {
  return (
    (priority <= 2 ? thresholds.urgentMinutes : thresholds.routineMinutes) *
    60_000
  );
}

/**
 * Assigned in time: within the priority's limit of opening when the source
 * records the assignment time; by the assignment group alone when it does
 * not (the timeliness cannot be measured then, so it is not held against
 * the incident). Unassigned incidents still inside their limit are not
 * judged yet.
 */
export const inc01: CheckRule<IncidentData> = {
  check: checkById('INC-01'),
  judge(_entity, data, thresholds, now) {
    const judged: Judged[] = [];
    for (const incident of openedInWindow(data, thresholds, now)) {
      const limit = assignmentLimit(incident.priority, thresholds);
      const deadline = incident.openedAt + limit;
      const { assignedAt, assignmentGroup } = incident;
      if (assignedAt !== undefined) {
        const took = Math.max(0, assignedAt - incident.openedAt);
        judged.push({
          ok: assignedAt <= deadline,
          ref: incidentRef(
            incident,
            `P${incident.priority} assigned${
              assignmentGroup ? ` to ${assignmentGroup}` : ''
            } after ${minutes(took)}`,
          ),
        });
      } else if (assignmentGroup) {
        judged.push({
          ok: true,
          ref: incidentRef(
            incident,
            `assigned to ${assignmentGroup} (assignment time not recorded)`,
          ),
        });
      } else if (now > deadline) {
        judged.push({
          ok: false,
          ref: incidentRef(
            incident,
            `P${incident.priority} not assigned ${minutes(
              now - incident.openedAt,
            )} after opening`,
          ),
        });
      }
    }
    return judgeRate({
      judged,
      thresholds,
      what: 'incidents assigned in time',
    });
  },
};

/** Minutes up to 10 h, so that a limit just missed shows as missed. */
function minutes(ms: number): string {
  return ms < 10 * HOUR_MS ? `${Math.round(ms / 60_000)} min` : hours(ms);
}

export const inc02: CheckRule<IncidentData> = {
  check: checkById('INC-02'),
  judge(_entity, data, thresholds, now) {
    const judged: Judged[] = [];
    for (const incident of openedInWindow(data, thresholds, now)) {
      if (incident.priority > 2) continue;
      const sla =
        (incident.priority === 1
          ? thresholds.p1Minutes
          : thresholds.p2Minutes) * 60_000;
      const deadline = incident.openedAt + sla;
      if (incident.acknowledgedAt === undefined && now <= deadline) {
        continue; // still within its SLA: not decided yet
      }
      const ok =
        incident.acknowledgedAt !== undefined &&
        incident.acknowledgedAt <= deadline;
      judged.push({
        ok,
        ref: incidentRef(
          incident,
          incident.acknowledgedAt === undefined
            ? `P${incident.priority} not acknowledged`
            : `P${incident.priority} acknowledged after ${Math.round(
                (incident.acknowledgedAt - incident.openedAt) / 60_000,
              )} min`,
        ),
      });
    }
    return judgeRate({
      judged,
      thresholds,
      what: 'P1/P2 incidents acknowledged within SLA',
    });
  },
};

/** The resolution SLA of a priority in ms, undefined for P5. */
function resolutionSla(priority: number, thresholds: CheckThresholds) {
  const h = thresholds[`p${priority}Hours`];
  return h === undefined ? undefined : h * HOUR_MS;
}

export const inc03: CheckRule<IncidentData> = {
  check: checkById('INC-03'),
  judge(_entity, data, thresholds, now) {
    const judged: Judged[] = [];
    for (const incident of openedInWindow(data, thresholds, now)) {
      const sla = resolutionSla(incident.priority, thresholds);
      if (sla === undefined) continue;
      const deadline = incident.openedAt + sla;
      if (incident.resolvedAt === undefined) {
        if (now <= deadline) continue; // open and still within its SLA
        judged.push({
          ok: false,
          ref: incidentRef(
            incident,
            `P${incident.priority} open past its ${hours(sla)} SLA`,
          ),
        });
        continue;
      }
      // The source's own SLA verdict wins: it knows business hours and pauses.
      const ok = incident.slaMet ?? incident.resolvedAt <= deadline;
      judged.push({
        ok,
        ref: incidentRef(
          incident,
          `P${incident.priority} resolved in ${hours(
            incident.resolvedAt - incident.openedAt,
          )}${incident.slaMet !== undefined ? ' (source SLA verdict)' : ''}`,
        ),
      });
    }
    return judgeRate({
      judged,
      thresholds,
      what: 'incidents resolved within SLA',
    });
  },
};

/** A review judged for INC-04: its status and the note saying why. */
interface ReviewVerdict {
  status: ComplianceStatus;
  note: string;
}

/**
 * One P1/P2 or major incident's review, or undefined while it is still
 * inside the grace period without a completed review (not judged yet).
 * A linked record counts as a review when it carries a root cause and the
 * source does not say it is still in progress;
 * its completion time, where known, must fall inside the grace period.
 * A missing or late review within `overdueWarnDays` of the due date is
 * `warn`, later `fail`.
 */
function reviewVerdict(
  incident: IncidentRow & { resolvedAt: number },
  thresholds: CheckThresholds,
  now: number,
): ReviewVerdict | undefined {
  const due = incident.resolvedAt + thresholds.reviewDays * DAY_MS;
  const tolerance = thresholds.overdueWarnDays * DAY_MS;
  // A review is a record linked to the incident that carries a root cause:
  // a linked problem left empty is not one, and nothing unlinked counts.
  const linked = incident.reviewReference !== undefined;
  const hasRootCause = linked && incident.reviewHasRootCause === true;
  const recorded = linked && hasRootCause && incident.reviewCompleted !== false;
  const overdue = (by: number): ComplianceStatus =>
    by <= tolerance ? 'warn' : 'fail';
  // A done review from a source that cannot read root causes is neither a
  // review nor a missing one: the auditor must see "not recorded here".
  if (
    linked &&
    !hasRootCause &&
    incident.reviewRootCauseUnknown === true &&
    incident.reviewCompleted !== false
  ) {
    return {
      status: 'no_data',
      note: `review ${incident.reviewReference} linked; root cause not configured for this source`,
    };
  }
  if (recorded) {
    const done = incident.reviewCompletedAt;
    if (done === undefined || done <= due) {
      return {
        status: 'pass',
        note: `review ${incident.reviewReference} recorded`,
      };
    }
    return {
      status: overdue(done - due),
      note: `review ${incident.reviewReference} completed ${days(
        done - incident.resolvedAt,
      )} after resolution`,
    };
  }
  if (now <= due) {
    return undefined;
  }
  let what = 'no review linked';
  if (linked && !hasRootCause) {
    what = `${incident.reviewReference} linked but records no root cause`;
  } else if (linked) {
    what = `review ${incident.reviewReference} still in progress`;
  }
  return {
    status: overdue(now - due),
    note: `${what}, ${days(now - due)} past the ${
      thresholds.reviewDays
    }-day deadline`,
  };
}

function days(ms: number): string {
  const d = ms / DAY_MS;
  const text = d >= 10 ? d.toFixed(0) : d.toFixed(1).replace(/\.0$/, '');
  return `${text} ${text === '1' ? 'day' : 'days'}`;
}

export const inc04: CheckRule<IncidentData> = {
  check: checkById('INC-04'),
  judge(_entity, data, thresholds, now) {
    const from = now - thresholds.windowDays * DAY_MS;
    const items: Array<ReviewVerdict & { ref: EvidenceRef }> = [];
    for (const incident of data.incidents) {
      const { resolvedAt } = incident;
      if (
        !(incident.priority <= 2 || incident.major) ||
        resolvedAt === undefined ||
        resolvedAt < from ||
        resolvedAt >= now
      ) {
        continue;
      }
      const verdict = reviewVerdict(
        { ...incident, resolvedAt },
        thresholds,
        now,
      );
      if (verdict) {
        items.push({
          ...verdict,
          ref: {
            ...incidentRef(incident, verdict.note),
            deadline: iso(resolvedAt + thresholds.reviewDays * DAY_MS),
          },
        });
      }
    }
    if (items.length === 0) {
      return outcome(
        'not_applicable',
        `No P1/P2 or major incident resolved in the last ${thresholds.windowDays} days is due for a post-incident review.`,
      );
    }
    const unknown = items.filter(i => i.status === 'no_data');
    const known = items.filter(i => i.status !== 'no_data');
    const unknownNote = `${unknown.length} linked review${
      unknown.length === 1 ? '' : 's'
    } not judged: root cause not configured for this source (Jira: incidents.postIncidentReview.rootCauseField).`;
    if (known.length === 0) {
      return outcome('no_data', unknownNote, {
        evidence: unknown.map(i => i.ref),
        evidenceTotal: unknown.length,
      });
    }
    const judged = known.map(i => ({ ok: i.status === 'pass', ref: i.ref }));
    const rated = judgeRate({
      judged,
      thresholds: { ...thresholds, minPopulation: 1 },
      what: 'P1/P2 or major incidents reviewed in time',
    });
    if (unknown.length > 0) {
      // The unjudged reviews may hide late ones: a clean rate over the rest
      // is not a pass, and a failing one says what it left out.
      return {
        ...rated,
        status: rated.status === 'pass' ? 'no_data' : rated.status,
        reason: `${rated.reason} ${unknownNote}`,
        evidence: [...rated.evidence, ...unknown.map(i => i.ref)],
        evidenceTotal: (rated.evidenceTotal ?? 0) + unknown.length,
      };
    }
    // The catalogue's second way to warn: every missing review is only a
    // few days overdue, which a rate alone would grade as a failure.
    if (rated.status === 'fail' && !items.some(i => i.status === 'fail')) {
      return {
        ...rated,
        status: 'warn',
        reason: `${rated.reason} Every missing review is at most ${thresholds.overdueWarnDays} days overdue.`,
      };
    }
    return rated;
  },
};

export const inc06: CheckRule<IncidentData> = {
  check: checkById('INC-06'),
  judge(_entity, data, thresholds, now) {
    const triage = thresholds.triageHours * HOUR_MS;
    const breaches = openedInWindow(data, thresholds, now).filter(
      i => i.security && i.personalDataBreach,
    );
    const judged: Judged[] = [];
    for (const incident of breaches) {
      const recorded =
        incident.breachAwareAt !== undefined &&
        incident.breachAwareAt - incident.openedAt <= triage;
      if (!recorded && now - incident.openedAt <= triage) continue; // still in time
      let note = 'awareness recorded';
      if (incident.breachAwareAt === undefined) {
        note = 'breach awareness time not recorded';
      } else if (!recorded) {
        note = `awareness recorded ${hours(
          incident.breachAwareAt - incident.openedAt,
        )} after opening`;
      }
      judged.push({ ok: recorded, ref: incidentRef(incident, note) });
    }
    if (judged.length === 0) {
      return outcome(
        'not_applicable',
        `No security incident flagged as a personal-data breach needed triage in the last ${thresholds.windowDays} days.`,
      );
    }
    return judgeRate({
      judged,
      thresholds: { ...thresholds, minPopulation: 1 },
      what: 'breaches triaged within 24 h',
    });
  },
};

/** Evidence notes quote free text up to this length. */
const QUOTE_LIMIT = 200;

function shorten(text: string | undefined): string | undefined {
  return text && text.length > QUOTE_LIMIT
    ? `${text.slice(0, QUOTE_LIMIT - 1)}…`
    : text;
}

/** The newest recorded decision on a breach among the given kinds. */
function newest(
  breach: IncidentRow,
  kinds: readonly BreachDecision['decision'][],
): BreachDecision | undefined {
  return [...(breach.breachDecisions ?? [])]
    .reverse()
    .find(d => kinds.includes(d.decision));
}

/** The latest art. 34(1) risk assessment recorded on a breach. */
function highRiskOf(breach: IncidentRow): boolean | undefined {
  return [...(breach.breachDecisions ?? [])]
    .reverse()
    .find(d => d.highRisk !== undefined)?.highRisk;
}

interface BreachItem {
  status: ComplianceStatus;
  ref: EvidenceRef;
}

/**
 * One breach under art. 33(1). The clock runs in continuous hours from
 * awareness (UTC instants: time zones and daylight saving cannot move the
 * deadline). Within 72 h the breach needs a decision: notified (from the
 * source or a recorded `notifiable` decision with its time), or a
 * recorded `not_notifiable` decision with its reason. A notification
 * after 72 h needs the reasons for the delay (warn), else it fails. A
 * notification before awareness is a data error naming the record.
 */
function notificationOf(
  breach: IncidentRow,
  thresholds: CheckThresholds,
  now: number,
): BreachItem | undefined {
  const limit = thresholds.deadlineHours * HOUR_MS;
  const warnAfter = thresholds.warnAfterHours * HOUR_MS;
  const aware = breach.breachAwareAt;
  const ref = (note: string, deadline?: number): EvidenceRef => ({
    ...incidentRef(breach, note),
    ...(deadline !== undefined ? { deadline: iso(deadline) } : {}),
  });
  if (aware === undefined) {
    return {
      status: 'fail',
      ref: ref(
        'awareness time not recorded: the 72-hour clock cannot be checked',
      ),
    };
  }
  const deadline = aware + limit;
  const notifiable = newest(breach, ['notifiable']);
  const notNotifiable = newest(breach, ['not_notifiable']);
  const recordedNotice =
    notifiable?.notifiedAt !== undefined
      ? Date.parse(notifiable.notifiedAt)
      : undefined;
  const notified = breach.authorityNotifiedAt ?? recordedNotice;
  if (notified !== undefined) {
    if (notified < aware) {
      return {
        status: 'error',
        ref: ref(
          `authority notification (${iso(
            notified,
          )}) recorded before awareness (${iso(aware)}): correct the record`,
          deadline,
        ),
      };
    }
    const took = notified - aware;
    if (took <= limit) {
      return {
        status: 'pass',
        ref: ref(`authority notified ${hours(took)} after awareness`, deadline),
      };
    }
    // Art. 33(1) allows a late notification that gives its reasons.
    const reason = shorten(
      (notifiable?.delayReason ?? breach.notificationDelayReason)?.trim(),
    );
    return {
      status: reason ? 'warn' : 'fail',
      ref: ref(
        `authority notified ${hours(took)} after awareness, ${
          reason
            ? `late with reasons: ${reason}`
            : 'late and no reasons for the delay recorded'
        }`,
        deadline,
      ),
    };
  }
  if (notNotifiable && !notifiable) {
    const decidedAt = Date.parse(notNotifiable.decidedAt);
    if (decidedAt < aware) {
      return {
        status: 'error',
        ref: ref(
          `decision 'not notifiable' (${notNotifiable.decidedAt}) recorded before awareness: correct the record`,
        ),
      };
    }
    // Unlikely to result in a risk: no notification is due (art. 33(1)),
    // but the decision must be taken within the 72 hours.
    const inTime = decidedAt <= deadline;
    return {
      status: inTime ? 'pass' : 'warn',
      ref: ref(
        `decided not notifiable by ${notNotifiable.decidedBy} ${hours(
          decidedAt - aware,
        )} after awareness${inTime ? '' : ', after the 72 hours'}: ${shorten(
          notNotifiable.reason,
        )}`,
      ),
    };
  }
  const elapsed = now - aware;
  const what = notifiable
    ? 'decided notifiable, not notified'
    : 'no decision recorded';
  return {
    status: gradeAtMost(elapsed, warnAfter, limit),
    ref: ref(
      elapsed > limit
        ? `${what}, ${hours(elapsed - limit)} past the deadline`
        : `${what} yet, ${hours(deadline - now)} left`,
      deadline,
    ),
  };
}

/** pass, warn, error, fail: the worst of the breaches decides. */
function worstBreach(items: readonly BreachItem[]): ComplianceStatus {
  const order: ComplianceStatus[] = ['pass', 'warn', 'error', 'fail'];
  return items.reduce<ComplianceStatus>(
    (worst, i) =>
      order.indexOf(i.status) > order.indexOf(worst) ? i.status : worst,
    'pass',
  );
}

/** Breaches of the window; older ones only while still awaiting a decision. */
function breachesInScope(
  data: IncidentData,
  thresholds: CheckThresholds,
  now: number,
): IncidentRow[] {
  const from = now - thresholds.windowDays * DAY_MS;
  return data.breaches.filter(
    b =>
      (b.breachAwareAt ?? b.openedAt) >= from ||
      (b.authorityNotifiedAt === undefined &&
        !newest(b, ['not_notifiable', 'notifiable'])),
  );
}

export const ntf01: CheckRule<IncidentData> = {
  check: checkById('NTF-01'),
  judge(_entity, data, thresholds, now) {
    const breaches = breachesInScope(data, thresholds, now);
    if (breaches.length === 0) {
      return outcome(
        'not_applicable',
        `No personal-data breach in the last ${thresholds.windowDays} days and none awaiting a decision.`,
      );
    }
    const items = breaches.map(b => notificationOf(b, thresholds, now)!);
    const status = worstBreach(items);
    const onTime = items.filter(i => i.status === 'pass').length;
    const open = items.filter(i => i.ref.note?.includes(' left')).length;
    const errors = items.filter(i => i.status === 'error');
    return outcome(
      status,
      `${onTime} of ${
        items.length
      } personal-data breaches decided and, where notifiable, notified within the ${
        thresholds.deadlineHours
      }-hour rule${
        open ? `; ${open} awaiting a decision or notification` : ''
      }${
        errors.length
          ? `; data error on ${errors.map(e => e.ref.id).join(', ')}`
          : ''
      }.`,
      {
        numerator: onTime,
        denominator: items.length,
        value: onTime / items.length,
        ...evidenceOf(
          items.map(i => ({ ok: i.status === 'pass', ref: i.ref })),
        ),
      },
    );
  },
};

/**
 * GDPR art. 34: a breach assessed as likely to result in a high risk to
 * data subjects is communicated to them without undue delay, unless an
 * art. 34(3) exemption is recorded. "Without undue delay" has no figure in
 * the law; `undueDelayHours` (72) is the project's reading, after which
 * a missing communication fails (warn before).
 */
export const ntf02: CheckRule<IncidentData> = {
  check: checkById('NTF-02'),
  judge(_entity, data, thresholds, now) {
    const breaches = breachesInScope(data, thresholds, now).filter(
      b => highRiskOf(b) === true,
    );
    if (breaches.length === 0) {
      return outcome(
        'not_applicable',
        `No personal-data breach assessed as high risk in the last ${thresholds.windowDays} days.`,
      );
    }
    const limit = thresholds.undueDelayHours * HOUR_MS;
    const items: BreachItem[] = breaches.map(breach => {
      const communicated = newest(breach, ['communicated']);
      const exempt = newest(breach, ['communication_exempt']);
      if (communicated) {
        return {
          status: 'pass',
          ref: incidentRef(
            breach,
            `communicated to data subjects (${communicated.decidedAt}, ${communicated.decidedBy})`,
          ),
        };
      }
      if (exempt) {
        return {
          status: 'pass',
          ref: incidentRef(
            breach,
            `exempt from communication under art. ${
              exempt.exemption
            }: ${shorten(exempt.reason)}`,
          ),
        };
      }
      const assessed = [...(breach.breachDecisions ?? [])].find(
        d => d.highRisk === true,
      )!;
      const since = Date.parse(assessed.decidedAt);
      const elapsed = now - since;
      return {
        status: elapsed > limit ? 'fail' : 'warn',
        ref: {
          ...incidentRef(
            breach,
            `high risk assessed ${hours(
              elapsed,
            )} ago; no communication to data subjects and no art. 34(3) exemption recorded`,
          ),
          deadline: iso(since + limit),
        },
      };
    });
    const status = worstBreach(items);
    const done = items.filter(i => i.status === 'pass').length;
    return outcome(
      status,
      `${done} of ${items.length} high-risk breaches communicated to data subjects or exempt under art. 34(3).`,
      {
        numerator: done,
        denominator: items.length,
        value: done / items.length,
        ...evidenceOf(
          items.map(i => ({ ok: i.status === 'pass', ref: i.ref })),
        ),
      },
    );
  },
};

export const INCIDENT_RULES = [
  inc01,
  inc02,
  inc03,
  inc04,
  inc06,
  ntf01,
  ntf02,
  ...CAPACITY_RULES,
];
