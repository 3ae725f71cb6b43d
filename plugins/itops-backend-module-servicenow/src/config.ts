import type { Config } from '@backstage/config';
import {
  readHttpOptions,
  type SourceHttpClientOptions,
  isKnownTimeZone,
} from '@backstage-itops/plugin-itops-node';
import type {
  ChangeRecord,
  ChangeState,
  ChangeType,
  IncidentState,
} from '@backstage-itops/plugin-itops-common';
import { assertEncodedQueryFragment, assertFieldName } from './query';

/** How the integration user authenticates. */
export type ServiceNowAuthConfig =
  | { kind: 'basic'; username: string; password: string }
  | {
      kind: 'oauth';
      grantType: 'password' | 'client_credentials';
      clientId: string;
      clientSecret: string;
      username?: string;
      password?: string;
      /**
       * Renew at least this long before the token expires (never in the
       * first half of its life); unset: at 80 % of its lifetime.
       */
      refreshBeforeExpiryMs?: number;
    };

/** A boolean read from a field: true when the field holds one of `values`. */
export interface FlagField {
  field: string;
  values: string[];
}

/** Choice codes per normalized value; unknown codes are kept as the source state. */
export type ChoiceMap<T extends string> = Record<T, string[]>;

export interface IncidentOptions {
  enabled: boolean;
  table: string;
  /** Extra encoded query ANDed to every incident query, e.g. `company=…`. */
  filter?: string;
  states: ChoiceMap<IncidentState>;
  major?: FlagField;
  security?: FlagField;
  personalDataBreach?: FlagField;
  acknowledgedAtField?: string;
  detectedAtField?: string;
  breachAwareAtField?: string;
  authorityNotifiedAtField?: string;
  slaMetField?: string;
  /** Date-time column of the first assignment (INC-01). */
  assignedAtField?: string;
  /** Where the post-incident review is linked (INC-04); undefined: not read. */
  postIncidentReview?: ReviewOptions;
  /** Text column giving the reasons for a late breach notification (NTF-01). */
  notificationDelayReasonField?: string;
}

/** The column linking an incident to its post-incident review. */
export interface ReviewOptions {
  /** A reference (shown by its record's number) or a text/URL column. */
  field: string;
  /** Table a reference points to, for the review's link. */
  table: string;
  /** Date-time column of the review's completion, dot-walks allowed. */
  completedAtField?: string;
  /**
   * Text column of the review's root cause, dot-walks allowed. Default
   * `problem_id.cause_notes` for the default problem link; a linked record
   * without a root cause is not a review (compliance INC-04).
   */
  rootCauseField?: string;
}

export interface ChangeOptions {
  enabled: boolean;
  table: string;
  filter?: string;
  states: ChoiceMap<ChangeState>;
  types: ChoiceMap<ChangeType>;
  risks: ChoiceMap<NonNullable<ChangeRecord['risk']>>;
  approvals: ChoiceMap<NonNullable<ChangeRecord['approval']>>;
  closeCodes: ChoiceMap<NonNullable<ChangeRecord['outcome']>>;
  approvedAtField?: string;
}

export interface FreezeWindowOptions {
  enabled: boolean;
  scheduleTable: string;
  spanTable: string;
  ciTable: string;
  /** Time zone of schedules without one ("floating"). */
  defaultTimeZone: string;
  /** How far ahead repeating spans are expanded. */
  horizonMs: number;
  /** How far back windows are kept. */
  historyMs: number;
  /** At most this many CIs are mapped from one schedule's condition. */
  maxCisPerSchedule: number;
}

export interface OnCallOptions {
  enabled: boolean;
  lookBackMs: number;
  lookAheadMs: number;
  /** Sampling step of `whoisoncall` before handovers are bisected. */
  stepMs: number;
  /** Handover times are found to this precision. */
  resolutionMs: number;
}

