// @ts-check

/*
 * Incident fields three compliance checks need:
 *
 * - assigned_at: when the incident first got an assignment group or
 *   assignee (INC-01 times assignment from opening);
 * - review_reference, review_url, review_completed, review_completed_at:
 *   the linked post-incident review (INC-04);
 * - notification_delay_reason: why a personal-data breach was notified
 *   after 72 hours (NTF-01, GDPR art. 33(1)).
 *
 * All nullable: records synced before this migration, and sources that do
 * not know a field, leave them empty, which the checks read as "unknown".
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.bigInteger('assigned_at').nullable();
    table.text('review_reference').nullable();
    table.text('review_url').nullable();
    table.boolean('review_completed').nullable();
    table.bigInteger('review_completed_at').nullable();
    table.text('notification_delay_reason').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.dropColumn('notification_delay_reason');
    table.dropColumn('review_completed_at');
    table.dropColumn('review_completed');
    table.dropColumn('review_url');
    table.dropColumn('review_reference');
    table.dropColumn('assigned_at');
  });
};
