import type {
  AttestedControlStatus,
  ComplianceAttestation,
  SoaContent,
  SoaVersion,
} from '@backstage-itops/plugin-itops-common';
import { ResponseError } from '@backstage/errors';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { useMemo } from 'react';

/** A control's attestation state per entity, as the backend answers it. */
export interface ControlAttestations {
  framework: string;
  control: string;
  checks: string[];
  entities: Array<{
    entityRef: string;
    status: AttestedControlStatus;
    automatedStatus: AttestedControlStatus;
    reason?: string;
    attestationId?: string;
  }>;
  history: ComplianceAttestation[];
}

/** The attestation register and SoA routes of the ITOps backend. */
export interface ComplianceRegisterClient {
  controlAttestations(
    framework: string,
    control: string,
  ): Promise<ControlAttestations>;
  attest(
    framework: string,
    control: string,
    body: {
      entityRef: string;
      statement: string;
      evidenceUrl: string;
      expiresAt: string;
    },
  ): Promise<ComplianceAttestation>;
  expiringAttestations(days: number): Promise<ComplianceAttestation[]>;
  soaDraft(): Promise<SoaContent>;
  soaVersions(): Promise<Array<Omit<SoaVersion, 'content'>>>;
  soaVerify(): Promise<{
    ok: boolean;
    checked: number;
    broken: Array<{ version: number; problem: string }>;
  }>;
  approveSoa(comment?: string): Promise<SoaVersion>;
  /** An export's text, fetched with the user's credentials. */
  soaExport(version: number, format: 'csv' | 'json' | 'html'): Promise<string>;
}

/*
 * The register's routes are kept out of ItopsApi for now so the two can
 * evolve separately; they share the same discovery and fetch APIs, so
 * authentication and error handling are the app's.
 */
export function useComplianceRegister(): ComplianceRegisterClient {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(() => {
    async function raw(path: string, init?: RequestInit): Promise<Response> {
      const base = await discoveryApi.getBaseUrl('itops');
      const response = await fetchApi.fetch(`${base}${path}`, init);
      if (!response.ok) throw await ResponseError.fromResponse(response);
      return response;
    }
    const call = async <T>(path: string, init?: RequestInit): Promise<T> =>
      (await (await raw(path, init)).json()) as T;
    const post = <T>(path: string, body: object) =>
      call<T>(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const controlPath = (framework: string, control: string) =>
      `/compliance/controls/${encodeURIComponent(
        framework,
      )}/${encodeURIComponent(control)}/attestations`;
    return {
      controlAttestations: (framework, control) =>
        call(controlPath(framework, control)),
      attest: (framework, control, body) =>
        post(controlPath(framework, control), body),
      expiringAttestations: async days =>
        (
          await call<{ items: ComplianceAttestation[] }>(
            `/compliance/attestations/expiring?days=${days}`,
          )
        ).items,
      soaDraft: () => call('/compliance/soa/draft'),
      soaVersions: async () =>
        (
          await call<{ items: Array<Omit<SoaVersion, 'content'>> }>(
            '/compliance/soa/versions',
          )
        ).items,
      soaVerify: () => call('/compliance/soa/verify'),
      approveSoa: comment =>
        post('/compliance/soa/versions', comment ? { comment } : {}),
      soaExport: async (version, format) =>
        (
          await raw(
            `/compliance/soa/versions/${version}/export?format=${format}`,
          )
        ).text(),
    };
  }, [discoveryApi, fetchApi]);
}