export interface ServiceNowInstanceOptions {
  name: string;
  baseUrl: string;
  auth: ServiceNowAuthConfig;
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
  /** Rows per Table API page. */
  pageSize: number;
  /** Incremental syncs re-read this far behind the watermark. */
  overlapMs: number;
  /** The watermark stays this far behind the instance's own clock. */
  clockOverlapMs: number;
  /** Incremental syncs read deletions from `sys_audit_delete`. */
  deletionsFromAudit: boolean;
  incidents: IncidentOptions;
  changes: ChangeOptions;
  freezeWindows: FreezeWindowOptions;
  oncall: OnCallOptions;
}

/** The documented out-of-the-box choice codes (see source-apis.md §1.8). */
export const DEFAULT_INCIDENT_STATES: ChoiceMap<IncidentState> = {
  new: ['1'],
  in_progress: ['2'],
  on_hold: ['3'],
  resolved: ['6'],
  closed: ['7'],
  cancelled: ['8'],
};

export const DEFAULT_CHANGE_STATES: ChoiceMap<ChangeState> = {
  new: ['-5'],
  assess: ['-4'],
  authorize: ['-3'],
  scheduled: ['-2'],
  implement: ['-1'],
  review: ['0'],
  closed: ['3'],
  cancelled: ['4'],
};

export const DEFAULT_CHANGE_TYPES: ChoiceMap<ChangeType> = {
  standard: ['standard'],
  normal: ['normal'],
  emergency: ['emergency'],
};

export const DEFAULT_RISKS: ChangeOptions['risks'] = {
  very_high: ['1'],
  high: ['2'],
  moderate: ['3'],
  low: ['4'],
};

export const DEFAULT_APPROVALS: ChangeOptions['approvals'] = {
  not_requested: ['not requested'],
  requested: ['requested'],
  approved: ['approved'],
  rejected: ['rejected'],
};

