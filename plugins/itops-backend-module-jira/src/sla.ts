import {
  SourceRequestError,
  type SyncPartial,
} from '@backstage-itops/plugin-itops-node';
import type { JiraClient } from './client/JiraClient';
import type { JiraIssue, JsmSla } from './client/types';
import type { JiraSiteConfig } from './config';
import type { JiraField } from './fields';
import { slaFacts } from './mapping';

/**
 * JSM SLAs of incidents: read from the issue search itself, where the
 * site's SLA metrics are custom fields (`sd-servicelevelagreement`, key
 * `com.atlassian.servicedesk:sd-sla-field`) whose value is the object the
 * request SLA endpoint lists. Only what the search cannot return (a metric
 * without such a field, or a field the answer leaves out) is asked per
 * issue at `/rest/servicedeskapi/request/{key}/sla`, at most
 * `sla.maxRequestsPerRun` times per run.
 */

const SLA_FIELD_KEY = 'com.atlassian.servicedesk:sd-sla-field';
const SLA_FIELD_TYPE = 'sd-servicelevelagreement';

export const SLA_CALL = 'GET /rest/servicedeskapi/request/{issueKey}/sla';

type SlaSettings = JiraSiteConfig['sla'];
export type SlaFacts = ReturnType<typeof slaFacts>;

/** The ids of the SLA fields of the two metrics, found by name; absent when the site has none. */
export interface SlaFieldIds {
  resolution?: string;
  response?: string;
}

export function resolveSlaFields(
  fields: readonly JiraField[],
  settings: Pick<SlaSettings, 'resolutionMetric' | 'responseMetric'>,
): SlaFieldIds {
  const slaFields = fields.filter(
    field =>
      field.schema?.custom === SLA_FIELD_KEY ||
      field.schema?.type === SLA_FIELD_TYPE,
  );
  const byName = (name: string) =>
    slaFields.find(
      field => field.name.trim().toLowerCase() === name.trim().toLowerCase(),
    )?.id;
  const result: SlaFieldIds = {};
  const resolution = byName(settings.resolutionMetric);
  const response = byName(settings.responseMetric);
  if (resolution) {
    result.resolution = resolution;
  }
  if (response) {
    result.response = response;
  }
  return result;
}

/** The SLA field ids a search asks for. */
export function slaSearchFields(ids: SlaFieldIds): string[] {
  return [ids.resolution, ids.response].filter(
    (id): id is string => id !== undefined,
  );
}

function isSlaValue(value: unknown): value is JsmSla {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SLA facts of one run's incidents, counting the per-issue requests. */
export class SlaReader {
  readonly #client: JiraClient;
  readonly #settings: SlaSettings;
  readonly #ids: SlaFieldIds;
  /** Per-issue SLA requests made this run. */
  requests = 0;
  /** Incidents left without SLA facts because the cap was reached. */
  skipped = 0;
  /** Incidents whose SLA request failed after its retries (429, 5xx, network). */
  failed = 0;

  constructor(client: JiraClient, settings: SlaSettings, ids: SlaFieldIds) {
    this.#client = client;
    this.#settings = settings;
    this.#ids = ids;
  }

  /**
   * The SLA facts of an issue from its search fields; from the request
   * SLA endpoint when the search could not return them and the cap allows;
   * `unknown` when the cap was reached or the request failed for good: the
   * incident is stored with its stored SLA facts kept, and the run is
   * partial. One issue's failed SLA request never fails the run.
   */
  async facts(
    issue: JiraIssue,
    signal: AbortSignal,
  ): Promise<SlaFacts | 'unknown'> {
    const fromSearch = this.#fromSearch(issue);
    if (fromSearch) {
      return fromSearch;
    }
    if (this.requests >= this.#settings.maxRequestsPerRun) {
      this.skipped++;
      return 'unknown';
    }
    this.requests++;
    try {
      return slaFacts(
        await this.#client.slas(issue.key, signal),
        this.#settings,
      );
    } catch (error) {
      if (signal.aborted || !(error instanceof SourceRequestError)) {
        throw error;
      }
      this.failed++;
      return 'unknown';
    }
  }

  /** Partial-run notes for what the cap or failures left out, if anything. */
  partial(): SyncPartial[] {
    // The same words on every page, so the run names each gap once; the
    // incidents themselves are all stored, their SLA facts kept as stored.
    return [
      ...(this.skipped === 0
        ? []
        : [
            {
              call: SLA_CALL,
              reason: `per-run cap of ${
                this.#settings.maxRequestsPerRun
              } requests reached`,
              lost: 'fresh SLA facts of the incidents past the cap',
              recordsComplete: true,
            },
          ]),
      ...(this.failed === 0
        ? []
        : [
            {
              call: SLA_CALL,
              reason: 'failed after retries',
              lost: 'fresh SLA facts of the incidents whose request failed',
              recordsComplete: true,
            },
          ]),
    ];
  }

  #fromSearch(issue: JiraIssue): SlaFacts | undefined {
    const { resolution, response } = this.#ids;
    const ids = [resolution, response];
    // Both metrics must come with the search: a field the site lacks, or
    // one the answer left out, is only known from the request itself.
    if (ids.some(id => id === undefined || !(id in issue.fields))) {
      return undefined;
    }
    const slas: JsmSla[] = [];
    const names = [
      this.#settings.resolutionMetric,
      this.#settings.responseMetric,
    ];
    ids.forEach((id, index) => {
      const value = issue.fields[id!];
      if (isSlaValue(value)) {
        // Named as configured: the field was found by that name.
        slas.push({ ...value, name: names[index] });
      }
    });
    return slaFacts(slas, this.#settings);
  }
}
