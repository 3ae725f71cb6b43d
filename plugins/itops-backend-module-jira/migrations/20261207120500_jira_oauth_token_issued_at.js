/*
 * When each stored access token was issued, so that it is renewed at a
 * share of its own lifetime (Atlassian says 3600 s, test and proxy setups
 * far less) instead of a fixed time before expiry, which a short-lived
 * token is always within.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_jira_oauth_tokens', table => {
    table.bigInteger('access_issued_at').nullable().comment('Epoch ms');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_jira_oauth_tokens', table => {
    table.dropColumn('access_issued_at');
  });
};
