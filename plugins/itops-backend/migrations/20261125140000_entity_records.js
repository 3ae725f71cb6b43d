// @ts-check

/*
 * itops_entity_records: which records belong to which entity, materialised
 * from the key join (itops_record_keys ⋈ itops_entity_keys) so that entity
 * pages read their records with one index range scan instead of resolving
 * keys on every request.
 *
 * Each link copies the few record columns that entity lists and KPIs sort,
 * count and window by (`sort_at`: opened / planned start / start; `end_at`:
 * resolved / ended; `is_open`; `priority`), so that a page of the newest
 * incidents, the open ones per priority, or the incidents resolved in a KPI
 * window are found from an index alone and only those rows are fetched.
 *
 * The sync store rewrites the links of every record it writes, and the
 * entity mapper rewrites the links of every entity whose keys changed.
 */

/**
 * Per record kind: the link's ordering time, end time, open flag (1/0) and priority,
 * as SQL over the record alias `r`. Mirrors src/database/entityRecordLinks.ts.
 */
const LINK_COLUMNS = {
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

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('itops_entity_records', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('record_table', 32).notNullable();
    table.bigInteger('record_id').notNullable();
    table.bigInteger('sort_at').nullable();
    table.bigInteger('end_at').nullable();
    table.integer('is_open').nullable();
    table.integer('priority').nullable();
    table.primary(['entity_ref', 'record_table', 'record_id']);
    // Newest first per entity and kind: incident pages, next change.
    table.index(['entity_ref', 'record_table', 'sort_at', 'record_id']);
    // KPI windows over when incidents were resolved and changes ended.
    table.index(['entity_ref', 'record_table', 'end_at']);
    // Open incidents per priority of an entity.
    table.index(['entity_ref', 'record_table', 'is_open', 'priority']);
    // Rewriting the links of written or deleted records.
    table.index(['record_table', 'record_id']);
  });

  for (const [kind, columns] of Object.entries(LINK_COLUMNS)) {
    await knex.raw(
      `insert into itops_entity_records
         (entity_ref, record_table, record_id, sort_at, end_at, is_open, priority)
       select distinct ek.entity_ref, rk.record_table, rk.record_id,
              ${columns.at}, ${columns.end}, ${columns.open}, ${columns.priority}
       from itops_record_keys rk
       join itops_entity_keys ek
         on ek.key_type = rk.key_type and ek.key_value = rk.key_value
       join ${columns.table} r on r.id = rk.record_id
       where rk.record_table = ?`,
      [kind],
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('itops_entity_records');
};
