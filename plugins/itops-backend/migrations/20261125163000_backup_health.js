// @ts-check

/*
 * What the derived backup health of an entity needs:
 *
 * - itops_entities.rpo: the entity's declared recovery point objective
 *   (annotation `itops.io/rpo`, an ISO 8601 duration) as written, so that
 *   the read API can tell whether the newest restore point meets it without
 *   asking the catalog. Kept as text: an unparseable value is reported as
 *   such instead of being lost.
 * - an index on the runs of a job, which health and KPIs join from the
 *   entity's few jobs to their runs (`job_external_id`, newest first).
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_entities', table => {
    table.string('rpo', 64).nullable();
  });
  await knex.schema.alterTable('itops_backup_runs', table => {
    table.index(
      ['job_external_id', 'kind', 'started_at'],
      'itops_backup_runs_job_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_backup_runs', table => {
    table.dropIndex([], 'itops_backup_runs_job_idx');
  });
  await knex.schema.alterTable('itops_entities', table => {
    table.dropColumn('rpo');
  });
};
