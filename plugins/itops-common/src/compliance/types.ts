/**
 * The compliance model shared by the ITOps backend and frontend: frameworks
 * and their controls, declarative check definitions, and the results,
 * waivers and snapshots the engine produces.
 */

/**
 * Outcome of one check for one entity. `exempt` (an approved, unexpired
 * waiver applies) and `not_applicable` are never counted as pass, and
 * `no_data` means insufficient evidence, which is never a pass either.
 *
 * @public
 */
export type ComplianceStatus =
  | 'pass'
  | 'warn'
  | 'fail'
  | 'not_applicable'
  | 'exempt'
  | 'no_data'
  | 'error';

/** Every status, worst first as far as a scorecard is concerned. @public */
export const COMPLIANCE_STATUSES: readonly ComplianceStatus[] = [
  'fail',
  'error',
  'warn',
  'no_data',
  'exempt',
  'pass',
  'not_applicable',
];

/** How well ITOps data can evidence a control. @public */
export type EvidenceStrength = 'strong' | 'partial' | 'manual';

/** One control (or article) of a framework. @public */
export interface ComplianceControl {
  /** e.g. `A.8.13` or `33(1)`. */
  id: string;
  /** Short label; for ISO the project's own wording, never ISO text. */
  label: string;
  /** Grouping, e.g. `Technological` or a GDPR chapter. */
  theme: string;
  /** How much ITOps evidence can say about the control. */
  evidence: EvidenceStrength;
  /** Optional longer wording (own paraphrase or, for EU law, attributed text). */
  description?: string;
}

/** A framework: a catalogue of controls. @public */
export interface ComplianceFramework {
  /** Stable id used in check mappings, e.g. `iso27001-2022`. */
  id: string;
  name: string;
  version: string;
  /** Source acknowledgement, required for EU texts. */
  attribution?: string;
  /** Where the control wording comes from. */
  textSource: 'project' | 'eu-law' | 'customer-import';
  controls: ComplianceControl[];
}

/** Lower and upper bounds that decide pass, warn and fail. @public */
export interface CheckThresholds {
  [name: string]: number;
}

/** Which entities a check applies to. @public */
export interface CheckScope {
  /** Only entities of these tiers (1 = most critical); all when absent. */
  tiers?: number[];
  /** Only entities with one of these annotations. */
  requiresAnyAnnotation?: string[];
  /** Only entities whose `itops.io/personal-data` is `true`. */
  personalData?: boolean;
}

/** A control a check provides evidence for. @public */
export interface CheckMapping {
  framework: string;
  control: string;
}

/** What record data a check reads. @public */
export type CheckDataSource =
  | 'catalog'
  | 'incidents'
  | 'changes'
  | 'freezeWindows'
  | 'oncall'
  | 'backups';

/**
 * A declarative, versioned check. Bump `version` whenever the rule or its
 * default thresholds change: snapshots record the version in force, so a
 * past result can be read against the rule that produced it.
 *
 * @public
 */
export interface CheckDefinition {
  /** e.g. `BKP-02`. */
  id: string;
  version: number;
  title: string;
  /** What is measured and how, in plain words. */
  description: string;
  /** What an owner should do when the check fails. */
  remediation: string;
  data: CheckDataSource[];
  scope?: CheckScope;
  /** Rolling window of rate checks, in days. */
  windowDays?: number;
  /** Default thresholds; organisations and tiers may override them. */
  thresholds: CheckThresholds;
  /** How to read the thresholds, for people. */
  thresholdText: string;
  mappings: CheckMapping[];
  /**
   * The legal duty the check evidences, e.g. `GDPR art. 33(1)`. A legal
   * duty cannot be waived: no organisation can grant itself an exception
   * from the law, so its findings always count.
   */
  legalDuty?: string;
}

/** A link to a source record that decided a result. @public */
export interface EvidenceRef {
  /** Record type: incident, change, backup-run, backup-job, oncall-shift, freeze-window, annotation. */
  type: string;
  /** Human id: incident or change number, job name, annotation key. */
  id: string;
  /** Deep link into the source system, when known. */
  url?: string;
  /** Why this record counts against (or for) the check. */
  note?: string;
  /** For open deadlines (GDPR 72 h): when the deadline falls, ISO 8601. */
  deadline?: string;
}

