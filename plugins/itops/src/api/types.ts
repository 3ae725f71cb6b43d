/**
 * Response bodies of the ITOps read API, as
 * `plugins/itops-backend/src/schema/openapi.yaml` declares them. Times are
 * ISO 8601 strings in UTC, durations milliseconds.
 */

import type {
  BackupJobRecord,
  BackupResult,
  BackupRunRecord,
  ChangeRecord,
  IncidentRecord,
  IncidentState,
  ItopsRecordBase,
  LinkedChange,
  OnCallShiftRecord,
} from '@backstage-itops/plugin-itops-common';

/** An area the caller may not read. @public */
export interface ItopsForbidden {
  forbidden: true;
}

/** Whether a value is the `{ forbidden: true }` marker of a denied area. @public */
export function isForbidden<T extends object>(
  value: T | ItopsForbidden | undefined,
): value is ItopsForbidden {
  return value !== undefined && (value as ItopsForbidden).forbidden === true;
}

/** Where a record came from, to trace it and open it in its source. @public */
export interface ItopsOrigin {
  sourceType: string;
  sourceInstance: string;
  externalId: string;
  url?: string;
  sourceUpdatedAt?: string;
}

/**
 * A synced record as the API returns it: the normalized record of
 * `@backstage-itops/plugin-itops-common` with its origin, without the
 * mapping keys. @public
 */
export type ItopsApiRecord<T extends ItopsRecordBase> = Omit<T, 'keys'> &
  ItopsOrigin;

/** @public */
export type ItopsIncidentState = IncidentState;

/** @public */
export type ItopsIncident = ItopsApiRecord<IncidentRecord>;

/** One incident with the catalog entities it is linked to. @public */
export interface ItopsIncidentDetail {
  incident: ItopsIncident;
  /** Sorted entity refs, e.g. `component:default/payments-api`. */
  entityRefs: string[];
  /** The changes the source links to the incident, in the source's order. */
  linkedChanges: ItopsLinkedChange[];
}

/** @public */
export type ItopsChange = ItopsApiRecord<ChangeRecord>;

/**
 * A change linked to an incident, with the synced change when ITOps has it
 * and the caller may read changes; otherwise `unresolved` says why.
 *
 * @public
 */
export type ItopsLinkedChange = LinkedChange & {
  change?: ItopsChange;
  unresolved?: 'not_synced' | 'not_permitted';
};

/** @public */
export type ItopsOnCallShift = ItopsApiRecord<OnCallShiftRecord>;

/** Who is on call now, and who takes over next per rota. @public */
export interface ItopsOnCall {
  now: ItopsOnCallShift[];
  next: ItopsOnCallShift[];
}

/** {@link ItopsOnCall} in total and per escalation level. @public */
export interface ItopsOnCallDetail extends ItopsOnCall {
  escalationLevels: Array<{ escalationLevel: number } & ItopsOnCall>;
}

/** @public */
export type ItopsBackupResult = BackupResult;

/** @public */
export type ItopsBackupJob = Omit<
  ItopsApiRecord<BackupJobRecord>,
  'recordType'
>;

/** @public */
export type ItopsBackupRun = Omit<
  ItopsApiRecord<BackupRunRecord>,
  'recordType'
>;

/** Health derived per backup job. @public */
export interface ItopsBackupHealth {
  lastSuccessAt?: string;
  lastSuccessAgeMs?: number;
  successRate30d: number | null;
  runs30d: number;
  lastRestoreTest?: ItopsBackupRun;
}

/** @public */
export type ItopsBackupJobDetail = ItopsBackupJob &
  ItopsBackupHealth & { recentRuns: ItopsBackupRun[] };

/** A mean duration over `count` items; null when there are none. @public */
export interface ItopsDuration {
  valueMs: number | null;
  count: number;
}

/** numerator / denominator; null when the denominator is 0. @public */
export interface ItopsRatio {
  value: number | null;
  numerator: number;
  denominator: number;
}

/** @public */
export type ItopsCountByPriority = Record<'1' | '2' | '3' | '4' | '5', number>;

/** @public */
export interface ItopsTimeWindow {
  from: string;
  to: string;
}

