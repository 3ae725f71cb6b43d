import type { Config } from '@backstage/config';
import type {
  ChangeRecord,
  ChangeState,
  IncidentState,
} from '@backstage-itops/plugin-itops-common';
import {
  readHttpOptions,
  type SourceHttpClientOptions,
  isKnownTimeZone,
} from '@backstage-itops/plugin-itops-node';
import { CHANGE_FIELD_ROLES, type ChangeFieldRole } from './fields';

export type JiraDeployment = 'cloud' | 'datacenter';

/** How the integration authenticates against one site. */
export type JiraAuthConfig =
  | { kind: 'basic'; username: string; secret: string }
  | { kind: 'pat'; token: string }
  | {
      kind: 'oauth';
      clientId: string;
      clientSecret: string;
      /** The refresh token from the consent flow; rotated ones are persisted. */
      refreshToken: string;
      tokenUrl: string;
    };

export interface IssueSyncConfig {
  enabled: boolean;
  /** Issue types selecting the records, unless `jql` is given. */
  issueTypes: string[];
  /** JQL selecting the records instead of the issue types. */
  jql?: string;
}

export interface IncidentConfig extends IssueSyncConfig {
  /** Status name (lower case) → state, before the status category decides. */
  statuses: Record<string, IncidentState>;
  /** Priority name (lower case) → 1..5. */
  priorities: Record<string, 1 | 2 | 3 | 4 | 5>;
  /**
   * Issue types (lower case) of linked post-incident reviews; empty when
   * reviews are not read.
   */
  reviewIssueTypes: string[];
  /**
   * Field id (e.g. `customfield_10050`) of the root cause on the linked
   * review issue. Without it the source cannot say whether a review records
   * a root cause, and INC-04 judges such reviews `no_data`.
   */
  reviewRootCauseField?: string;
  /**
   * Link type names (lower case) whose outward side causes the inward one;
   * a change on the inward side is the incident's cause. Empty: every
   * linked change is `related`.
   */
  causedByLinkTypes: string[];
  /** The label marking capacity incidents (CAP-01); unset: no category read. */
  capacityLabel?: string;
}

export interface ChangeConfig extends IssueSyncConfig {
  statuses: Record<string, ChangeState>;
  /** Status or resolution name (lower case) → outcome. */
  outcomes: Record<string, NonNullable<ChangeRecord['outcome']>>;
  /** The label marking security-patch changes; unset: no category read. */
  patchLabel?: string;
}

export interface JiraSiteConfig {
  name: string;
  /** The site's own URL, for links; also the API base with Basic or PAT auth. */
  baseUrl: string;
  deployment: JiraDeployment;
  auth: JiraAuthConfig;
  /** Needed for JSM Ops and OAuth; read from `/_edge/tenant_info` when unset. */
  cloudId?: string;
  /** Atlassian's API gateway (JSM Ops, OAuth 3LO). */
  atlassianApiUrl: string;
  /** Only these projects, when set. */
  projects: string[];
  incidents: IncidentConfig;
  changes: ChangeConfig;
  /**
   * Labels starting with this prefix name components (prefix stripped) for
   * entity mapping; unset: labels do not map.
   */
  componentLabelPrefix?: string;
  /** Custom field ids set in config, winning over discovery by name. */
  fields: Partial<Record<ChangeFieldRole, string>>;
  sla: {
    enabled: boolean;
    resolutionMetric: string;
    responseMetric: string;
    /** Per-issue SLA requests allowed per run, for what search cannot return. */
    maxRequestsPerRun: number;
  };
  oncall: { enabled: boolean; horizonDays: number };
  /** Re-read this far before the watermark: Jira's search index can lag. */
  overlapMs: number;
  pageSize: number;
  /** Time zone JQL dates are written in; the integration user's when unset. */
  timeZone?: string;
  http: Pick<
    SourceHttpClientOptions,
    | 'maxConcurrency'
    | 'requestsPerSecond'
    | 'timeoutMs'
    | 'timeouts'
    | 'maxResponseBytes'
    | 'retry'
    | 'tls'
  >;
}

