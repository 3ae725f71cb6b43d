import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  ItopsCapability,
  ItopsRecordsByCapability,
  MappingKeyType,
} from '@backstage-itops/plugin-itops-common';

/**
 * What the sync engine asks a reader for.
 *
 * @public
 */
export interface SyncRequest {
  /**
   * `false`: records changed since `watermark` (incremental sync).
   * `true`: every record that currently exists (reconcile); the store then
   * removes the records of this source and capability that were not yielded.
   */
  full: boolean;
  /** Resume point from the last committed batch; absent on the first sync. */
  watermark?: string;
  /** Aborted when the sync task times out or the backend shuts down. */
  signal: AbortSignal;
  /**
   * The values of one mapping key type that catalog entities currently carry
   * (normalized: trimmed, lower case), e.g. the assignment groups whose
   * on-call a source should look up. Lets a reader ask only for what the
   * catalog maps instead of every group of the instance.
   */
  mappedKeys(type: MappingKeyType): Promise<string[]>;
  /**
   * Of a full run: what the run has delivered so far, as the store holds it.
   * A reader that checks its walk against the source's own count, and walks
   * again for what it missed, asks here instead of remembering every id it
   * read, so that its memory stays bounded by a page rather than by the
   * table. Absent on incremental runs.
   */
  delivered?: SyncRunDelivered;
}

/**
 * The records a full run has yielded so far, counted by external id. Every
 * batch yielded before the call is included: the engine stores a batch
 * before it asks the reader for the next one.
 *
 * @public
 */
export interface SyncRunDelivered {
  /** How many distinct records the run has yielded, invalid ones included. */
  count(): Promise<number>;
  /** Which of these external ids the run has already yielded. */
  has(externalIds: readonly string[]): Promise<ReadonlySet<string>>;
}

/**
 * A page of records. The engine commits each batch in one transaction and
 * then stores its watermark, so a crash half-way resumes after the last
 * committed batch and loses nothing.
 *
 * @public
 */
export interface SyncBatch<T> {
  records: T[];
  /** Resume point after this batch, e.g. the newest `sys_updated_on` seen. */
  watermark?: string;
  /**
   * Optional upstream calls that failed while this batch was read. The
   * batch's records are stored without what those calls provide, and the
   * run reports itself partial in the sync status, naming each call. A full
   * run that reports anything partial deletes nothing: what a failed call
   * would have confirmed stays stored rather than being taken as gone.
   */
  partial?: SyncPartial[];
  /**
   * Records the reader read but could not use (a bad date, a missing key,
   * an unknown state), each named with the field at fault. They are counted
   * in the sync status, and a full run keeps their stored copies instead of
   * deleting them as gone.
   */
  skipped?: SkippedRecord[];
  /**
   * External ids of records the source says were deleted (a deletion log,
   * a delete event), for incremental runs to remove them before the next
   * full reconcile does. Ids not stored are ignored.
   */
  deleted?: string[];
}

/**
 * A record a reader skipped as malformed.
 *
 * @public
 */
export type SkippedRecord = {
  externalId: string;
  /** The field at fault and why, e.g. `opened_at: not a date`; no values. */
  reason: string;
};

/**
 * An optional upstream call that failed without failing the run: a missing
 * endpoint (404/501) of an older revision, a role without access (403).
 *
 * A type rather than an interface: the sync status serves it as it is, and
 * the OpenAPI router's response types accept only index-compatible types.
 *
 * @public
 */
export type SyncPartial = {
  /** The call, as method and path template, e.g. `GET /api/v1/sessions/{id}/taskSessions`. */
  call: string;
  /** Why it failed, short and free of record data, e.g. `404 Not Found`. */
  reason: string;
  /** What is missing because of it, for people, e.g. `per-object results of backup runs`. */
  lost: string;
  /**
   * Whether the run still yielded every record, only without what this call
   * provides (details of records rather than records). Then a full run
   * deletes what it did not see as usual; otherwise it deletes nothing.
   */
  recordsComplete?: boolean;
};

/**
 * Streams one capability's records from a source instance, page by page, so
 * that a sync never holds a whole table in memory.
 *
 * @public
 */
export interface ItopsRecordReader<T> {
  read(request: SyncRequest): AsyncIterable<SyncBatch<T>>;
}

/**
 * One configured instance of a source system (a ServiceNow instance, a Jira
 * site, a Veeam backup server) that a backend module contributes, with a
 * reader for each capability it offers. The module knows nothing of the
 * database: it yields normalized records and the ITOps plugin stores them.
 *
 * @public
 */
export interface ItopsSource {
  /** Which system this is, e.g. `servicenow`. */
  readonly type: string;
  /** The instance name from config, unique per type, e.g. `production`. */
  readonly instance: string;
  /** Base URL of the instance's API, shown to operators; never carries credentials. */
  readonly baseUrl: string;
  readonly readers: {
    readonly [C in ItopsCapability]?: ItopsRecordReader<
      ItopsRecordsByCapability[C]
    >;
  };
}

/**
 * Through this extension point, backend modules register the source
 * instances they serve; the ITOps backend plugin owns storage and sync.
 *
 * @public
 */
export interface ItopsSourcesExtensionPoint {
  addSource(source: ItopsSource): void;
}

/**
 * The ref of {@link ItopsSourcesExtensionPoint}.
 *
 * @public
 */
export const itopsSourcesExtensionPoint =
  createExtensionPoint<ItopsSourcesExtensionPoint>({
    id: 'itops.sources',
  });