export const DEFAULT_CLOSE_CODES: ChangeOptions['closeCodes'] = {
  successful: ['successful'],
  successful_with_issues: ['successful_issues'],
  unsuccessful: ['unsuccessful'],
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Reads one instance's config (`itops.servicenow.instances.<name>`),
 * failing fast with the offending key named.
 */
export function readInstanceOptions(
  name: string,
  config: Config,
): ServiceNowInstanceOptions {
  const baseUrl = config.getString('baseUrl').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) {
    throw new Error(
      `Invalid config: itops.servicenow.instances.${name}.baseUrl must be an http(s) URL, got '${baseUrl}'`,
    );
  }
  const incidents = config.getOptionalConfig('incidents');
  const changes = config.getOptionalConfig('changes');
  const freeze = config.getOptionalConfig('freezeWindows');
  const oncall = config.getOptionalConfig('oncall');
  const where = `itops.servicenow.instances.${name}`;
  return {
    name,
    baseUrl,
    auth: readAuth(config, where),
    http: readHttpOptions(config),
    pageSize: positiveInt(config, 'pageSize', 1000, where, 10_000),
    overlapMs: nonNegative(config, 'overlapSeconds', 60, where) * 1000,
    clockOverlapMs:
      nonNegative(config, 'clockOverlapSeconds', 120, where) * 1000,
    deletionsFromAudit:
      config.getOptionalBoolean('deletions.auditTable') ?? false,
    incidents: {
      enabled: incidents?.getOptionalBoolean('enabled') ?? true,
      table: field(incidents, 'table', 'incident'),
      filter: filter(incidents),
      states: choices(incidents, 'states', DEFAULT_INCIDENT_STATES),
      major: flag(incidents, 'major', {
        field: 'major_incident_state',
        values: ['accepted'],
      }),
      security: flag(incidents, 'security', {
        field: 'category',
        values: ['security'],
      }),
      personalDataBreach: flag(incidents, 'personalDataBreach'),
      acknowledgedAtField: optionalField(incidents, 'acknowledgedAtField'),
      detectedAtField: optionalField(incidents, 'detectedAtField'),
      breachAwareAtField: optionalField(incidents, 'breachAwareAtField'),
      authorityNotifiedAtField: optionalField(
        incidents,
        'authorityNotifiedAtField',
      ),
      slaMetField: optionalField(incidents, 'slaMetField') ?? 'made_sla',
      assignedAtField: optionalField(incidents, 'assignedAtField'),
      postIncidentReview: review(
        incidents?.getOptionalConfig('postIncidentReview'),
      ),
      notificationDelayReasonField: optionalField(
        incidents,
        'notificationDelayReasonField',
      ),
    },
    changes: {
      enabled: changes?.getOptionalBoolean('enabled') ?? true,
      table: field(changes, 'table', 'change_request'),
      filter: filter(changes),
      states: choices(changes, 'states', DEFAULT_CHANGE_STATES),
      types: choices(changes, 'types', DEFAULT_CHANGE_TYPES),
      risks: choices(changes, 'risks', DEFAULT_RISKS),
      approvals: choices(changes, 'approvals', DEFAULT_APPROVALS),
      closeCodes: choices(changes, 'closeCodes', DEFAULT_CLOSE_CODES),
      approvedAtField:
        optionalField(changes, 'approvedAtField') ?? 'approval_set',
    },
    freezeWindows: {
      enabled: freeze?.getOptionalBoolean('enabled') ?? true,
      scheduleTable: field(freeze, 'scheduleTable', 'cmn_schedule_blackout'),
      spanTable: field(freeze, 'spanTable', 'cmn_schedule_span'),
      ciTable: field(freeze, 'ciTable', 'cmdb_ci'),
      defaultTimeZone: timeZone(
        freeze?.getOptionalString('defaultTimeZone') ?? 'UTC',
        where,
      ),
      horizonMs: positiveInt(freeze, 'horizonDays', 365, where) * DAY,
      historyMs: positiveInt(freeze, 'historyDays', 90, where) * DAY,
      maxCisPerSchedule: positiveInt(freeze, 'maxCisPerSchedule', 5000, where),
    },
    oncall: {
      enabled: oncall?.getOptionalBoolean('enabled') ?? true,
      lookBackMs: positiveInt(oncall, 'lookBackHours', 7 * 24, where) * HOUR,
      lookAheadMs: positiveInt(oncall, 'lookAheadHours', 14 * 24, where) * HOUR,
      stepMs: positiveInt(oncall, 'stepMinutes', 360, where) * 60_000,
      resolutionMs: positiveInt(oncall, 'resolutionMinutes', 1, where) * 60_000,
    },
  };
}

function readAuth(config: Config, where: string): ServiceNowAuthConfig {
  const auth = config.getOptionalConfig('auth');
  if (!auth) {
    throw new Error(
      `Invalid config: ${where}.auth is required (username/password for Basic, or clientId/clientSecret for OAuth)`,
    );
  }
  const username = auth.getOptionalString('username');
  const password = auth.getOptionalString('password');
  const clientId = auth.getOptionalString('clientId');
  const clientSecret = auth.getOptionalString('clientSecret');
  if (clientId || clientSecret) {
    if (!clientId || !clientSecret) {
      throw new Error(
        `Invalid config: ${where}.auth needs both clientId and clientSecret for OAuth`,
      );
    }
    const grantType =
      auth.getOptionalString('grantType') ??
      (username ? 'password' : 'client_credentials');
    if (grantType !== 'password' && grantType !== 'client_credentials') {
      throw new Error(
        `Invalid config: ${where}.auth.grantType must be 'password' or 'client_credentials', got '${grantType}'`,
      );
    }
    if (grantType === 'password' && (!username || !password)) {
      throw new Error(
        `Invalid config: ${where}.auth needs username and password for the OAuth password grant`,
      );
    }
    return {
      kind: 'oauth',
      grantType,
      clientId,
      clientSecret,
      username,
      password,
      refreshBeforeExpiryMs: optionalSeconds(
        auth,
        'refreshBeforeExpirySeconds',
        where,
      ),
    };
  }
  if (!username || !password) {
    throw new Error(
      `Invalid config: ${where}.auth needs username and password (Basic) or clientId and clientSecret (OAuth)`,
    );
  }
  return { kind: 'basic', username, password };
}

