// @ts-check

/*
 * A snapshot records the attestations in force when it was taken (the
 * newest attestation of each control and entity that was neither
 * superseded nor revoked then, with its state), as it records the check
 * catalogue: `attestations` is their canonical JSON and
 * `attestations_hash` its SHA-256, which the snapshot's chain hash covers.
 * Exports and the print view of an old snapshot render its attestations
 * from here, whatever the register says today. Null on snapshots taken
 * before: they are reported as not recording attestations.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_compliance_snapshots', table => {
    table.text('attestations').nullable();
    table.string('attestations_hash', 64).nullable();
  });
};

/**
 * Native `drop column` on both databases: knex's SQLite fallback rebuilds
 * the table through a renamed copy, which the triggers on it refuse.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.raw(
    'alter table itops_compliance_snapshots drop column attestations_hash',
  );
  await knex.raw(
    'alter table itops_compliance_snapshots drop column attestations',
  );
};