const INCIDENT_STATES: readonly IncidentState[] = [
  'new',
  'in_progress',
  'on_hold',
  'resolved',
  'closed',
  'cancelled',
];
const CHANGE_STATES: readonly ChangeState[] = [
  'new',
  'assess',
  'authorize',
  'scheduled',
  'implement',
  'review',
  'closed',
  'cancelled',
];
const OUTCOMES: ReadonlyArray<NonNullable<ChangeRecord['outcome']>> = [
  'successful',
  'successful_with_issues',
  'unsuccessful',
];

/** The JSM IT service management template's workflows. */
const DEFAULT_INCIDENT_STATUSES: Record<string, IncidentState> = {
  pending: 'on_hold',
  closed: 'closed',
  canceled: 'cancelled',
  cancelled: 'cancelled',
};
const DEFAULT_CHANGE_STATUSES: Record<string, ChangeState> = {
  open: 'new',
  planning: 'new',
  'under review': 'assess',
  'peer review': 'assess',
  'awaiting approval': 'authorize',
  'awaiting cab approval': 'authorize',
  'awaiting implementation': 'scheduled',
  scheduled: 'scheduled',
  implementing: 'implement',
  'in progress': 'implement',
  review: 'review',
  completed: 'closed',
  failed: 'closed',
  closed: 'closed',
  declined: 'cancelled',
  canceled: 'cancelled',
  cancelled: 'cancelled',
};
const DEFAULT_OUTCOMES: Record<string, NonNullable<ChangeRecord['outcome']>> = {
  completed: 'successful',
  failed: 'unsuccessful',
};
const DEFAULT_PRIORITIES: Record<string, 1 | 2 | 3 | 4 | 5> = {
  highest: 1,
  blocker: 1,
  critical: 1,
  high: 2,
  major: 2,
  medium: 3,
  low: 4,
  minor: 4,
  lowest: 5,
  trivial: 5,
};

const DEFAULT_ATLASSIAN_API_URL = 'https://api.atlassian.com';
const DEFAULT_TOKEN_URL = 'https://auth.atlassian.com/oauth/token';

function invalid(path: string, problem: string): Error {
  return new Error(`Invalid config at ${path}: ${problem}`);
}

function readAuth(
  config: Config,
  path: string,
  deployment: JiraDeployment,
): JiraAuthConfig {
  const auth = config.getOptionalConfig('auth');
  if (!auth) {
    throw invalid(`${path}.auth`, 'credentials are required');
  }
  const oauth = auth.getOptionalConfig('oauth');
  if (oauth) {
    if (deployment !== 'cloud') {
      throw invalid(
        `${path}.auth.oauth`,
        'OAuth 2.0 (3LO) is for Jira Cloud; use a personal access token on Data Center',
      );
    }
    return {
      kind: 'oauth',
      clientId: oauth.getString('clientId'),
      clientSecret: oauth.getString('clientSecret'),
      refreshToken: oauth.getString('refreshToken'),
      tokenUrl: oauth.getOptionalString('tokenUrl') ?? DEFAULT_TOKEN_URL,
    };
  }
  const pat = auth.getOptionalString('personalAccessToken');
  if (pat) {
    if (deployment !== 'datacenter') {
      throw invalid(
        `${path}.auth.personalAccessToken`,
        'personal access tokens are for Data Center; Jira Cloud takes email and apiToken',
      );
    }
    return { kind: 'pat', token: pat };
  }
  if (deployment === 'cloud') {
    const email = auth.getOptionalString('email');
    const apiToken = auth.getOptionalString('apiToken');
    if (!email || !apiToken) {
      throw invalid(
        `${path}.auth`,
        'Jira Cloud needs email and apiToken, or oauth',
      );
    }
    return { kind: 'basic', username: email, secret: apiToken };
  }
  const username = auth.getOptionalString('username');
  const password = auth.getOptionalString('password');
  if (!username || !password) {
    throw invalid(
      `${path}.auth`,
      'Data Center needs personalAccessToken, or username and password',
    );
  }
  return { kind: 'basic', username, secret: password };
}

/**
 * A map keyed by Jira names (statuses, priorities), read whole: those names
 * hold spaces and dashes, which config keys may not, so the map is taken as
 * plain data rather than through key-by-key config reads.
 */
