import type { Knex } from 'knex';
import type { RecordKind } from '../database/recordTables';
import { entityBackupJobs, type BackupJobDetail } from './backups';
import {
  type CalendarQuery,
  changeById,
  listCalendarChanges,
  listEntityChanges,
  nextEntityChange,
} from './changes';
import {
  entityBackupHealth,
  entityBackupHealthWithoutRuns,
  type EntityBackupHealth,
} from './backupHealth';
import { findEntity } from './entities';
import { listFreezeWindows } from './freezeWindows';
import {
  countOpenIncidentsByPriority,
  incidentDetail,
  type IncidentQuery,
  listIncidents,
} from './incidents';
import { entityOnCall } from './oncall';
import type { TimeRange } from './records';
import { recordKindsOf, type SummaryFacts, summaryFacts } from './summaryFacts';
import { listSyncStatus } from './syncStatus';

/**
 * Read access to the synced ITOps records, per entity and across entities.
 * Queries live in one module per area; this class binds them to the
 * database and to a clock, so that tests can pin "now".
 */
export class ItopsReadStore {
  readonly #knex: Knex;
  readonly #clock: () => number;

  static create(options: {
    knex: Knex;
    /** Current time in epoch ms; defaults to `Date.now`. */
    clock?: () => number;
  }): ItopsReadStore {
    return new ItopsReadStore(options.knex, options.clock ?? Date.now);
  }

  private constructor(knex: Knex, clock: () => number) {
    this.#knex = knex;
    this.#clock = clock;
  }

  /** The store's current time in epoch ms. */
  now(): number {
    return this.#clock();
  }

  findEntity(entityRef: string) {
    return findEntity(this.#knex, entityRef);
  }

  /** Which kinds of records the entity has at all. */
  recordKindsOf(entityRef: string): Promise<Set<RecordKind>> {
    return recordKindsOf(this.#knex, entityRef);
  }

  /** The entity summary's counts and KPI headlines, in one query. */
  summaryFacts(
    entityRef: string,
    areas: {
      kpiWindow: TimeRange;
      incidents: boolean;
      changes: boolean;
      backups: boolean;
    },
  ): Promise<SummaryFacts> {
    return summaryFacts(this.#knex, entityRef, { ...areas, now: this.now() });
  }

  listIncidents(entityRef: string, query: IncidentQuery) {
    return listIncidents(this.#knex, entityRef, query);
  }

  /**
   * One incident by its origin; undefined when missing or on no entity.
   * Its linked changes are resolved when `mayReadChanges` says so.
   */
  incidentDetail(
    origin: {
      sourceType: string;
      sourceInstance: string;
      externalId: string;
    },
    mayReadChanges: () => Promise<boolean>,
  ) {
    return incidentDetail(this.#knex, origin, mayReadChanges);
  }

  countOpenIncidentsByPriority(entityRef: string) {
    return countOpenIncidentsByPriority(this.#knex, entityRef);
  }

  listEntityChanges(entityRef: string, range: TimeRange) {
    return listEntityChanges(this.#knex, entityRef, range);
  }

  nextEntityChange(entityRef: string) {
    return nextEntityChange(this.#knex, entityRef, this.now());
  }

  changeById(id: number) {
    return changeById(this.#knex, id);
  }

  listCalendarChanges(query: CalendarQuery) {
    return listCalendarChanges(this.#knex, query);
  }

  listFreezeWindows(range: TimeRange) {
    return listFreezeWindows(this.#knex, range);
  }

  /** Who is on call for the entity at `at` (default now), and who is next. */
  onCall(entityRef: string, at: number = this.now()) {
    return entityOnCall(this.#knex, entityRef, at);
  }

  backupJobsWithRuns(entityRef: string): Promise<BackupJobDetail[]> {
    return entityBackupJobs(this.#knex, entityRef, this.now());
  }

  /** {@link ItopsReadStore.backupHealth} of an entity known to have no backup records. */
  backupHealthWithoutRuns(entityRef: string): Promise<EntityBackupHealth> {
    return entityBackupHealthWithoutRuns(this.#knex, entityRef, this.now());
  }

  /** The entity's backup health over all its jobs, judged against its RPO. */
  backupHealth(entityRef: string): Promise<EntityBackupHealth> {
    return entityBackupHealth(this.#knex, entityRef, this.now());
  }

  syncStatus() {
    return listSyncStatus(this.#knex, this.now());
  }
}
