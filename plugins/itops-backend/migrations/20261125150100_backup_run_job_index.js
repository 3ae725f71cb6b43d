// @ts-check

/*
 * Runs of a job: runs link to their job by the job's external id within the
 * same source, or by name where the source gives no id (RUN_OF_JOB in
 * src/read/backups.ts). The compliance checks read the runs of every
 * entity's jobs at once, by lists of job ids and of job names; without an
 * index each list is a scan of all runs. The lookup by job id uses
 * `itops_backup_runs_job_idx` (job_external_id, kind, started_at) of the
 * backup health migration; this one adds the lookup by name.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_backup_runs', table => {
    table.index(
      ['job_name', 'started_at'],
      'itops_backup_runs_job_name_started_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_backup_runs', table => {
    table.dropIndex([], 'itops_backup_runs_job_name_started_idx');
  });
};