function readNameMap(
  parent: Config | undefined,
  key: string,
  path: string,
): Array<[string, unknown]> {
  const raw = parent?.getOptional(key);
  if (raw === undefined) {
    return [];
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(`${path}.${key}`, 'must be a map of names to values');
  }
  return Object.entries(raw);
}

function readChoiceMap<T extends string>(
  parent: Config | undefined,
  key: string,
  path: string,
  allowed: readonly T[],
  defaults: Record<string, T>,
): Record<string, T> {
  const result = { ...defaults };
  for (const [name, value] of readNameMap(parent, key, path)) {
    if (!allowed.includes(value as T)) {
      throw invalid(
        `${path}.${key}.${name}`,
        `'${value}' is not one of ${allowed.join(', ')}`,
      );
    }
    result[name.trim().toLowerCase()] = value as T;
  }
  return result;
}

function readPriorities(
  parent: Config | undefined,
  path: string,
): Record<string, 1 | 2 | 3 | 4 | 5> {
  const result = { ...DEFAULT_PRIORITIES };
  for (const [name, value] of readNameMap(parent, 'priorities', path)) {
    if (![1, 2, 3, 4, 5].includes(value as number)) {
      throw invalid(
        `${path}.priorities.${name}`,
        `priority must be 1 to 5, got ${value}`,
      );
    }
    result[name.trim().toLowerCase()] = value as 1 | 2 | 3 | 4 | 5;
  }
  return result;
}

/**
 * JSM's IT service management template creates a "Post-incident review"
 * issue linked to the incident; sites that name the type differently
 * configure it.
 */
function readReviewIssueTypes(incidents: Config | undefined): string[] {
  const review = incidents?.getOptionalConfig('postIncidentReview');
  if (review?.getOptionalBoolean('enabled') === false) {
    return [];
  }
  return (
    review?.getOptionalStringArray('issueTypes') ?? ['Post-incident review']
  ).map(type => type.trim().toLowerCase());
}

/**
 * The review's root cause is a site-specific custom field (JSM's template
 * has none), so it is read only where the site names it.
 */
function readReviewRootCauseField(
  incidents: Config | undefined,
): Pick<IncidentConfig, 'reviewRootCauseField'> {
  const field = incidents
    ?.getOptionalConfig('postIncidentReview')
    ?.getOptionalString('rootCauseField')
    ?.trim();
  return field ? { reviewRootCauseField: field } : {};
}

function readIssueSync(
  config: Config | undefined,
  defaultType: string,
): IssueSyncConfig {
  const jqlText = config?.getOptionalString('jql')?.trim();
  return {
    enabled: config?.getOptionalBoolean('enabled') ?? true,
    issueTypes: config?.getOptionalStringArray('issueTypes') ?? [defaultType],
    jql: jqlText || undefined,
  };
}

function positiveNumber(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!(value > 0)) {
    throw invalid(`${path}.${key}`, `must be a positive number, got ${value}`);
  }
  return value;
}

function nonNegativeInteger(
  config: Config | undefined,
  key: string,
  path: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 0) {
    throw invalid(
      `${path}.${key}`,
      `must be a whole number of zero or more, got ${value}`,
    );
  }
  return value;
}

