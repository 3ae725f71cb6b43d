// @ts-check

/**
 * What the last completed run of a capability could not read: the optional
 * upstream calls that failed (so the capability is partial), and how many
 * records it skipped as malformed; and what kind of failure the last failed
 * run met (auth, network, rate limit…), beside its now safe message. All are
 * shown in the sync status.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_sync_state', table => {
    table
      .text('partial')
      .nullable()
      .comment(
        'JSON array of {call, reason, lost}: optional calls the last completed run could not make',
      );
    table
      .integer('last_rejected')
      .notNullable()
      .defaultTo(0)
      .comment('records the last completed run skipped as malformed');
    table
      .string('last_error_kind', 32)
      .nullable()
      .comment(
        'auth, network, rate_limit, upstream, bad_answer, storage, aborted or unknown',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_sync_state', table => {
    table.dropColumn('partial');
    table.dropColumn('last_rejected');
    table.dropColumn('last_error_kind');
  });
};
