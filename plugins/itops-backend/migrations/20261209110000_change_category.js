// @ts-check

/*
 * A change's category as its source names it, and when it was raised
 * (VUL-01 measures security patches from being raised to being done).
 * NULL: the source does not provide it (not configured, or the column
 * hidden); an empty string: read, and the change has none. Changes synced
 * before have neither until their next sync.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_changes', table => {
    table.string('category', 255).nullable();
    table.bigInteger('opened_at').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_changes', table => {
    table.dropColumn('category');
    table.dropColumn('opened_at');
  });
};
