import type { ComplianceStatus } from './types';

/** What happened to an attestation; each is an appended event. @public */
export type AttestationEventKind = 'attested' | 'superseded' | 'revoked';

/** One appended event of the attestation register. @public */
export interface AttestationEvent {
  id: string;
  attestationId: string;
  event: AttestationEventKind;
  actor: string;
  at: string;
  /** For `superseded`: the attestation that replaced it. */
  supersededBy?: string;
  /** For `revoked`: why. */
  reason?: string;
}

/**
 * A person's statement that a control is implemented for an entity, with
 * a link to the evidence and an expiry. Evidence, not proof: see
 * {@link attestedControlStatus}.
 *
 * @public
 */
export interface ComplianceAttestation {
  id: string;
  framework: string;
  control: string;
  entityRef: string;
  statement: string;
  evidenceUrl: string;
  attestedBy: string;
  attestedAt: string;
  expiresAt: string;
  /** `active` until it expires, is replaced by a newer one or is revoked. */
  state: 'active' | 'expired' | 'superseded' | 'revoked';
  events: AttestationEvent[];
}

/** A control's status for an entity once attestations are taken into account. @public */
export type AttestedControlStatus = ComplianceStatus | 'manual' | 'attested';

/** The verdict of {@link attestedControlStatus}. @public */
export interface AttestedControlVerdict {
  status: AttestedControlStatus;
  reason?: string;
  /** The attestation in force (or the expired one), when there is one. */
  attestationId?: string;
}

/**
 * The status of one control for one entity, from its automated roll-up
 * (`rollUpControl`, `manual` when no check evidences it) and the newest
 * attestation that was neither superseded nor revoked.
 *
 * An auditor treats an attestation as evidence, not proof: it is a
 * statement by an accountable person with a link, never a measurement. So
 * - a control with an automated check keeps its automated status; an
 *   attestation beside it is shown but never overrides the evidence
 *   (a failing check stays failing however often someone attests);
 * - a manual control with an attestation in force is `attested`, with an
 *   expired one `no_data` ("attestation expired"), with none `manual`.
 * `attested` is never counted as `pass`: the check score (pass ÷ judged
 * results) stays a measure of automated evidence only, and attested
 * controls are counted on their own, as coverage of the manual controls.
 *
 * @public
 */
export function attestedControlStatus(
  automated: ComplianceStatus | 'manual',
  attestation:
    | Pick<ComplianceAttestation, 'id' | 'state' | 'expiresAt'>
    | undefined,
  now: number,
): AttestedControlVerdict {
  if (automated !== 'manual') {
    return { status: automated };
  }
  if (
    !attestation ||
    attestation.state === 'revoked' ||
    attestation.state === 'superseded'
  ) {
    return { status: 'manual' };
  }
  if (Date.parse(attestation.expiresAt) <= now) {
    return {
      status: 'no_data',
      reason: 'attestation expired',
      attestationId: attestation.id,
    };
  }
  return { status: 'attested', attestationId: attestation.id };
}

/** How a control of a Statement of Applicability is implemented. @public */
export type SoaImplementation =
  | 'automated'
  | 'attested'
  | 'manual'
  | 'excluded';

/** One Annex A control in a Statement of Applicability. @public */
export interface SoaEntry {
  control: string;
  label: string;
  theme: string;
  applicable: boolean;
  /** Why the control is excluded; required when it is not applicable. */
  justification?: string;
  implementation: SoaImplementation;
  /** The checks that evidence the control, with their versions. */
  checks: Array<{ id: string; version: number }>;
  /** Automated score over the mapped checks' results (pass ÷ judged), or null. */
  score: number | null;
  judgedResults: number;
  /** Attestations in force when the version was created. */
  attestations: Array<{
    id: string;
    entityRef: string;
    attestedBy: string;
    expiresAt: string;
    evidenceUrl: string;
  }>;
}

/** What an SoA version stores, hashed as a whole. @public */
export interface SoaContent {
  framework: string;
  frameworkVersion: string;
  /** The snapshot whose results gave the automated scores, if any. */
  snapshotId: string | null;
  entries: SoaEntry[];
}

/** A stored, approved Statement of Applicability version. @public */
export interface SoaVersion {
  id: string;
  version: number;
  approvedBy: string;
  approvedAt: string;
  comment?: string;
  contentHash: string;
  prevHash: string | null;
  chainHash: string;
  content: SoaContent;
}
