/*
 * The OAuth 2.0 (3LO) tokens of Jira Cloud sites. Atlassian rotates the
 * refresh token on every refresh and invalidates the old one, so the newest
 * must survive restarts and be shared by every backend replica; config only
 * holds the one from the consent flow.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('itops_jira_oauth_tokens', table => {
    table.comment('Rotated OAuth refresh tokens of Jira sites');
    table
      .string('site', 255)
      .primary()
      .notNullable()
      .comment('Site name from itops.jira.sites');
    table
      .string('seed_hash', 64)
      .notNullable()
      .comment(
        'SHA-256 of the configured refresh token this chain started from',
      );
    table.text('refresh_token').notNullable();
    table.text('access_token').nullable();
    table.bigInteger('access_expires_at').nullable().comment('Epoch ms');
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('itops_jira_oauth_tokens');
};
