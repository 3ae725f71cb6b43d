import type {
  BreachDecision,
  ComplianceBreachDecisionRequest,
  ComplianceBreachList,
  ComplianceCatalogue,
  ComplianceControlView,
  ComplianceOverview,
  ComplianceQuery,
  ComplianceAttestation,
  ComplianceWaiver,
  ComplianceWaiverRequest,
  SoaContent,
  SoaVersion,
  WaiverStatus,
  EntityComplianceScorecard,
  ItopsHealth,
} from '@backstage-itops/plugin-itops-common';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  ItopsApi,
  ItopsAttestationRequest,
  ItopsControlAttestations,
  ItopsSoaVerification,
} from './ItopsApi';
import type { ItopsMappingConflict } from './mapping';
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

type QueryValue = string | number | number[] | undefined;

/**
 * {@link ItopsApi} over HTTP, through Backstage discovery and fetch (which
 * adds the user's token).
 *
 * @public
 */
export class ItopsClient implements ItopsApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;
  /**
   * Requests in flight by URL. The entity tab's cards each load what they
   * need on their own (so that each also works alone on an overview page);
   * sharing identical requests that overlap keeps the tab to one request
   * per resource.
   */
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<ItopsHealth> {
    return this.#get<ItopsHealth>('/health', { acceptedStatus: [503] });
  }

  async getEntitySummary(entityRef: string): Promise<ItopsEntitySummary> {
    return this.#get(entityPath(entityRef, 'summary'));
  }

  async getEntityIncidents(
    entityRef: string,
    query: ItopsIncidentQuery = {},
  ): Promise<ItopsPage<ItopsIncident>> {
    return this.#get(entityPath(entityRef, 'incidents') + queryString(query));
  }

  async getIncident(origin: ItopsOrigin): Promise<ItopsIncidentDetail> {
    const path = [
      origin.sourceType,
      origin.sourceInstance,
      origin.externalId,
    ].map(encodeURIComponent);
    return this.#get(`/incidents/${path.join('/')}`);
  }

  async getEntityChanges(
    entityRef: string,
    query: ItopsRangeQuery = {},
  ): Promise<{ items: ItopsChange[] }> {
    return this.#get(entityPath(entityRef, 'changes') + queryString(query));
  }

  async getEntityOnCall(entityRef: string): Promise<ItopsOnCallDetail> {
    return this.#get(entityPath(entityRef, 'oncall'));
  }

  async getEntityBackups(
    entityRef: string,
  ): Promise<{ jobs: ItopsBackupJobDetail[] }> {
    return this.#get(entityPath(entityRef, 'backups'));
  }

  async getEntityKpis(
    entityRef: string,
    query: ItopsRangeQuery = {},
  ): Promise<ItopsEntityKpis> {
    return this.#get(entityPath(entityRef, 'kpis') + queryString(query));
  }

  async getEntityKpiTrend(
    entityRef: string,
    query: ItopsKpiTrendQuery = {},
  ): Promise<ItopsEntityKpiTrend> {
    return this.#get(entityPath(entityRef, 'kpis/trend') + queryString(query));
  }

  async getFreshness(): Promise<{ items: ItopsFreshness[] }> {
    return this.#get('/freshness');
  }

  async getMappingConflicts(): Promise<{ items: ItopsMappingConflict[] }> {
    return this.#get('/mapping/conflicts');
  }

  async getSyncStatus(): Promise<{ items: ItopsSyncStatus[] }> {
    return this.#get('/sync-status');
  }

  async getChangeCalendar(
    query: ItopsCalendarRange &
      ItopsCalendarFilters & { limit?: number; offset?: number },
  ): Promise<ItopsPage<ItopsCalendarChange>> {
    return this.#get(`/changes${queryString(query)}`);
  }

  async getChangeCalendarDays(
    query: ItopsCalendarRange &
      ItopsCalendarFilters & { timeZone?: string; perDay?: number },
  ): Promise<ItopsCalendarDays> {
    return this.#get(`/calendar/days${queryString(query)}`);
  }

  async getCalendarChange(id: string): Promise<ItopsChangeDetail> {
    return this.#get(`/calendar/changes/${encodeURIComponent(id)}`);
  }

  async getFreezeWindows(
    range: ItopsCalendarRange,
  ): Promise<{ items: ItopsFreezeWindow[] }> {
    return this.#get(`/freeze-windows${queryString(range)}`);
  }

  async getFreezeStatus(query: {
    entityRef: string;
    at?: string;
    end?: string;
  }): Promise<ItopsFreezeStatus> {
    return this.#get(`/freeze-status${queryString(query)}`);
  }

  async listCalendarFeedTokens(): Promise<{ items: ItopsCalendarFeedToken[] }> {
    return this.#get('/calendar/feed-tokens');
  }

  async createCalendarFeedToken(
    name: string,
  ): Promise<ItopsCalendarFeedToken & { token: string }> {
    return this.#post('/calendar/feed-tokens', { name });
  }

  async rotateCalendarFeedToken(
    id: number,
  ): Promise<ItopsCalendarFeedToken & { token: string }> {
    return this.#post(`/calendar/feed-tokens/${id}/rotate`, {});
  }

  async revokeCalendarFeedToken(id: number): Promise<void> {
    await this.#fetch(`/calendar/feed-tokens/${id}`, { method: 'DELETE' });
  }

  async getCalendarFeedUrl(
    token: string,
    filters: ItopsCalendarFilters,
  ): Promise<string> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('itops');
    return `${baseUrl}/calendar.ics${queryString({ ...filters, token })}`;
  }

  async getComplianceOverview(
    query: ComplianceQuery = {},
  ): Promise<ComplianceOverview> {
    return this.#get(`/compliance/overview${queryString(query)}`);
  }

  async getComplianceControl(
    framework: string,
    control: string,
    query: ComplianceQuery = {},
  ): Promise<ComplianceControlView> {
    const { framework: _ignored, ...rest } = query;
    return this.#get(
      `/compliance/frameworks/${encodeURIComponent(
        framework,
      )}/controls/${encodeURIComponent(control)}${queryString(rest)}`,
    );
  }

  async getEntityCompliance(
    entityRef: string,
    query: { at?: string } = {},
  ): Promise<EntityComplianceScorecard> {
    return this.#get(`${complianceEntityPath(entityRef)}${queryString(query)}`);
  }

  async getComplianceCatalogue(): Promise<ComplianceCatalogue> {
    return this.#get('/compliance/frameworks');
  }

  async evaluateEntityCompliance(entityRef: string): Promise<void> {
    await this.#post(`${complianceEntityPath(entityRef)}/evaluate`, {});
  }

  async requestComplianceWaiver(
    request: ComplianceWaiverRequest,
  ): Promise<ComplianceWaiver> {
    return this.#post('/compliance/waivers', request);
  }

  async decideComplianceWaiver(
    id: string,
    action: 'approve' | 'reject' | 'revoke',
    comment?: string,
  ): Promise<ComplianceWaiver> {
    return this.#post(
      `/compliance/waivers/${encodeURIComponent(id)}/${action}`,
      action === 'revoke' ? { reason: comment } : { comment },
    );
  }

  async listComplianceWaivers(
    query: { status?: WaiverStatus; entityRef?: string; checkId?: string } = {},
  ): Promise<ComplianceWaiver[]> {
    const { items } = await this.#get<{ items: ComplianceWaiver[] }>(
      `/compliance/waivers${queryString(query)}`,
    );
    return items;
  }

  async getExpiringComplianceWaivers(
    days?: number,
  ): Promise<ComplianceWaiver[]> {
    const { items } = await this.#get<{ items: ComplianceWaiver[] }>(
      `/compliance/waivers/expiring${queryString({ days })}`,
    );
    return items;
  }

  async listComplianceBreaches(
    query: { overdue?: boolean; offset?: number; limit?: number } = {},
  ): Promise<ComplianceBreachList> {
    return this.#get(
      `/compliance/breaches${queryString({
        ...query,
        overdue:
          query.overdue === undefined ? undefined : String(query.overdue),
      })}`,
    );
  }

  async recordBreachDecision(
    breachRef: string,
    decision: ComplianceBreachDecisionRequest,
  ): Promise<BreachDecision> {
    return this.#post(
      `/compliance/breaches/${encodeURIComponent(breachRef)}/decisions`,
      decision,
    );
  }

  async downloadComplianceExport(
    snapshotId: string,
    format: 'csv' | 'json',
  ): Promise<Blob> {
    const response = await this.#fetch(
      `/compliance/snapshots/${encodeURIComponent(
        snapshotId,
      )}/export${queryString({ format })}`,
    );
    return response.blob();
  }

  async getComplianceReport(framework: string, at?: string): Promise<string> {
    const response = await this.#fetch(
      `/compliance/report${queryString({ framework, at })}`,
    );
    return response.text();
  }

  async getControlAttestations(
    framework: string,
    control: string,
  ): Promise<ItopsControlAttestations> {
    return this.#get(attestationsPath(framework, control));
  }

  async attestControl(
    framework: string,
    control: string,
    body: ItopsAttestationRequest,
  ): Promise<ComplianceAttestation> {
    return this.#post(attestationsPath(framework, control), body);
  }

  async getExpiringAttestations(
    days: number,
  ): Promise<ComplianceAttestation[]> {
    const { items } = await this.#get<{ items: ComplianceAttestation[] }>(
      `/compliance/attestations/expiring${queryString({ days })}`,
    );
    return items;
  }

  async getSoaDraft(): Promise<SoaContent> {
    return this.#get('/compliance/soa/draft');
  }

  async listSoaVersions(): Promise<Array<Omit<SoaVersion, 'content'>>> {
    const { items } = await this.#get<{
      items: Array<Omit<SoaVersion, 'content'>>;
    }>('/compliance/soa/versions');
    return items;
  }

  async verifySoa(): Promise<ItopsSoaVerification> {
    return this.#get('/compliance/soa/verify');
  }

  async approveSoa(comment?: string): Promise<SoaVersion> {
    return this.#post('/compliance/soa/versions', comment ? { comment } : {});
  }

  async getSoaExport(
    version: number,
    format: 'csv' | 'json' | 'html',
  ): Promise<string> {
    const response = await this.#fetch(
      `/compliance/soa/versions/${version}/export${queryString({ format })}`,
    );
    return response.text();
  }

  /** A request whose body is not JSON (exports), failing on non-2xx. */
  async #fetch(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('itops');
    const response = await this.#fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  async #post<T>(path: string, body: object): Promise<T> {
    const response = await this.#fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as T;
  }

  async #get<T>(
    path: string,
    options: { acceptedStatus?: number[] } = {},
  ): Promise<T> {
    const shared = this.#inFlight.get(path);
    if (shared) {
      return shared as Promise<T>;
    }
    const request = this.#request<T>(path, options).finally(() =>
      this.#inFlight.delete(path),
    );
    this.#inFlight.set(path, request);
    return request;
  }

  async #request<T>(
    path: string,
    options: { acceptedStatus?: number[] },
  ): Promise<T> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('itops');
    const response = await this.#fetchApi.fetch(`${baseUrl}${path}`);
    // Some endpoints describe a degraded state in a non-2xx body (health: 503).
    if (!response.ok && !options.acceptedStatus?.includes(response.status)) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** `/compliance/entities/{kind}/{namespace}/{name}`, each part encoded. */
function complianceEntityPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/compliance/entities/${[
    kind.toLocaleLowerCase('en-US'),
    namespace,
    name,
  ]
    .map(encodeURIComponent)
    .join('/')}`;
}

/** `/compliance/controls/{framework}/{control}/attestations`, encoded. */
function attestationsPath(framework: string, control: string): string {
  return `/compliance/controls/${encodeURIComponent(
    framework,
  )}/${encodeURIComponent(control)}/attestations`;
}

/** `/entities/{kind}/{namespace}/{name}/{area}`, each part encoded. */
function entityPath(entityRef: string, area: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/entities/${[kind.toLocaleLowerCase('en-US'), namespace, name]
    .map(encodeURIComponent)
    .join('/')}/${area}`;
}

/**
 * Query string of the defined values. Lists are comma-separated as the API
 * expects; `URLSearchParams` encodes the reserved characters (`:` in times)
 * the API requires encoded.
 */
function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as Array<
    [string, QueryValue]
  >) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      continue;
    }
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
