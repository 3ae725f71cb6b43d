// @ts-check

/*
 * The changes the source links to an incident (ServiceNow caused_by and
 * rfc, Jira issue links to change issues), as a JSON list in one column:
 * the row's upsert replaces the list with the rest of the incident, in the
 * same statement, so a resync without links clears it and a failed run
 * leaves it as it was. Null on incidents synced before, and where the
 * source does not say.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.text('linked_changes').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.dropColumn('linked_changes');
  });
};
