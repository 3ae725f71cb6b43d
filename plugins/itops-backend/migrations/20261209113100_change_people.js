// @ts-check

/*
 * Who requested a change and who implements it, as the source's own user
 * ids (SOD-01 compares them; they are never shown). NULL: not recorded or
 * not readable. Changes synced before have neither until their next sync.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_changes', table => {
    table.string('requested_by', 255).nullable();
    table.string('implemented_by', 255).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_changes', table => {
    table.dropColumn('requested_by');
    table.dropColumn('implemented_by');
  });
};
