// @ts-check

/*
 * Conflict detection finds a change's neighbours through the entities'
 * links by planned start (itops_entity_records.sort_at), reading back from
 * each window as far as the longest change it finds that way. Most changes
 * last hours, so that reach is one day, and the changes longer than a day
 * come from this partial index, which holds only them. The predicate is
 * repeated verbatim in src/calendar/storedConflicts.ts (MULTI_DAY_CHANGE): both
 * SQLite and PostgreSQL use a partial index only when the query states it.
 */

const MULTI_DAY_PREDICATE = 'planned_end - planned_start > 86400000';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.raw(
    `create index itops_changes_multi_day_idx on itops_changes (planned_end, planned_start) where ${MULTI_DAY_PREDICATE}`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('drop index itops_changes_multi_day_idx');
};
