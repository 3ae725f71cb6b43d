// @ts-check

/*
 * The root cause a linked post-incident review records (e.g. the
 * ServiceNow problem's cause_notes). Compliance INC-04 counts a linked
 * record as a review only when it carries a root cause. Null on incidents
 * synced before, and where the source does not give one.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.text('review_root_cause').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.dropColumn('review_root_cause');
  });
};
