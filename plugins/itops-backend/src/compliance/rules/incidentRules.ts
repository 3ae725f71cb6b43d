import type {
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
  worstOf,
} from '../model';
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

export const inc01: CheckRule<IncidentData> = {
  check: checkById('INC-01'),
  judge(_entity, data, thresholds, now) {
    const judged = openedInWindow(data, thresholds, now).map(incident => ({
      ok: Boolean(incident.assignmentGroup),
      ref: incidentRef(
        incident,
        incident.assignmentGroup
          ? `assigned to ${incident.assignmentGroup}`
          : 'no assignment group',
      ),
    }));
    return judgeRate({
      judged,
      thresholds,
      what: 'incidents with an assignment group',
    });
  },
};

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

export const inc04: CheckRule<IncidentData> = {
  check: checkById('INC-04'),
  judge(_entity, data, thresholds, now) {
    const from = now - thresholds.windowDays * DAY_MS;
    const population = data.incidents.filter(
      i =>
        (i.priority <= 2 || i.major) &&
        i.resolvedAt !== undefined &&
        i.resolvedAt >= from &&
        i.resolvedAt < now,
    );
    if (population.length === 0) {
      return outcome(
        'not_applicable',
        `No P1/P2 or major incident was resolved in the last ${thresholds.windowDays} days.`,
      );
    }
    return outcome(
      'no_data',
      `${population.length} P1/P2 or major incidents need a post-incident review, but the synced records carry no review link to verify it.`,
      {
        denominator: population.length,
        ...evidenceOf(
          population.map(i => ({
            ok: false,
            ref: incidentRef(i, 'review not verifiable'),
          })),
        ),
      },
    );
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

/**
 * GDPR art. 33(1): the clock runs in continuous hours from awareness, so
 * time zones and daylight-saving changes cannot move the deadline (all
 * times are UTC instants here).
 */
export const ntf01: CheckRule<IncidentData> = {
  check: checkById('NTF-01'),
  judge(_entity, data, thresholds, now) {
    const limit = thresholds.deadlineHours * HOUR_MS;
    const warnAfter = thresholds.warnAfterHours * HOUR_MS;
    if (data.breaches.length === 0) {
      return outcome(
        'not_applicable',
        `No personal-data breach in the last ${thresholds.windowDays} days and none awaiting notification.`,
      );
    }
    const items: Array<{ status: ComplianceStatus; ref: EvidenceRef }> = [];
    for (const breach of data.breaches) {
      const aware = breach.breachAwareAt;
      if (aware === undefined) {
        items.push({
          status: 'fail',
          ref: incidentRef(
            breach,
            'awareness time not recorded: the 72-hour clock cannot be checked',
          ),
        });
        continue;
      }
      const deadline = aware + limit;
      const notified = breach.authorityNotifiedAt;
      if (notified !== undefined) {
        const took = notified - aware;
        items.push({
          status: took <= limit ? 'pass' : 'fail',
          ref: {
            ...incidentRef(
              breach,
              `authority notified ${hours(took)} after awareness`,
            ),
            deadline: iso(deadline),
          },
        });
        continue;
      }
      const elapsed = now - aware;
      items.push({
        status: gradeAtMost(elapsed, warnAfter, limit),
        ref: {
          ...incidentRef(
            breach,
            elapsed > limit
              ? `not notified, ${hours(elapsed - limit)} past the deadline`
              : `not notified yet, ${hours(deadline - now)} left`,
          ),
          deadline: iso(deadline),
        },
      });
    }
    const status = worstOf(items.map(i => i.status));
    const onTime = items.filter(i => i.status === 'pass').length;
    const open = data.breaches.filter(
      b => b.authorityNotifiedAt === undefined,
    ).length;
    return outcome(
      status,
      `${onTime} of ${items.length} personal-data breaches within the ${
        thresholds.deadlineHours
      }-hour rule${open ? `; ${open} awaiting notification` : ''}.`,
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

export const INCIDENT_RULES = [inc01, inc02, inc03, inc04, inc06, ntf01];
