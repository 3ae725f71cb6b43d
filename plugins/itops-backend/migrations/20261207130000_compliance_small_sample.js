// @ts-check

/*
 * Compliance results judged on fewer events than the check's
 * minPopulation carry small_sample = true: the rate is still judged (a
 * small population is evidence, not its absence), and the flag tells the
 * reader how much weight it bears. Null on results stored before.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_compliance_results', table => {
    table.boolean('small_sample').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('itops_compliance_results', table => {
    table.dropColumn('small_sample');
  });
};
