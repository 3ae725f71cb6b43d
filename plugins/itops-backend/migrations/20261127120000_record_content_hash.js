// @ts-check

/*
 * A hash of what a sync stored for each record: its columns (without the
 * run that saw it) and its mapping keys. A full reconcile reads every
 * record again, and most are unchanged; the sync store compares hashes and
 * only marks those as seen, instead of rewriting their row, keys and
 * entity links, which also made every entity's rollup stale for the length
 * of the reconcile. Rows written before this migration have none, and are
 * rewritten (and hashed) the next time a sync reads them.
 */

const TABLES = [
  'itops_incidents',
  'itops_changes',
  'itops_oncall_shifts',
  'itops_freeze_windows',
  'itops_backup_jobs',
  'itops_backup_runs',
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const name of TABLES) {
    await knex.schema.alterTable(name, table => {
      table.string('content_hash', 64).nullable();
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of TABLES) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('content_hash');
    });
  }
};
