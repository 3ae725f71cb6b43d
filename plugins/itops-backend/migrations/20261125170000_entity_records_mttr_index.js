// @ts-check

/*
 * MTTR from the entity links alone: an incident link's `sort_at` is its
 * opening and `end_at` its resolution, so the mean of `end_at - sort_at`
 * over the links resolved in a window is the MTTR. With `sort_at` in the
 * end-time index, that is an index-only scan; a team's thousands of
 * incidents are no longer fetched one by one.
 */

const OLD = ['entity_ref', 'record_table', 'end_at'];
const NEW = ['entity_ref', 'record_table', 'end_at', 'sort_at'];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_entity_records', table => {
    table.dropIndex(OLD);
    table.index(NEW);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_entity_records', table => {
    table.dropIndex(NEW);
    table.index(OLD);
  });
};
