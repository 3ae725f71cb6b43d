import type {
  BreachDecision,
  CheckDefinition,
  CheckMapping,
  CheckResult,
  CheckThresholds,
  ComplianceControl,
  ComplianceFramework,
  ComplianceSnapshot,
  ComplianceStatus,
  ComplianceWaiver,
  StatusCounts,
} from './types';

/*
 * Response bodies of the compliance API under `/api/itops/compliance`, shared
 * by the backend that builds them and the frontend client that reads them.
 */

/** A status, or `manual` for a control no check evidences. @public */
export type ControlRollUp = ComplianceStatus | 'manual';

/** A stored result with the context it was evaluated in. @public */
export interface ComplianceResultView extends CheckResult {
  snapshotId: string;
  takenAt: string;
  ownerRef?: string;
  systemRef?: string;
  tier?: number;
}

/** One control in the organisation heatmap. @public */
export interface ComplianceHeatmapControl
  extends Pick<ComplianceControl, 'id' | 'label' | 'theme' | 'evidence'> {
  checks: string[];
  status: ControlRollUp;
  /** Entities per rolled-up status. */
  entityCounts: Partial<Record<ControlRollUp, number>>;
  /** Entities with at least one exempt (waived) result under the control. */
  waivedEntities: number;
  /** Entities the control was judged on (not all not applicable). */
  judgedEntities: number;
}

/** A ranked team or service. @public */
export interface ComplianceRanking {
  score: number | null;
  fail: number;
  warn: number;
  noData: number;
}

/** `GET /compliance/overview`. @public */
export interface ComplianceOverview {
  snapshot: ComplianceSnapshot | null;
  filter: {
    framework?: string;
    ownerRef?: string;
    systemRef?: string;
    tier?: number;
  };
  entityCount: number;
  counts: StatusCounts;
  /** pass / (pass + warn + fail + no_data + error + exempt); see `complianceScore`. */
  score: number | null;
  /** Exempt counted as pass: what the waivers claim, shown only beside `score`. */
  scoreIfWaiversHeld: number | null;
  frameworks: Array<{
    id: string;
    name: string;
    version: string;
    attribution?: string;
    score: number | null;
    scoreIfWaiversHeld: number | null;
    counts: StatusCounts;
    controlCounts: Partial<Record<ControlRollUp, number>>;
    controls: ComplianceHeatmapControl[];
  }>;
  checks: Array<{ id: string; title: string; counts: StatusCounts }>;
  worstServices: Array<ComplianceRanking & { entityRef: string }>;
  worstTeams: Array<ComplianceRanking & { ownerRef: string }>;
  trend: Array<{
    snapshotId: string;
    takenAt: string;
    counts: Partial<Record<ComplianceStatus, number>>;
  }>;
}

/** `GET /compliance/frameworks/{framework}/controls/{control}`. @public */
export interface ComplianceControlView {
  snapshot: ComplianceSnapshot | null;
  framework: { id: string; name: string; attribution?: string };
  control: ComplianceControl;
  checks: CheckDefinition[];
  status: ControlRollUp;
  counts: Partial<Record<ControlRollUp, number>>;
  /** Entities with a waived result under the control, of `judgedEntities`. */
  waivedEntities: number;
  judgedEntities: number;
  entities: Array<{
    entityRef: string;
    ownerRef?: string;
    systemRef?: string;
    tier?: number;
    status: ControlRollUp;
    /** Checks of the control waived for this entity. */
    waivedChecks: string[];
    results: ComplianceResultView[];
  }>;
}

/** `GET /compliance/entities/{kind}/{namespace}/{name}`. @public */
export interface EntityComplianceScorecard {
  entityRef: string;
  snapshotId?: string;
  evaluatedAt?: string;
  score: number | null;
  scoreIfWaiversHeld: number | null;
  counts: StatusCounts;
  results: Array<
    ComplianceResultView & {
      title: string;
      remediation?: string;
      mappings: CheckMapping[];
    }
  >;
  frameworks: Array<{
    id: string;
    name: string;
    controls: Array<Omit<ComplianceHeatmapControl, 'entityCounts'>>;
  }>;
  waivers: ComplianceWaiver[];
}

/** `GET /compliance/frameworks`. @public */
export interface ComplianceCatalogue {
  frameworks: ComplianceFramework[];
  checks: Array<
    CheckDefinition & {
      thresholdsInForce?: CheckThresholds;
      tierThresholds: Record<string, CheckThresholds>;
    }
  >;
}

/** `POST /compliance/waivers`. @public */
export interface ComplianceWaiverRequest {
  checkId: string;
  entityRef: string;
  justification: string;
  compensatingControl?: string;
  /** ISO 8601 date-time. */
  expiresAt: string;
}

/** Filters of the organisation views; `at` shows a past date. @public */
export interface ComplianceQuery {
  framework?: string;
  /** Owner group ref, e.g. `group:default/payments`. */
  team?: string;
  /** System ref. */
  system?: string;
  tier?: number;
  /** ISO 8601 date or date-time. */
  at?: string;
}

/**
 * Where a personal-data breach stands under art. 33(1): no decision yet,
 * decided notifiable but not yet notified, notified, or decided not
 * notifiable. @public
 */
export type BreachDecisionState =
  | 'undecided'
  | 'notifiable'
  | 'notified'
  | 'not_notifiable';

/** A personal-data breach from the breach sources, with its decisions. @public */
export interface ComplianceBreach {
  /** The incident number, which the decisions API takes. */
  breachRef: string;
  title: string;
  /** The source record. */
  url?: string;
  priority: number;
  state: string;
  openedAt: string;
  /** When the organisation became aware; absent when the source has none. */
  awareAt?: string;
  /** Awareness + 72 h (art. 33(1)); absent without an awareness time. */
  deadline?: string;
  /** When the authority was notified, from the source or a recorded decision. */
  notifiedAt?: string;
  decisionState: BreachDecisionState;
  /** Undecided or not notified, and the 72 hours have passed. */
  overdue: boolean;
  /** The latest art. 34(1) risk assessment recorded. */
  highRisk?: boolean;
  /** The newest art. 34 decision: communicated or exempt. */
  communication?: 'communicated' | 'communication_exempt';
  /** The services the breach is linked to. */
  entityRefs: string[];
  /** Every recorded decision, oldest first (append-only). */
  decisions: BreachDecision[];
}

/** A page of breaches, newest awareness first. @public */
export interface ComplianceBreachList {
  /** The legal deadline from awareness, in hours (72, not configurable). */
  deadlineHours: number;
  total: number;
  offset: number;
  limit: number;
  items: ComplianceBreach[];
}

/** `POST /compliance/breaches/{ref}/decisions`. @public */
export interface ComplianceBreachDecisionRequest {
  decision: BreachDecision['decision'];
  reason: string;
  highRisk?: boolean;
  /** ISO 8601 date-time; only on a `notifiable` decision. */
  notifiedAt?: string;
  delayReason?: string;
  /** One of the art. 34(3) exemptions, for `communication_exempt`. */
  exemption?: string;
  link?: string;
  /** ISO 8601 date-time; defaults to when it is recorded. */
  decidedAt?: string;
}
