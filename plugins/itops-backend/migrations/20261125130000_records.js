// @ts-check

/*
 * The synced ITOps records and their mapping to catalog entities.
 *
 * - Times are epoch milliseconds (bigint) so that durations (MTTR, age) are
 *   plain subtraction in SQL on both SQLite and PostgreSQL.
 * - Every record table is unique on (source_type, source_instance,
 *   external_id), which makes upserts idempotent; `seen_in_sync` holds the
 *   id of the last sync that yielded the record, so a full reconcile can
 *   delete what the source no longer has.
 * - Records link to entities through shared mapping keys: itops_record_keys
 *   (from the records) joined with itops_entity_keys (from annotations). The
 *   catalog side is small and recomputed on catalog changes; records never
 *   need rewriting when the catalog changes.
 */

/** @param {import('knex').Knex.CreateTableBuilder} table */
function recordColumns(table) {
  table.bigIncrements('id').primary();
  table.string('source_type', 64).notNullable();
  table.string('source_instance', 128).notNullable();
  table.string('external_id', 255).notNullable();
  table.text('url').nullable();
  table.bigInteger('source_updated_at').nullable();
  table.string('seen_in_sync', 64).notNullable();
  table.unique(['source_type', 'source_instance', 'external_id']);
  table.index(['source_type', 'source_instance', 'seen_in_sync']);
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('itops_incidents', table => {
    recordColumns(table);
    table.string('number', 64).notNullable();
    table.text('title').notNullable();
    table.string('state', 32).notNullable();
    table.string('source_state', 64).nullable();
    table.integer('priority').notNullable();
    table.bigInteger('opened_at').notNullable();
    table.bigInteger('acknowledged_at').nullable();
    table.bigInteger('resolved_at').nullable();
    table.bigInteger('closed_at').nullable();
    table.bigInteger('detected_at').nullable();
    table.string('assignment_group', 255).nullable();
    table.boolean('major').notNullable().defaultTo(false);
    table.boolean('security').notNullable().defaultTo(false);
    table.boolean('personal_data_breach').notNullable().defaultTo(false);
    table.bigInteger('breach_aware_at').nullable();
    table.bigInteger('authority_notified_at').nullable();
    table.boolean('sla_met').nullable();
    // Entity lists and KPIs filter by open state and by opening time.
    table.index(['opened_at']);
    table.index(['state', 'priority']);
  });

  await knex.schema.createTable('itops_changes', table => {
    recordColumns(table);
    table.string('number', 64).notNullable();
    table.text('title').notNullable();
    table.string('type', 32).notNullable();
    table.string('state', 32).notNullable();
    table.string('source_state', 64).nullable();
    table.string('risk', 32).nullable();
    table.bigInteger('planned_start').nullable();
    table.bigInteger('planned_end').nullable();
    table.bigInteger('actual_start').nullable();
    table.bigInteger('actual_end').nullable();
    table.string('approval', 32).nullable();
    table.bigInteger('approved_at').nullable();
    table.string('outcome', 32).nullable();
    table.string('source_outcome', 64).nullable();
    table.string('implementer_group', 255).nullable();
    // Calendar range queries: changes overlapping [from, to).
    table.index(['planned_start']);
    table.index(['planned_end']);
  });

  await knex.schema.createTable('itops_oncall_shifts', table => {
    recordColumns(table);
    table.string('schedule_name', 255).notNullable();
    table.string('group_name', 255).notNullable();
    table.string('person_name', 255).notNullable();
    table.string('person_email', 255).nullable();
    table.string('person_phone', 64).nullable();
    table.bigInteger('start_at').notNullable();
    table.bigInteger('end_at').notNullable();
    table.integer('escalation_level').notNullable().defaultTo(1);
    table.index(['end_at']);
  });

  await knex.schema.createTable('itops_freeze_windows', table => {
    recordColumns(table);
    table.string('name', 255).notNullable();
    table.text('description').nullable();
    table.bigInteger('start_at').notNullable();
    table.bigInteger('end_at').notNullable();
    table.index(['end_at']);
  });

  await knex.schema.createTable('itops_backup_jobs', table => {
    recordColumns(table);
    table.string('name', 255).notNullable();
    table.text('description').nullable();
    table.text('objects').notNullable().comment('JSON array of names');
    table.string('last_result', 32).nullable();
    table.bigInteger('last_run_at').nullable();
    table.bigInteger('next_run_at').nullable();
    table.boolean('enabled').nullable();
  });

  await knex.schema.createTable('itops_backup_runs', table => {
    recordColumns(table);
    table.string('job_external_id', 255).nullable();
    table.string('job_name', 255).notNullable();
    table.string('kind', 32).notNullable();
    table.string('result', 32).notNullable();
    table.bigInteger('started_at').notNullable();
    table.bigInteger('ended_at').nullable();
    table.text('failed_objects').nullable().comment('JSON array of names');
    table.bigInteger('restore_point_at').nullable();
    table.index(['started_at']);
  });

  await knex.schema.createTable('itops_record_keys', table => {
    table.string('record_table', 32).notNullable();
    table.bigInteger('record_id').notNullable();
    table.string('key_type', 32).notNullable();
    table.string('key_value', 255).notNullable();
    table.primary(['record_table', 'record_id', 'key_type', 'key_value']);
    // Entity → records: look up by key, then by table.
    table.index(['key_type', 'key_value', 'record_table', 'record_id']);
  });

  await knex.schema.createTable('itops_entities', table => {
    table.string('entity_ref', 255).primary();
    table.string('kind', 64).notNullable();
    table.string('title', 255).nullable();
    table.string('owner_ref', 255).nullable();
    table.string('system_ref', 255).nullable();
  });

  await knex.schema.createTable('itops_entity_keys', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('key_type', 32).notNullable();
    table.string('key_value', 255).notNullable();
    // The entity whose annotation gave the key: itself, or for a group or
    // system one of the entities it owns or contains.
    table.string('via_ref', 255).notNullable();
    table.primary(['entity_ref', 'key_type', 'key_value', 'via_ref']);
    table.index(['key_type', 'key_value']);
  });

  await knex.schema.alterTable('itops_sync_state', table => {
    table.timestamp('last_full_sync_at', { useTz: true }).nullable();
    table.timestamp('last_error_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_sync_state', table => {
    table.dropColumn('last_full_sync_at');
    table.dropColumn('last_error_at');
  });
  for (const table of [
    'itops_entity_keys',
    'itops_entities',
    'itops_record_keys',
    'itops_backup_runs',
    'itops_backup_jobs',
    'itops_freeze_windows',
    'itops_oncall_shifts',
    'itops_changes',
    'itops_incidents',
  ]) {
    await knex.schema.dropTable(table);
  }
};
