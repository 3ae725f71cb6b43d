import type { ComplianceAttestation } from '@backstage-itops/plugin-itops-common';
import { attestationsHashOf } from './snapshotChain';

/**
 * An attestation as a snapshot records it: the register's row with the
 * state it had when the snapshot was taken (`active`, or `expired`, which
 * makes a manual control `no_data`). Its events are left out: the state
 * is what the snapshot relied on, and the register keeps the history.
 */
export type SnapshotAttestation = Omit<ComplianceAttestation, 'events'>;

/** Where a run reads the attestations in force at its time. */
export interface AttestationsInForce {
  current(at: number): Promise<Map<string, ComplianceAttestation>>;
}

/**
 * The attestations in force at `at` as a snapshot of `scope` records them
 * (all of them for a run of every entity, the entity's own for a
 * single-entity run), in a stable order so their hash does not depend on
 * the order the register returned them in.
 */
export async function attestationsForSnapshot(
  register: AttestationsInForce,
  at: number,
  scope: string,
): Promise<SnapshotAttestation[]> {
  const entityRef =
    scope === 'all' ? undefined : scope.toLocaleLowerCase('en-US');
  return [...(await register.current(at)).values()]
    .filter(a => entityRef === undefined || a.entityRef === entityRef)
    .map(
      (a): SnapshotAttestation => ({
        id: a.id,
        framework: a.framework,
        control: a.control,
        entityRef: a.entityRef,
        statement: a.statement,
        evidenceUrl: a.evidenceUrl,
        attestedBy: a.attestedBy,
        attestedAt: a.attestedAt,
        expiresAt: a.expiresAt,
        state: a.state,
      }),
    )
    .sort(
      (a, b) =>
        a.framework.localeCompare(b.framework) ||
        a.control.localeCompare(b.control) ||
        a.entityRef.localeCompare(b.entityRef),
    );
}

/** The columns a snapshot row stores its attestations in. */
export function attestationColumns(
  attestations: readonly SnapshotAttestation[] | undefined,
): { attestations: string | null; attestations_hash: string | null } {
  if (!attestations) return { attestations: null, attestations_hash: null };
  const json = JSON.stringify(attestations);
  return { attestations: json, attestations_hash: attestationsHashOf(json) };
}

/**
 * A snapshot's recorded attestations, or undefined when it was taken
 * before snapshots recorded them.
 */
export function parseSnapshotAttestations(
  json: string | null | undefined,
): SnapshotAttestation[] | undefined {
  return json === null || json === undefined
    ? undefined
    : (JSON.parse(json) as SnapshotAttestation[]);
}
