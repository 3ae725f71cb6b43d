import {
  type BreachDecision,
  findComplianceCheck,
} from '@backstage-itops/plugin-itops-common';

/*
 * The record columns the rules read, as the loaders hand them over: times
 * in epoch ms, absent values undefined. Rules are pure functions of these
 * rows, so each boundary can be tested without a database.
 */

export interface IncidentRow {
  number: string;
  url?: string;
  priority: number;
  state: string;
  openedAt: number;
  acknowledgedAt?: number;
  resolvedAt?: number;
  assignmentGroup?: string;
  assignedAt?: number;
  /** The linked post-incident review's reference, if any. */
  reviewReference?: string;
  /** false while the linked review is in progress; undefined if unknown. */
  reviewCompleted?: boolean;
  reviewCompletedAt?: number;
  /**
   * Whether the linked review records a root cause. A linked record
   * without one (a problem opened and left empty) is not a review.
   */
  reviewHasRootCause?: boolean;
  /**
   * The review's source cannot say whether it records a root cause (e.g.
   * no Jira root cause field configured): judged no_data, not missing.
   */
  reviewRootCauseUnknown?: boolean;
  major: boolean;
  security: boolean;
  personalDataBreach: boolean;
  breachAwareAt?: number;
  authorityNotifiedAt?: number;
  notificationDelayReason?: string;
  /** '' read and none; undefined: the source does not provide categories. */
  category?: string;
  subcategory?: string;
  slaMet?: boolean;
  /** Decisions recorded in ITOps on this breach, oldest first. */
  breachDecisions?: BreachDecision[];
}

export interface ChangeRow {
  number: string;
  url?: string;
  type: string;
  state: string;
  plannedStart?: number;
  plannedEnd?: number;
  actualStart?: number;
  actualEnd?: number;
  approval?: string;
  approvedAt?: number;
  outcome?: string;
  /** When the change was raised. */
  openedAt?: number;
  /** '' read and none; undefined: the source does not provide categories. */
  category?: string;
  /** The source's user ids of requester and implementer (SOD-01). */
  requestedBy?: string;
  implementedBy?: string;
}

export interface FreezeRow {
  name: string;
  url?: string;
  start: number;
  end: number;
}

export interface ShiftRow {
  scheduleName: string;
  personName: string;
  start: number;
  end: number;
  escalationLevel: number;
  url?: string;
}

export interface BackupJobRow {
  name: string;
  url?: string;
  objects: string[];
  enabled?: boolean;
}

export interface BackupRunRow {
  externalId: string;
  jobName: string;
  url?: string;
  kind: string;
  result: string;
  startedAt: number;
  endedAt?: number;
}

export function checkById(id: string) {
  const found = findComplianceCheck(id);
  if (!found) throw new Error(`Unknown compliance check ${id}`);
  return found;
}
