// @ts-check

/*
 * An incident's category and subcategory as its source names them
 * (CAP-01 counts capacity incidents). NULL: the source does not provide
 * them (not configured, or the column hidden); an empty string: read, and
 * the incident has none. Incidents synced before have neither until their
 * next sync.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.string('category', 255).nullable();
    table.string('subcategory', 255).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_incidents', table => {
    table.dropColumn('category');
    table.dropColumn('subcategory');
  });
};