/** @public */
export interface ItopsIncidentKpis {
  mttr: ItopsDuration;
  mtta: ItopsDuration;
  mttd: ItopsDuration;
  mtbf: ItopsDuration;
  openedCount: number;
  openedByPriority: ItopsCountByPriority;
}

/** @public */
export interface ItopsChangeKpis {
  successRate: ItopsRatio;
  emergencyShare: ItopsRatio;
}

/** @public */
export interface ItopsBackupKpis {
  successRate: ItopsRatio;
  lastSuccessAt?: string;
  lastSuccessAgeMs?: number;
}

/** @public */
export interface ItopsEntityKpis {
  window: ItopsTimeWindow;
  incidents: ItopsIncidentKpis | ItopsForbidden;
  changes: ItopsChangeKpis | ItopsForbidden;
  backups: ItopsBackupKpis | ItopsForbidden;
}

/**
 * The KPIs of one bucket of a trend: those the entity tab draws as
 * sparklines. @public
 */
export interface ItopsKpiTrendBucket {
  window: ItopsTimeWindow;
  incidents: Pick<ItopsIncidentKpis, 'mttr' | 'mtbf'> | ItopsForbidden;
  changes: Pick<ItopsChangeKpis, 'successRate'> | ItopsForbidden;
  backups: Pick<ItopsBackupKpis, 'successRate'> | ItopsForbidden;
}

/** A window cut into equal consecutive buckets of KPIs. @public */
export interface ItopsEntityKpiTrend {
  window: ItopsTimeWindow;
  buckets: ItopsKpiTrendBucket[];
}

/** An area of the summary the caller may read. @public */
export interface ItopsAvailable {
  forbidden: false;
  /** Whether the entity has any records of this area. */
  available: boolean;
}

/** A freeze window covering now that applies to the entity. @public */
export interface ItopsActiveFreeze {
  name: string;
  end: string;
}

/** @public */
export interface ItopsEntitySummary {
  entity: { entityRef: string; kind: string; title?: string };
  oncall: (ItopsOnCall & ItopsAvailable) | ItopsForbidden;
  incidents:
    | (ItopsAvailable & {
        openCount: number;
        openByPriority: ItopsCountByPriority;
      })
    | ItopsForbidden;
  changes:
    | (ItopsAvailable & {
        nextChange?: ItopsChange;
        freeze: { active: boolean; windows: ItopsActiveFreeze[] };
      })
    | ItopsForbidden;
  backups: /**
   * The response also holds the entity's backup health (see the OpenAPI
   * spec); the UI reads backups from getEntityBackups.
   */
  ItopsAvailable | ItopsForbidden;
  kpis: {
    window: ItopsTimeWindow;
    mttr: ItopsDuration | ItopsForbidden;
    changeSuccessRate: ItopsRatio | ItopsForbidden;
  };
}

/** A page of a longer list. @public */
export interface ItopsPage<T> {
  items: T[];
  totalCount: number;
  limit: number;
  offset: number;
}

/**
 * How old one source instance's data of a capability is; every reader of
 * the area gets it, without error details. @public
 */
export interface ItopsFreshness {
  source: string;
  instance: string;
  capability: string;
  /** The last successful sync; absent when it never succeeded. */
  syncedAt?: string;
  /** Never synced, the last run failed, or older than three sync intervals. */
  stale: boolean;
  staleReason?: 'never_synced' | 'last_run_failed' | 'too_old';
}

/** Freshness of one source instance and capability. @public */
export interface ItopsSyncStatus {
  sourceType: string;
  sourceInstance: string;
  capability: string;
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  lastSuccessAgeMs?: number;
  lastFullSyncAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  recordCount: number;
}

/** Query of {@link ItopsApi.getEntityIncidents}. @public */
export interface ItopsIncidentQuery {
  /** `open` (default), `closed` or `all`. */
  state?: 'open' | 'closed' | 'all';
  priority?: number[];
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
  sort?: 'opened_at' | '-opened_at' | 'priority';
}

/** A time range `[from, to)` as ISO 8601 strings. @public */
export interface ItopsRangeQuery {
  from?: string;
  to?: string;
}

/** A KPI trend's window and its number of buckets (2–53, default 12). @public */
export interface ItopsKpiTrendQuery extends ItopsRangeQuery {
  buckets?: number;
}
