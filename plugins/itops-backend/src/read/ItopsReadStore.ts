import type { Knex } from 'knex';
import type { RecordKind } from '../database/recordTables';
import {
  entityBackupJobs,
  type BackupJobDetail,
  type BackupJobHealth,
} from './backups';
import {
  type CalendarQuery,
  listCalendarChanges,
  listEntityChanges,
  nextEntityChange,
} from './changes';
import { ENTITY_RECORDS, LINK_COLUMNS } from '../database/entityRecordLinks';
import {
  entityBackupHealth,
  entityBackupHealthWithoutRuns,
  type EntityBackupHealth,
} from './backupHealth';
import { findEntity } from './entities';
import { activeFreezeWindows, listFreezeWindows } from './freezeWindows';
import {
  countOpenIncidentsByPriority,
  type IncidentQuery,
  listIncidents,
} from './incidents';
import { entityOnCall } from './oncall';
import type { TimeRange } from './records';
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
  async recordKindsOf(entityRef: string): Promise<Set<RecordKind>> {
    // One index probe per kind, instead of reading all of a team's links.
    const kinds = Object.keys(LINK_COLUMNS) as RecordKind[];
    const [row] = await this.#knex.select(
      kinds.map(kind =>
        this.#knex.raw(
          `case when exists (select 1 from ${ENTITY_RECORDS} where entity_ref = ? and record_table = ?) then 1 else 0 end as ??`,
          [entityRef, kind, kind],
        ),
      ),
    );
    return new Set(kinds.filter(kind => Number(row[kind]) === 1));
  }

  listIncidents(entityRef: string, query: IncidentQuery) {
    return listIncidents(this.#knex, entityRef, query);
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

  listCalendarChanges(query: CalendarQuery) {
    return listCalendarChanges(this.#knex, query);
  }

  listFreezeWindows(range: TimeRange) {
    return listFreezeWindows(this.#knex, range);
  }

  activeFreezeWindows(entityRef: string) {
    return activeFreezeWindows(this.#knex, entityRef, this.now());
  }

  onCall(entityRef: string) {
    return entityOnCall(this.#knex, entityRef, this.now());
  }

  backupJobs(entityRef: string): Promise<BackupJobHealth[]> {
    return entityBackupJobs(this.#knex, entityRef, this.now(), false);
  }

  backupJobsWithRuns(entityRef: string): Promise<BackupJobDetail[]> {
    return entityBackupJobs(this.#knex, entityRef, this.now(), true);
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
