// @ts-check

/*
 * Whether the source of an incident's linked review can say if it records
 * a root cause (a Jira site without a configured root cause field cannot).
 * INC-04 then reports the review as "root cause not configured for this
 * source" (no_data) instead of failing it as if no review existed. False
 * on incidents synced before: they were judged on review_root_cause alone.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.boolean('review_root_cause_unknown').notNullable().defaultTo(false);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.dropColumn('review_root_cause_unknown');
  });
};