function field(
  config: Config | undefined,
  key: string,
  fallback: string,
): string {
  return assertFieldName(config?.getOptionalString(key) ?? fallback);
}

function optionalField(
  config: Config | undefined,
  key: string,
): string | undefined {
  const value = config?.getOptionalString(key);
  return value ? assertFieldName(value) : undefined;
}

/**
 * The review link: by default the incident's problem record (`problem_id`),
 * where root-cause analysis of major incidents is recorded out of the box.
 */
function review(config: Config | undefined): ReviewOptions | undefined {
  if (config?.getOptionalBoolean('enabled') === false) {
    return undefined;
  }
  const linkField = field(config, 'field', 'problem_id');
  const table = field(config, 'table', 'problem');
  // The problem form's "Cause notes" column; on another link the root
  // cause column is whatever the site uses, so it must be configured.
  const defaultRootCause =
    linkField === 'problem_id' && table === 'problem'
      ? 'problem_id.cause_notes'
      : undefined;
  return {
    field: linkField,
    table,
    completedAtField: optionalField(config, 'completedAtField'),
    rootCauseField: optionalField(config, 'rootCauseField') ?? defaultRootCause,
  };
}

function filter(config: Config | undefined): string | undefined {
  const value = config?.getOptionalString('filter')?.trim();
  return value ? assertEncodedQueryFragment(value) : undefined;
}

function flag(
  config: Config | undefined,
  key: string,
  fallback?: FlagField,
): FlagField | undefined {
  const flagConfig = config?.getOptionalConfig(key);
  if (!flagConfig) {
    return fallback;
  }
  return {
    field: assertFieldName(flagConfig.getString('field')),
    values: flagConfig.getOptionalStringArray('values') ?? ['true'],
  };
}

function choices<T extends string>(
  config: Config | undefined,
  key: string,
  defaults: ChoiceMap<T>,
): ChoiceMap<T> {
  const overrides = config?.getOptionalConfig(key);
  if (!overrides) {
    return defaults;
  }
  const result = { ...defaults };
  for (const name of overrides.keys()) {
    if (!(name in defaults)) {
      throw new Error(
        `Invalid config: unknown ${key} value '${name}'; expected one of ${Object.keys(
          defaults,
        ).join(', ')}`,
      );
    }
    result[name as T] = overrides.getStringArray(name);
  }
  return result;
}

function positiveInt(
  config: Config | undefined,
  key: string,
  fallback: number,
  where: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(
      `Invalid config: ${where} '${key}' must be an integer from 1 to ${max}, got ${value}`,
    );
  }
  return value;
}

function nonNegative(
  config: Config | undefined,
  key: string,
  fallback: number,
  where: string,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!(value >= 0)) {
    throw new Error(
      `Invalid config: ${where} '${key}' must not be negative, got ${value}`,
    );
  }
  return value;
}

/** A non-negative number of seconds as milliseconds; undefined when unset. */
function optionalSeconds(
  config: Config,
  key: string,
  where: string,
): number | undefined {
  return config.getOptionalNumber(key) === undefined
    ? undefined
    : nonNegative(config, key, 0, where) * 1000;
}

function timeZone(zone: string, where: string): string {
  if (!isKnownTimeZone(zone)) {
    throw new Error(
      `Invalid config: ${where}.freezeWindows.defaultTimeZone '${zone}' is not an IANA time zone`,
    );
  }
  return zone;
}
