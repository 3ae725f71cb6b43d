import type { Knex } from 'knex';
import type { RecordKind } from './recordTables';
import { markEntitiesStale, markStale } from './rollupStaleness';

/** The materialised record → entity relation (see its migration). */
export const ENTITY_RECORDS = 'itops_entity_records';

/**
 * Per record kind: the record table, and as SQL over the record alias `r`
 * the link's ordering time, end time, open flag and priority. The migration that
 * backfills the links has its own copy, as migrations must not change.
 */
export const LINK_COLUMNS: Record<
  RecordKind,
  { table: string; at: string; end: string; open: string; priority: string }
> = {
  incident: {
    table: 'itops_incidents',
    at: 'r.opened_at',
    end: 'r.resolved_at',
    open: "case when r.state in ('new', 'in_progress', 'on_hold') then 1 else 0 end",
    priority: 'r.priority',
  },
  change: {
    table: 'itops_changes',
    at: 'coalesce(r.planned_start, r.actual_start)',
    end: 'coalesce(r.actual_end, r.planned_end)',
    open: "case when r.state in ('closed', 'cancelled') then 0 else 1 end",
    priority: 'cast(null as integer)',
  },
  oncall: {
    table: 'itops_oncall_shifts',
    at: 'r.start_at',
    end: 'r.end_at',
    open: 'cast(null as integer)',
    priority: 'cast(null as integer)',
  },
  freeze: {
    table: 'itops_freeze_windows',
    at: 'r.start_at',
    end: 'r.end_at',
    open: 'cast(null as integer)',
    priority: 'cast(null as integer)',
  },
  backup_job: {
    table: 'itops_backup_jobs',
    at: 'r.last_run_at',
    end: 'cast(null as bigint)',
    open: 'cast(null as integer)',
    priority: 'cast(null as integer)',
  },
  backup_run: {
    table: 'itops_backup_runs',
    at: 'r.started_at',
    end: 'coalesce(r.ended_at, r.started_at)',
    open: 'cast(null as integer)',
    priority: 'cast(null as integer)',
  },
};

const RECORD_KINDS = Object.keys(LINK_COLUMNS) as RecordKind[];

/** Ids per statement: far below SQLite's and PostgreSQL's binding limits. */
const IDS_PER_STATEMENT = 500;

function insertLinksSql(kind: RecordKind, filter: string): string {
  const columns = LINK_COLUMNS[kind];
  return `insert into ${ENTITY_RECORDS}
      (entity_ref, record_table, record_id, sort_at, end_at, is_open, priority)
    select distinct ek.entity_ref, rk.record_table, rk.record_id,
           ${columns.at}, ${columns.end}, ${columns.open}, ${columns.priority}
    from itops_record_keys rk
    join itops_entity_keys ek
      on ek.key_type = rk.key_type and ek.key_value = rk.key_value
    join ${columns.table} r on r.id = rk.record_id
    where rk.record_table = ? and ${filter}`;
}

function placeholders(count: number): string {
  return new Array(count).fill('?').join(', ');
}

/** Refs of the entities linked to these records, for marking their rollups stale. */
function linkedEntityRefs(
  trx: Knex.Transaction,
  kind: RecordKind,
  recordIds: Knex.QueryBuilder | ReadonlyArray<number | string>,
): Knex.QueryBuilder {
  return trx(ENTITY_RECORDS)
    .where('record_table', kind)
    .whereIn('record_id', recordIds as any)
    .select('entity_ref');
}

/**
 * Rewrites the entity links of records just written, in the caller's
 * transaction, after their keys: a record whose keys or sort columns changed
 * moves with them. The rollups of the entities it leaves and joins go stale.
 */
export async function relinkRecords(
  trx: Knex.Transaction,
  kind: RecordKind,
  recordIds: ReadonlyArray<number | string>,
): Promise<void> {
  for (let i = 0; i < recordIds.length; i += IDS_PER_STATEMENT) {
    const ids = recordIds.slice(i, i + IDS_PER_STATEMENT);
    await markStale(trx, linkedEntityRefs(trx, kind, ids));
    await trx(ENTITY_RECORDS)
      .where('record_table', kind)
      .whereIn('record_id', ids)
      .delete();
    await trx.raw(
      insertLinksSql(kind, `rk.record_id in (${placeholders(ids.length)})`),
      [kind, ...ids],
    );
    await markStale(trx, linkedEntityRefs(trx, kind, ids));
  }
}

/**
 * Removes the links of records about to be deleted, whose entities' rollups
 * go stale; `recordIds` may be a subquery.
 */
export async function unlinkRecords(
  trx: Knex.Transaction,
  kind: RecordKind,
  recordIds: Knex.QueryBuilder | ReadonlyArray<number | string>,
): Promise<void> {
  await markStale(trx, linkedEntityRefs(trx, kind, recordIds));
  await trx(ENTITY_RECORDS)
    .where('record_table', kind)
    .whereIn('record_id', recordIds as any)
    .delete();
}

/**
 * Rewrites all links of the given entities from their current keys, after
 * the mapping changed them; their rollups go stale.
 */
export async function relinkEntities(
  trx: Knex.Transaction,
  entityRefs: readonly string[],
): Promise<void> {
  for (let i = 0; i < entityRefs.length; i += IDS_PER_STATEMENT) {
    const refs = entityRefs.slice(i, i + IDS_PER_STATEMENT);
    await markEntitiesStale(trx, refs);
    await trx(ENTITY_RECORDS).whereIn('entity_ref', refs).delete();
    for (const kind of RECORD_KINDS) {
      await trx.raw(
        insertLinksSql(kind, `ek.entity_ref in (${placeholders(refs.length)})`),
        [kind, ...refs],
      );
    }
  }
}
