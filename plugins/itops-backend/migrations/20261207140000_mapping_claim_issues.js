// @ts-check

/*
 * Claims of mapping keys that the claim policies (`itops.mapping.claims`)
 * withheld or refused, as the last mapping refresh decided them: stored so
 * that every backend instance lists the same ones, and so that a refresh
 * logs only what changed since the stored decision.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('itops_mapping_claim_issues', table => {
    table.string('key_type', 64).notNullable();
    table.string('key_value', 255).notNullable();
    table.string('decision', 16).notNullable();
    // JSON arrays of entity refs; read whole, never queried into.
    table.text('claimants').notNullable();
    table.text('granted').notNullable();
    table.text('reason').notNullable();
    // Epoch ms when this decision (same claimants and outcome) was first stored.
    table.bigInteger('detected_at').notNullable();
    table.primary(['key_type', 'key_value']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('itops_mapping_claim_issues');
};