/** Reads and checks `itops.jira.sites.<name>`. */
export function readJiraSiteConfig(
  name: string,
  config: Config,
): JiraSiteConfig {
  const path = `itops.jira.sites.${name}`;
  const deployment = (config.getOptionalString('deployment') ??
    'cloud') as JiraDeployment;
  if (deployment !== 'cloud' && deployment !== 'datacenter') {
    throw invalid(
      `${path}.deployment`,
      `'${deployment}' is not one of cloud, datacenter`,
    );
  }
  const baseUrl = config.getString('baseUrl').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) {
    throw invalid(`${path}.baseUrl`, `'${baseUrl}' is not an http(s) URL`);
  }
  const incidents = config.getOptionalConfig('incidents');
  const changes = config.getOptionalConfig('changes');
  const fieldsConfig = config.getOptionalConfig('fields');
  const fields: Partial<Record<ChangeFieldRole, string>> = {};
  for (const key of fieldsConfig?.keys() ?? []) {
    if (!CHANGE_FIELD_ROLES.includes(key as ChangeFieldRole)) {
      throw invalid(
        `${path}.fields.${key}`,
        `unknown field role; known are ${CHANGE_FIELD_ROLES.join(', ')}`,
      );
    }
    fields[key as ChangeFieldRole] = fieldsConfig!.getString(key);
  }
  const sla = config.getOptionalConfig('sla');
  const oncall = config.getOptionalConfig('oncall');
  const sync = config.getOptionalConfig('sync');
  const oncallEnabled = oncall?.getOptionalBoolean('enabled');
  if (oncallEnabled && deployment !== 'cloud') {
    throw invalid(
      `${path}.oncall.enabled`,
      'JSM Operations on-call exists on Jira Cloud only',
    );
  }
  const timeZone = config.getOptionalString('timeZone');
  if (timeZone !== undefined && !isKnownTimeZone(timeZone)) {
    throw invalid(`${path}.timeZone`, `'${timeZone}' is not a known time zone`);
  }
  const overlapSeconds = sync?.getOptionalNumber('overlapSeconds') ?? 60;
  if (!(overlapSeconds >= 0)) {
    throw invalid(
      `${path}.sync.overlapSeconds`,
      `must be zero or more, got ${overlapSeconds}`,
    );
  }
  return {
    name,
    baseUrl,
    deployment,
    auth: readAuth(config, path, deployment),
    cloudId: config.getOptionalString('cloudId'),
    atlassianApiUrl: (
      config.getOptionalString('atlassianApiUrl') ?? DEFAULT_ATLASSIAN_API_URL
    ).replace(/\/+$/, ''),
    projects: config.getOptionalStringArray('projects') ?? [],
    incidents: {
      ...readIssueSync(incidents, 'Incident'),
      statuses: readChoiceMap(
        incidents,
        'statuses',
        `${path}.incidents`,
        INCIDENT_STATES,
        DEFAULT_INCIDENT_STATUSES,
      ),
      priorities: readPriorities(incidents, `${path}.incidents`),
      reviewIssueTypes: readReviewIssueTypes(incidents),
      ...readReviewRootCauseField(incidents),
      causedByLinkTypes: (
        incidents
          ?.getOptionalConfig('linkedChanges')
          ?.getOptionalStringArray('causedByLinkTypes') ?? []
      ).map(type => type.trim().toLowerCase()),
      ...(incidents?.getOptionalString('capacityLabel')?.trim()
        ? { capacityLabel: incidents.getString('capacityLabel').trim() }
        : {}),
    },
    changes: {
      ...readIssueSync(changes, 'Change'),
      statuses: readChoiceMap(
        changes,
        'statuses',
        `${path}.changes`,
        CHANGE_STATES,
        DEFAULT_CHANGE_STATUSES,
      ),
      outcomes: readChoiceMap(
        changes,
        'outcomes',
        `${path}.changes`,
        OUTCOMES,
        DEFAULT_OUTCOMES,
      ),
      ...(changes?.getOptionalString('patchLabel')?.trim()
        ? { patchLabel: changes.getString('patchLabel').trim() }
        : {}),
    },
    componentLabelPrefix: config
      .getOptionalConfig('mapping')
      ?.getOptionalString('componentLabelPrefix'),
    fields,
    sla: {
      enabled: sla?.getOptionalBoolean('enabled') ?? true,
      resolutionMetric:
        sla?.getOptionalString('resolutionMetric') ?? 'Time to resolution',
      responseMetric:
        sla?.getOptionalString('responseMetric') ?? 'Time to first response',
      maxRequestsPerRun: nonNegativeInteger(
        sla,
        'maxRequestsPerRun',
        `${path}.sla`,
        500,
      ),
    },
    oncall: {
      enabled: oncallEnabled ?? deployment === 'cloud',
      horizonDays: positiveNumber(oncall, 'horizonDays', `${path}.oncall`, 14),
    },
    overlapMs: overlapSeconds * 1000,
    pageSize: Math.min(
      100,
      Math.floor(positiveNumber(sync, 'pageSize', `${path}.sync`, 100)),
    ),
    timeZone,
    http: readHttpOptions(config),
  };
}