/** A check's result for one entity. @public */
export interface CheckResult {
  checkId: string;
  checkVersion: number;
  entityRef: string;
  status: ComplianceStatus;
  /** The status the evidence gave before a waiver made it `exempt`. */
  underlyingStatus?: ComplianceStatus;
  /** The measured value (a ratio 0..1, hours, days…), when there is one. */
  value?: number | null;
  numerator?: number;
  denominator?: number;
  /** Why the status is what it is, in one sentence. */
  reason: string;
  /** The records that decided the result (failing ones first), capped. */
  evidence: EvidenceRef[];
  /** How many evidence records there were before the cap. */
  evidenceTotal?: number;
  /**
   * The rate was judged on fewer events than the check's `minPopulation`:
   * the verdict stands, but rests on a small sample.
   */
  smallSample?: boolean;
  waiverId?: string;
}

/** @public */
export type WaiverStatus =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'revoked'
  | 'expired';

/** What can happen to a waiver after its request. @public */
export type WaiverEventType = 'approve' | 'reject' | 'revoke' | 'expire';

/** One appended decision on a waiver; events are never changed. @public */
export interface WaiverEvent {
  event: WaiverEventType;
  actor: string;
  at: string;
  comment?: string;
}

/**
 * An exception for one check on one entity: the request, and every
 * decision on it as an appended event. The status is derived from the
 * events and the expiry, so a revocation never overwrites the approval.
 *
 * @public
 */
export interface ComplianceWaiver {
  id: string;
  checkId: string;
  entityRef: string;
  justification: string;
  compensatingControl?: string;
  requestedBy: string;
  requestedAt: string;
  /** Always in the future when requested; an approved waiver stops applying then. */
  expiresAt: string;
  /** Derived: `expired` is a pending or approved waiver past its expiry. */
  status: WaiverStatus;
  /** Who approved or rejected it, when and why (the first decision). */
  decidedBy?: string;
  decidedAt?: string;
  decisionComment?: string;
  /** Who revoked it, when and why; the approval above stays as it was. */
  revokedBy?: string;
  revokedAt?: string;
  revocationReason?: string;
  /** Every decision, oldest first. */
  events: WaiverEvent[];
}

/**
 * What was decided about a personal-data breach: notifiable to the
 * supervisory authority or not (art. 33(1)), communicated to the data
 * subjects, or exempt from that communication (art. 34(3)). @public
 */
export type BreachDecisionKind =
  | 'notifiable'
  | 'not_notifiable'
  | 'communicated'
  | 'communication_exempt';

/** Every decision kind. @public */
export const BREACH_DECISION_KINDS: readonly BreachDecisionKind[] = [
  'notifiable',
  'not_notifiable',
  'communicated',
  'communication_exempt',
];

/** The art. 34(3) exemptions from communicating a breach. @public */
export const BREACH_COMMUNICATION_EXEMPTIONS = [
  '34(3)(a)',
  '34(3)(b)',
  '34(3)(c)',
] as const;

/** A recorded decision on a personal-data breach; never changed. @public */
export interface BreachDecision {
  id: string;
  /** The breach's incident number. */
  breachRef: string;
  decision: BreachDecisionKind;
  /** Whether the breach is likely to result in a high risk (art. 34(1)). */
  highRisk?: boolean;
  /** When the supervisory authority was notified (notifiable). */
  notifiedAt?: string;
  /** The reasons for notifying after 72 hours (art. 33(1)). */
  delayReason?: string;
  /** The art. 34(3) exemption relied on (communication_exempt). */
  exemption?: string;
  decidedBy: string;
  decidedAt: string;
  reason: string;
  /** Link to the record of the decision (DPO note, authority case). */
  link?: string;
  recordedBy: string;
  recordedAt: string;
}

/** @public */
export type SnapshotTrigger = 'scheduled' | 'manual' | 'entity';

/** One evaluation run; its results never change once stored. @public */
export interface ComplianceSnapshot {
  id: string;
  takenAt: string;
  trigger: SnapshotTrigger;
  /** `all`, or the entity ref of a single-entity run. */
  scope: string;
  /** Hash of the check definitions and thresholds in force. */
  catalogueHash: string;
  /** Hash of the stored results, so tampering can be detected. */
  contentHash: string;
  /**
   * Link of the hash chain: covers this snapshot's fields, content hash
   * and `prevHash`, the link of the snapshot stored before it. Absent on
   * snapshots stored before the chain existed.
   */
  chainHash?: string;
  prevHash?: string;
  /**
   * Hash of the attestations in force when the snapshot was taken, which
   * it records and its chain hash covers. Absent on snapshots taken before
   * snapshots recorded attestations.
   */
  attestationsHash?: string;
  entityCount: number;
  resultCount: number;
  durationMs: number;
}

/** Counts of results per status. @public */
export type StatusCounts = Record<ComplianceStatus, number>;

/** The roll-up of one control for one entity or a population. @public */
export interface ControlStatus {
  framework: string;
  control: string;
  status: ComplianceStatus | 'manual';
  checks: string[];
}
