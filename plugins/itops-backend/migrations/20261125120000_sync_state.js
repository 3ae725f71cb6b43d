// @ts-check

/**
 * Per-source sync bookkeeping: one row per source instance and capability,
 * so that the API can tell how fresh each source's data is and why it
 * failed, and sync can resume incrementally from the watermark.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('itops_sync_state', table => {
    table.comment(
      'Sync progress and health per source instance and capability',
    );
    table.string('source_type', 64).notNullable().comment('e.g. servicenow');
    table.string('source_instance', 128).notNullable().comment('config name');
    table.string('capability', 32).notNullable().comment('e.g. incidents');
    table
      .string('watermark', 255)
      .nullable()
      .comment('resume point of incremental sync');
    table.timestamp('last_attempt_at', { useTz: true }).nullable();
    table.timestamp('last_success_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
    table.integer('record_count').notNullable().defaultTo(0);
    table.primary(['source_type', 'source_instance', 'capability']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('itops_sync_state');
};
