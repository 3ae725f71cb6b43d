import type { ItopsMappingConflict } from './mapping';
import type {
  BreachDecision,
  ComplianceBreachDecisionRequest,
  ComplianceBreachList,
  ComplianceCatalogue,
  ComplianceControlView,
  ComplianceOverview,
  ComplianceQuery,
  ComplianceWaiver,
  ComplianceWaiverRequest,
  WaiverStatus,
  EntityComplianceScorecard,
  ItopsHealth,
  AttestedControlStatus,
  ComplianceAttestation,
  SoaContent,
  SoaVersion,
} from '@backstage-itops/plugin-itops-common';
import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ItopsCalendarChange,
  ItopsCalendarDays,
  ItopsCalendarFeedToken,
  ItopsCalendarFilters,
  ItopsCalendarRange,
  ItopsChangeDetail,
  ItopsFreezeStatus,
  ItopsFreezeWindow,
} from '../components/ChangeCalendar/types';
import type {
  ItopsBackupJobDetail,
  ItopsChange,
  ItopsEntityKpis,
  ItopsEntityKpiTrend,
  ItopsKpiTrendQuery,
  ItopsEntitySummary,
  ItopsFreshness,
  ItopsIncident,
  ItopsIncidentDetail,
  ItopsIncidentQuery,
  ItopsOnCallDetail,
  ItopsOrigin,
  ItopsPage,
  ItopsRangeQuery,
  ItopsSyncStatus,
} from './types';

/**
 * The client of the ITOps backend used by every ITOps component.
 *
 * @public
 */
export interface ItopsApi {
  /** Backend and database health, and the source instances it knows. */
  getHealth(): Promise<ItopsHealth>;

  // Entity reads. `entityRef` is a full ref such as
  // `component:default/payments-api`; areas the user may not read reject
  // with a 403 ResponseError (the summary and KPIs mark them instead).

  /** On-call, open incidents, next change, freeze and backup health at once. */
  getEntitySummary(entityRef: string): Promise<ItopsEntitySummary>;
  /** The entity's incidents, newest first and open only by default. */
  getEntityIncidents(
    entityRef: string,
    query?: ItopsIncidentQuery,
  ): Promise<ItopsPage<ItopsIncident>>;
  /**
   * One incident by the origin list items carry, with the entities it is
   * linked to; a 404 ResponseError when missing or linked to no entity.
   */
  getIncident(origin: ItopsOrigin): Promise<ItopsIncidentDetail>;
  /** Changes whose planned window overlaps the range (default now ± 30 days). */
  getEntityChanges(
    entityRef: string,
    query?: ItopsRangeQuery,
  ): Promise<{ items: ItopsChange[] }>;
  /** Who is on call now and next, per escalation level. */
  getEntityOnCall(entityRef: string): Promise<ItopsOnCallDetail>;
  /** Backup jobs with their recent runs and derived health. */
  getEntityBackups(
    entityRef: string,
  ): Promise<{ jobs: ItopsBackupJobDetail[] }>;
  /** KPIs over a window (default: the backend's KPI window, 90 days). */
  getEntityKpis(
    entityRef: string,
    query?: ItopsRangeQuery,
  ): Promise<ItopsEntityKpis>;
  /**
   * MTTR, MTBF, change and backup success rate per bucket of a window
   * (default: the backend's KPI window in 12 buckets), in one request.
   */
  getEntityKpiTrend(
    entityRef: string,
    query?: ItopsKpiTrendQuery,
  ): Promise<ItopsEntityKpiTrend>;
  /**
   * How old each source's data is, for the areas the user may read; no
   * error details, so it needs no sync-status permission.
   */
  getFreshness(): Promise<{ items: ItopsFreshness[] }>;
  /** Freshness and last error of every source instance and capability. */
  getSyncStatus(): Promise<{ items: ItopsSyncStatus[] }>;
  /** Withheld and refused claims of source objects; needs `itops.sync-status.read`. */
  getMappingConflicts(): Promise<{ items: ItopsMappingConflict[] }>;

  // Change calendar (itops.change.read).

  /** A page of the changes overlapping a range (≤ 92 days), by planned start. */
  getChangeCalendar(
    query: ItopsCalendarRange &
      ItopsCalendarFilters & { limit?: number; offset?: number },
  ): Promise<ItopsPage<ItopsCalendarChange>>;
  /** Per day in a time zone: the count and the first `perDay` changes. */
  getChangeCalendarDays(
    query: ItopsCalendarRange &
      ItopsCalendarFilters & { timeZone?: string; perDay?: number },
  ): Promise<ItopsCalendarDays>;
  /** One change with its entities, conflicts (with reasons) and freezes. */
  getCalendarChange(id: string): Promise<ItopsChangeDetail>;
  /** Synced and configured freeze windows overlapping a range. */
  getFreezeWindows(
    range: ItopsCalendarRange,
  ): Promise<{ items: ItopsFreezeWindow[] }>;
  /** Whether a change on the entity at `at` (until `end`) falls in a freeze. */
  getFreezeStatus(query: {
    entityRef: string;
    at?: string;
    end?: string;
  }): Promise<ItopsFreezeStatus>;
  /** The signed-in user's calendar feed tokens. */
  listCalendarFeedTokens(): Promise<{ items: ItopsCalendarFeedToken[] }>;
  /** A new feed token; `token` is shown this once. */
  createCalendarFeedToken(
    name: string,
  ): Promise<ItopsCalendarFeedToken & { token: string }>;
  revokeCalendarFeedToken(id: number): Promise<void>;
  /**
   * Replaces a feed token by a new one of the same name with a new expiry;
   * the old one stops working at once. `token` is shown this once.
   */
  rotateCalendarFeedToken(
    id: number,
  ): Promise<ItopsCalendarFeedToken & { token: string }>;
  /** The subscribable iCalendar URL of a filter combination. */
  getCalendarFeedUrl(
    token: string,
    filters: ItopsCalendarFilters,
  ): Promise<string>;

