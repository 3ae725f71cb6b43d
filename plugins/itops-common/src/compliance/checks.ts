import { DECLARATION_CHECKS } from './declarationChecks';
import { GDPR } from './gdpr';
import { ISO27001_2022 } from './iso27001';
import type { CheckDefinition, CheckMapping } from './types';

function iso(...controls: string[]): CheckMapping[] {
  return controls.map(control => ({ framework: ISO27001_2022, control }));
}

function gdpr(...articles: string[]): CheckMapping[] {
  return articles.map(control => ({ framework: GDPR, control }));
}

/**
 * The checks the engine implements, after the catalogue proposed in the
 * compliance reference (ids kept, so mappings can be compared). Rates are
 * shares 0..1; `minPopulation` is the smallest population a rate is firmly
 * judged on: below it the rate is still judged, flagged `smallSample`, and
 * an empty population is `no_data`.
 *
 * @public
 */
export const COMPLIANCE_CHECKS: readonly CheckDefinition[] = [
  {
    id: 'INV-01',
    version: 1,
    title: 'Accountable owner',
    description:
      'The service has an owner in the catalog that resolves to a group with at least one member.',
    remediation:
      'Set spec.owner to a group entity of the catalog that lists its members.',
    data: ['catalog'],
    thresholds: {},
    thresholdText:
      'pass: owner group with members; warn: owner set but not a known group; fail: no owner, or the group has no members',
    mappings: [...iso('A.5.9', 'A.5.2')],
  },
  {
    id: 'INV-02',
    version: 1,
    title: 'Linked to the CMDB',
    description:
      'The entity names its ServiceNow business service or CIs, and that link matches synced records.',
    remediation:
      'Add the itops.io/servicenow-service or itops.io/servicenow-ci annotation with the CMDB name or sys_id.',
    data: ['catalog', 'incidents', 'changes'],
    thresholds: {},
    thresholdText:
      'pass: linked and matching records; warn: linked but no synced record matches; fail: not linked',
    mappings: [...iso('A.5.9', 'A.8.9', 'A.5.23')],
  },
  {
    id: 'INV-03',
    version: 1,
    title: 'Tier and data classification declared',
    description:
      'Criticality (itops.io/tier) and data classification (itops.io/data-classification) are declared.',
    remediation:
      'Declare itops.io/tier (1–4) and itops.io/data-classification on the entity.',
    data: ['catalog'],
    thresholds: {},
    thresholdText: 'pass: both; warn: one; fail: none',
    mappings: [...iso('A.5.12', 'A.5.9'), ...gdpr('32(1)(b)')],
  },
  {
    id: 'PRIV-01',
    version: 1,
    title: 'Personal-data declaration',
    description:
      'The service says whether it processes personal data (itops.io/personal-data: true or false).',
    remediation: 'Declare itops.io/personal-data: "true" or "false".',
    data: ['catalog'],
    thresholds: {},
    thresholdText: 'pass: declared; fail: missing or not true/false',
    mappings: [...gdpr('30', '5(2)'), ...iso('A.5.34', 'A.5.12')],
  },
  {
    id: 'PRIV-02',
    version: 2,
    title: 'Record of processing referenced and reviewed',
    description:
      'A service processing personal data references its ROPA entry (itops.io/ropa) reviewed recently (itops.io/ropa-reviewed).',
    remediation:
      'Link the ROPA entry and record its last review date; review it at least yearly.',
    data: ['catalog'],
    scope: { personalData: true },
    thresholds: { passMonths: 12, warnMonths: 15 },
    thresholdText:
      'pass: reviewed ≤ 12 months ago; warn: 12–15 months, or a date up to 12 months ahead; fail: missing, older, or a date more than 12 months ahead',
    mappings: [...gdpr('30'), ...iso('A.5.34')],
  },
  {
    id: 'BKP-01',
    version: 2,
    title: 'Backup coverage',
    description:
      'Every protected object the entity declares (itops.io/veeam-object) is in an enabled backup job; a tier 1–2, personal-data or confidential service without any backup job fails, a tier 3 one (untiered services count as the default tier, 3) warns; only a declared tier 4 may go without.',
    remediation:
      'Add the unprotected objects to a backup job, or map the entity to its jobs.',
    data: ['catalog', 'backups'],
    thresholds: { pass: 1, warn: 0.95 },
    thresholdText:
      'pass: 100 % covered; warn: ≥ 95 % (never for tier 1), or a tier 3 service without backups; fail: below, or a critical service without backups; n/a: declared tier 4 without backups',
    mappings: [...iso('A.8.13'), ...gdpr('32(1)(b)', '32(1)(c)')],
  },
  {
    id: 'BKP-02',
    version: 2,
    title: 'Backup recency within RPO',
    description:
      'Age of the newest successful backup of each enabled job against the RPO (itops.io/rpo, 24 h when not declared); the worst job decides.',
    remediation:
      'Fix the failing job or its schedule so restore points are at most one RPO old.',
    data: ['backups'],
    thresholds: { defaultRpoHours: 24, warnFactor: 2, failedRunsInRow: 3 },
    thresholdText:
      'pass: ≤ RPO; warn: ≤ 2 × RPO or last run warned; fail: > 2 × RPO or the last 3 runs failed',
    mappings: [...iso('A.8.13'), ...gdpr('32(1)(c)')],
  },
  {
    id: 'BKP-03',
    version: 2,
    title: 'Backup success rate',
    description:
      'Share of finished backup runs that succeeded over the window, per enabled job; a warning counts half; the worst job decides. Fewer than 5 runs are judged and flagged as a small sample.',
    remediation: 'Investigate failing runs of the entity’s backup jobs.',
    data: ['backups'],
    windowDays: 30,
    thresholds: { pass: 0.95, warn: 0.9, minPopulation: 5 },
    thresholdText: 'pass: ≥ 95 %; warn: 90–95 %; fail: < 90 %',
    mappings: [...iso('A.8.13')],
  },
  {
    id: 'BKP-04',
    version: 1,
    title: 'Restore tested',
    description:
      'A successful restore test within the interval: 90 days for tier 1, 180 days otherwise.',
    remediation:
      'Run and record a restore test (SureBackup or a test restore) for the entity’s jobs.',
    data: ['backups'],
    thresholds: { tier1Days: 90, otherDays: 180, graceDays: 30 },
    thresholdText:
      'pass: within the interval; warn: up to 30 days late; fail: later, never, or the last test failed',
    mappings: [...iso('A.8.13', 'A.5.30'), ...gdpr('32(1)(c)', '32(1)(d)')],
  },
  {
    id: 'BKP-05',
    version: 1,
    title: 'Restore within RTO',
    description:
      'Duration of the last successful restore test against the RTO (itops.io/rto).',
    remediation:
      'Declare itops.io/rto, and speed up restores that exceed it (smaller restore sets, faster storage).',
    data: ['backups', 'catalog'],
    thresholds: { warnFactor: 1.5 },
    thresholdText:
      'pass: ≤ RTO; warn: ≤ 1.5 × RTO or no RTO declared; fail: > 1.5 × RTO',
    mappings: [...iso('A.5.30'), ...gdpr('32(1)(c)')],
  },
  {
    id: 'CHG-01',
    version: 2,
    title: 'Approved before start',
    description:
      'Share of normal and emergency changes started in the window that were approved before work started; standard changes are pre-approved.',
    remediation:
      'Get changes approved before implementation; review who started unapproved work.',
    data: ['changes'],
    windowDays: 90,
    thresholds: { pass: 0.98, warn: 0.95, minPopulation: 5 },
    thresholdText:
      'pass: ≥ 98 % and no violation on tier 1; warn: 95–98 %; fail: < 95 % or any unapproved change on tier 1',
    mappings: [...iso('A.8.32', 'A.8.19'), ...gdpr('32(1)(b)')],
  },
  {
    id: 'CHG-02',
    version: 2,
    title: 'Emergency changes under control',
    description:
      'Emergency share of changes in the window, and emergency changes approved at latest 7 days (5 business days) after work started.',
    remediation:
      'Plan changes ahead; get every emergency change approved retrospectively.',
    data: ['changes'],
    windowDays: 90,
    thresholds: {
      passShare: 0.1,
      warnShare: 0.2,
      passApproved: 1,
      warnApproved: 0.9,
      retroApprovalDays: 7,
      minPopulation: 5,
    },
    thresholdText:
      'pass: share ≤ 10 % and all approved; warn: share ≤ 20 % and ≥ 90 % approved; fail: otherwise',
    mappings: [...iso('A.8.32')],
  },
  {
    id: 'CHG-03',
    version: 2,
    title: 'Executed in the planned window',
    description:
      'Share of changes whose actual start and end fall within the planned window ± 1 hour.',
    remediation: 'Reschedule changes instead of overrunning their window.',
    data: ['changes'],
    windowDays: 90,
    thresholds: {
      pass: 0.95,
      warn: 0.9,
      toleranceMinutes: 60,
      minPopulation: 5,
    },
    thresholdText: 'pass: ≥ 95 %; warn: 90–95 %; fail: < 90 %',
    mappings: [...iso('A.8.32')],
  },
  {
    id: 'CHG-04',
    version: 1,
    title: 'Freeze windows respected',
    description:
      'No change started during a freeze window that applies to the entity (global or mapped), except emergency changes.',
    remediation:
      'Move changes out of freeze windows, or request a waiver with the business reason.',
    data: ['changes', 'freezeWindows'],
    windowDays: 90,
    thresholds: {},
    thresholdText: 'pass: none; fail: any change started in a freeze',
    mappings: [...iso('A.8.32')],
  },
  {
    id: 'CHG-07',
    version: 2,
    title: 'Change failure rate',
    description:
      'Share of closed changes in the window whose outcome was unsuccessful.',
    remediation:
      'Review failed changes: testing, backout plans and risk assessment.',
    data: ['changes'],
    windowDays: 90,
    thresholds: { pass: 0.15, warn: 0.3, minPopulation: 5 },
    thresholdText: 'pass: ≤ 15 %; warn: 15–30 %; fail: > 30 %',
    mappings: [...iso('A.8.32')],
  },
  {
    id: 'VUL-01',
    version: 1,
    title: 'Security patches completed in time',
    description:
      'Changes of a security-patch category (itops.compliance.categories.securityPatch: ServiceNow change category, Jira patch label) raised in the window were completed successfully within 30 days of being raised (PCI DSS 6.3.3 gives one month for critical and high patches); a patch still open, or closed unsuccessfully, past its 30 days is late. Measured from the change being raised, since advisory release dates are not synced.',
    remediation:
      'Complete the overdue patch changes; list only the categories (or labels) that mark critical and high security patches.',
    data: ['changes'],
    windowDays: 90,
    thresholds: {
      pass: 0.95,
      warn: 0.9,
      patchDays: 30,
      failDays: 60,
      minPopulation: 5,
    },
    thresholdText:
      'pass: ≥ 95 % completed within 30 days of being raised; warn: 90–95 %; fail: < 90 %, or any patch open or completed more than 60 days after being raised; no data: no patch category configured, no category from the source, or no security patch in the window',
    mappings: [...iso('A.8.8')],
  },
  {
    id: 'SOD-01',
    version: 1,
    title: 'Segregation of duties on changes',
    description:
      "Changes completed in the window were not requested and implemented by the same person (ServiceNow requested_by vs assigned_to, Jira reporter vs assignee, compared as the source's user ids without regard to case). A change that does not record both people is not judged. Approvers are not synced (ServiceNow sysapproval_approver is not in the vendor reference; JSM approvals are not read), so requester ≠ approver and implementer ≠ approver stay no_data. Maps to A.8.32 as well: separating who asks for a change from who makes it is part of change control.",
    remediation:
      'Have changes implemented by someone other than their requester, or record the real requester; make sure the source records both.',
    data: ['changes'],
    windowDays: 90,
    thresholds: { pass: 1, warn: 0.98, minPopulation: 5 },
    thresholdText:
      'pass: 100 % of completed changes with different requester and implementer; warn: ≥ 98 %; fail: < 98 %; no data: no completed change recording both people, or changes without them beside a clean rate; the approver part is always no data',
    mappings: [...iso('A.5.3', 'A.8.32')],
  },
  {
    id: 'CAP-01',
    version: 1,
    title: 'Capacity incidents kept rare',
    description:
      'Incidents of a capacity category (itops.compliance.categories.capacity: ServiceNow incident category or subcategory, Jira capacity label) opened in the window. More than one is a recurrence: capacity is not being managed ahead of demand. Judged only on incidents whose source reads categories; an incident without one is not evidence of anything.',
    remediation:
      'Review capacity for the service (headroom, scaling limits, forecasts) and record the follow-up; list only the categories that mean capacity or performance exhaustion.',
    data: ['incidents'],
    windowDays: 90,
    thresholds: { warnAbove: 1, failAbove: 3, minPopulation: 5 },
    thresholdText:
      'pass: at most 1 capacity incident in 90 days; warn: 2–3 (recurring); fail: more than 3; no data: no capacity category configured, no category from the source, or no incident in the window',
    mappings: [...iso('A.8.6')],
  },
  {
    id: 'INC-01',
    version: 3,
    title: 'Incidents assigned',
    description:
      'Share of incidents opened in the window that got an assignment group in time: within 30 minutes of opening for P1/P2, 4 hours otherwise. Where the source records no assignment time, having an assignment group counts; an unassigned incident still inside its limit is not judged yet.',
    remediation:
      'Route incidents to an assignment group on creation (assignment rules, monitoring integrations).',
    data: ['incidents'],
    windowDays: 30,
    thresholds: {
      pass: 0.95,
      warn: 0.9,
      urgentMinutes: 30,
      routineMinutes: 240,
      minPopulation: 5,
    },
    thresholdText:
      'pass: ≥ 95 % assigned in time (P1/P2 30 min, others 4 h); warn: 90–95 %; fail: < 90 %',
    mappings: [...iso('A.5.24', 'A.5.26')],
  },
  {
    id: 'INC-02',
    version: 2,
    title: 'P1/P2 acknowledged within SLA',
    description:
      'Share of P1 and P2 incidents acknowledged within 15 (P1) or 30 (P2) minutes; unacknowledged ones past the SLA count as missed.',
    remediation: 'Check paging and on-call acknowledgement for the service.',
    data: ['incidents'],
    windowDays: 30,
    thresholds: {
      pass: 0.95,
      warn: 0.9,
      p1Minutes: 15,
      p2Minutes: 30,
      minPopulation: 5,
    },
    thresholdText: 'pass: ≥ 95 %; warn: 90–95 %; fail: < 90 %',
    mappings: [...iso('A.5.26')],
  },
  {
    id: 'INC-03',
    version: 2,
    title: 'Resolved within SLA',
    description:
      'Share of P1–P4 incidents resolved within the resolution SLA of their priority (the source’s own SLA verdict when it gives one); open ones past the SLA count as missed.',
    remediation:
      'Review breached incidents and the capacity of the resolving team.',
    data: ['incidents'],
    windowDays: 90,
    thresholds: {
      pass: 0.95,
      warn: 0.9,
      p1Hours: 4,
      p2Hours: 8,
      p3Hours: 72,
      p4Hours: 240,
      minPopulation: 5,
    },
    thresholdText: 'pass: ≥ 95 %; warn: 90–95 %; fail: < 90 %',
    mappings: [...iso('A.5.26', 'A.5.30')],
  },
  {
    id: 'INC-04',
    version: 3,
    title: 'Post-incident review',
    description:
      'Every P1/P2 or major incident resolved in the window has a post-incident review recorded within 14 days (10 business days) of resolution. A review is a record linked to the incident (ServiceNow problem in problem_id or the configured field, JSM review issue) that carries a root cause; a linked record without one, or one still in progress, does not count, and no unlinked record does. Incidents still inside the grace period are judged only once reviewed.',
    remediation:
      'Hold the post-incident review, record its root cause (ServiceNow problem cause notes or the configured root-cause field) and link it to the incident.',
    data: ['incidents'],
    windowDays: 90,
    thresholds: { pass: 1, warn: 0.9, reviewDays: 14, overdueWarnDays: 7 },
    thresholdText:
      'pass: 100 % reviewed within 14 days; warn: ≥ 90 %, or every missing review overdue by 7 days at most; fail: otherwise',
    mappings: [...iso('A.5.27')],
  },
  {
    id: 'INC-06',
    version: 1,
    title: 'Security incidents triaged',
    description:
      'Security incidents flagged as personal-data breaches have the awareness time recorded within 24 hours of opening.',
    remediation:
      'Have the privacy or security team record when the breach became known.',
    data: ['incidents'],
    windowDays: 90,
    thresholds: { pass: 1, warn: 0.9, triageHours: 24 },
    thresholdText: 'pass: 100 %; warn: ≥ 90 %; fail: < 90 %',
    mappings: [...iso('A.5.25', 'A.6.8'), ...gdpr('33(5)')],
  },
  {
    id: 'NTF-01',
    version: 3,
    title: 'GDPR 72-hour breach notification',
    description:
      'Each personal-data breach has a decision within 72 continuous hours of awareness: notified to the supervisory authority, or recorded as not notifiable with its reason; a later notification must give the reasons for the delay (art. 33(1)). Decisions come from the source or are recorded in ITOps. A notification before awareness is a data error. Open breaches show the time left. 72 hours is the law: the deadline may be configured shorter, never longer.',
    remediation:
      'Notify the supervisory authority now, and record the notification time and the reasons for any delay.',
    data: ['incidents'],
    windowDays: 365,
    thresholds: { deadlineHours: 72, warnAfterHours: 48 },
    thresholdText:
      'pass: every breach notified ≤ 72 h, or decided not notifiable ≤ 72 h; warn: notified late with the reasons for the delay recorded, decided not notifiable after 72 h, or undecided past 48 h; error: notification or decision before awareness; fail: notified late without reasons, undecided past 72 h, or awareness time missing',
    mappings: [...gdpr('33(1)'), ...iso('A.5.5', 'A.5.26', 'A.5.31', 'A.5.34')],
    legalDuty: 'GDPR art. 33(1)',
  },
  {
    id: 'NTF-02',
    version: 1,
    title: 'GDPR breach communicated to data subjects',
    description:
      'Each personal-data breach assessed as likely to result in a high risk to data subjects is communicated to them without undue delay, or a recorded art. 34(3) exemption (a: data unintelligible, b: risk no longer likely, c: disproportionate effort, public communication instead) applies. "Without undue delay" is read as 72 hours from the high-risk assessment.',
    remediation:
      'Communicate the breach to the data subjects and record it, or record the art. 34(3) exemption relied on with its reason.',
    data: ['incidents'],
    windowDays: 365,
    thresholds: { undueDelayHours: 72 },
    thresholdText:
      'pass: every high-risk breach communicated or exempt under art. 34(3); warn: neither yet, within 72 h of the assessment; fail: neither after 72 h',
    mappings: [...gdpr('34'), ...iso('A.5.26', 'A.5.34')],
    legalDuty: 'GDPR art. 34',
  },
  {
    id: 'OC-01',
    version: 2,
    title: 'On-call coverage',
    description:
      'First-responder shifts cover the last 7 and next 14 days without gaps: the period the on-call sources keep (ServiceNow oncall.lookBackHours 168, JSM 7 days back; 14 days ahead). A tier 1 service without a schedule fails.',
    remediation: 'Fill the gaps in the on-call schedule.',
    data: ['oncall'],
    thresholds: { pastDays: 7, aheadDays: 14, warnGapHours: 4 },
    thresholdText:
      'pass: no gaps; warn: gaps under 4 h in total (not tier 1); fail: any gap on tier 1, 4 h or more, or no schedule on tier 1',
    mappings: [...iso('A.5.24', 'A.5.30'), ...gdpr('32(1)(b)')],
  },
  {
    id: 'OC-02',
    version: 2,
    title: 'Escalation defined',
    description:
      'At least two escalation levels staffed by at least two different people over the last 7 and next 14 days (the synced period). A tier 1 service without a schedule fails.',
    remediation: 'Add an escalation level staffed by someone else.',
    data: ['oncall'],
    thresholds: { pastDays: 7, aheadDays: 14 },
    thresholdText:
      'pass: ≥ 2 levels and ≥ 2 people; warn: 2 levels, one person; fail: a single level',
    mappings: [...iso('A.5.24', 'A.5.2')],
  },
  ...DECLARATION_CHECKS,
];

/** A check by id. @public */
export function findComplianceCheck(id: string): CheckDefinition | undefined {
  return COMPLIANCE_CHECKS.find(check => check.id === id);
}
