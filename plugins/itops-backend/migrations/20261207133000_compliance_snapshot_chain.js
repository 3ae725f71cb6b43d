// @ts-check

/*
 * A hash chain over compliance snapshots: each snapshot's chain_hash
 * covers its own identity and content hash and prev_hash, the chain_hash
 * of the snapshot stored before it, so removing, reordering or altering a
 * snapshot breaks every link after it. The disposal ledger keeps the
 * chain_hash of disposed snapshots, so a chain thinned out by retention
 * still verifies. Snapshots stored before this migration have no chain
 * hash; verification reports them as unchained (their content hash is
 * still checked).
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('itops_compliance_snapshots', table => {
    table.string('prev_hash', 64).nullable();
    table.string('chain_hash', 64).nullable();
  });
  await knex.schema.alterTable('itops_compliance_disposals', table => {
    table.string('chain_hash', 64).nullable();
  });
};

/**
 * Native `drop column` on both databases: knex's SQLite fallback rebuilds
 * the table through a renamed copy, which the retention migration's
 * triggers on these tables refuse.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.raw(
    'alter table itops_compliance_disposals drop column chain_hash',
  );
  await knex.raw(
    'alter table itops_compliance_snapshots drop column chain_hash',
  );
  await knex.raw(
    'alter table itops_compliance_snapshots drop column prev_hash',
  );
};