  // Compliance: reads need itops.compliance.read; waiver requests and
  // decisions have permissions of their own (403 ResponseError otherwise).

  /** Organisation scores, control heatmap, worst teams and services, trend. */
  getComplianceOverview(query?: ComplianceQuery): Promise<ComplianceOverview>;
  /** One control: its checks and every entity's status with evidence. */
  getComplianceControl(
    framework: string,
    control: string,
    query?: ComplianceQuery,
  ): Promise<ComplianceControlView>;
  /** The entity's scorecard, now or at a past date (404 when never evaluated). */
  getEntityCompliance(
    entityRef: string,
    query?: { at?: string },
  ): Promise<EntityComplianceScorecard>;
  /** Frameworks, controls and check definitions with thresholds in force. */
  getComplianceCatalogue(): Promise<ComplianceCatalogue>;
  /** Evaluates one entity now (itops.compliance.evaluate). */
  evaluateEntityCompliance(entityRef: string): Promise<void>;
  requestComplianceWaiver(
    request: ComplianceWaiverRequest,
  ): Promise<ComplianceWaiver>;
  decideComplianceWaiver(
    id: string,
    action: 'approve' | 'reject' | 'revoke',
    comment?: string,
  ): Promise<ComplianceWaiver>;
  /** Waivers, optionally of one status (the approvers' inbox). */
  listComplianceWaivers(query?: {
    status?: WaiverStatus;
    entityRef?: string;
    checkId?: string;
  }): Promise<ComplianceWaiver[]>;
  /** Approved waivers that expire within `days` (default 30). */
  getExpiringComplianceWaivers(days?: number): Promise<ComplianceWaiver[]>;
  /** Personal-data breaches with the legal deadline and their decisions. */
  listComplianceBreaches(query?: {
    overdue?: boolean;
    offset?: number;
    limit?: number;
  }): Promise<ComplianceBreachList>;
  /** Appends a decision on a breach (itops.compliance.breach.decide). */
  recordBreachDecision(
    breachRef: string,
    decision: ComplianceBreachDecisionRequest,
  ): Promise<BreachDecision>;
  /** All results of a snapshot with evidence links, for auditors. */
  downloadComplianceExport(
    snapshotId: string,
    format: 'csv' | 'json',
  ): Promise<Blob>;
  /** The printable HTML report of a framework at a date (default: latest). */
  getComplianceReport(framework: string, at?: string): Promise<string>;
  /** A control's attestation status per entity and its full history. */
  getControlAttestations(
    framework: string,
    control: string,
  ): Promise<ItopsControlAttestations>;
  /**
   * Attests a control for an entity. The backend decides who may: an owner
   * of the entity or a holder of `itops.compliance.attest`.
   */
  attestControl(
    framework: string,
    control: string,
    body: ItopsAttestationRequest,
  ): Promise<ComplianceAttestation>;
  /** Attestations in force that expire within `days`, soonest first. */
  getExpiringAttestations(days: number): Promise<ComplianceAttestation[]>;
  /** What a new Statement of Applicability version would state today. */
  getSoaDraft(): Promise<SoaContent>;
  /** The approved SoA versions, without their content. */
  listSoaVersions(): Promise<Array<Omit<SoaVersion, 'content'>>>;
  /** Whether the SoA versions' hash chain holds. */
  verifySoa(): Promise<ItopsSoaVerification>;
  /** Approves today's draft as a new SoA version. */
  approveSoa(comment?: string): Promise<SoaVersion>;
  /** An SoA version's export as text, rendered from what it stored. */
  getSoaExport(
    version: number,
    format: 'csv' | 'json' | 'html',
  ): Promise<string>;
}

/**
 * A control's attestation state per entity, as the backend answers it.
 * `ownerRef` is the entity's owner as compliance evaluated it, so the UI
 * can offer owners the Attest action.
 *
 * @public
 */
export interface ItopsControlAttestations {
  framework: string;
  control: string;
  checks: string[];
  entities: Array<{
    entityRef: string;
    ownerRef?: string;
    status: AttestedControlStatus;
    automatedStatus: AttestedControlStatus;
    reason?: string;
    attestationId?: string;
  }>;
  history: ComplianceAttestation[];
}

/** The body of an attestation. @public */
export interface ItopsAttestationRequest {
  entityRef: string;
  statement: string;
  evidenceUrl: string;
  expiresAt: string;
}

/** The SoA hash chain's verification. @public */
export interface ItopsSoaVerification {
  ok: boolean;
  checked: number;
  broken: Array<{ version: number; problem: string }>;
}

/**
 * The ref of {@link ItopsApi}.
 *
 * @public
 */
export const itopsApiRef = createApiRef<ItopsApi>({
  id: 'plugin.itops.client',
});
