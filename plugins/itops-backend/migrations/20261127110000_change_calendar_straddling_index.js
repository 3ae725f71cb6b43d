// @ts-check

/*
 * The calendar reads a range's changes in planned-start order in three
 * parts (see calendarParts in src/read/changes.ts): the long ones,
 * those that start in the SHORT_CHANGE_MS before the range and still run
 * into it, and those starting in it. For the middle part the week before a
 * month holds thousands of changes, and only the few still running matter:
 * with the id in the index, PostgreSQL finds their ids from the index alone
 * (index-only scan) instead of fetching every change of that week to test
 * its end. SQLite's indexes carry the row id already; the index is created
 * there too, so that both schemas are the same.
 */

const COLUMNS = ['planned_start', 'planned_end', 'id'];
const NAME = 'itops_changes_calendar_ids_idx';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_changes', table => {
    table.index(COLUMNS, NAME);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_changes', table => {
    table.dropIndex(COLUMNS, NAME);
  });
};
