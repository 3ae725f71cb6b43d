// @ts-check

/**
 * Calendar feed tokens expire: a token in a calendar client's URL must not
 * outlive its purpose. Tokens issued before this migration expire 90 days
 * (the default lifetime) after they were created.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_calendar_feed_tokens', table => {
    table
      .bigInteger('expires_at')
      .nullable()
      .comment('epoch ms after which the token is refused');
  });
  await knex('itops_calendar_feed_tokens').update({
    expires_at: knex.raw('created_at + ?', [90 * 24 * 3600 * 1000]),
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_calendar_feed_tokens', table => {
    table.dropColumn('expires_at');
  });
};
