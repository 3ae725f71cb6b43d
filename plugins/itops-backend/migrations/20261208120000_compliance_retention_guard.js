// @ts-check

/*
 * Deletions of compliance snapshots only through the retention job.
 *
 * Until now a snapshot (with its results and removals) could be deleted by
 * anyone who first inserted a row naming it into the disposal ledger. The
 * tables now also carry the append-only guard of lib/appendOnlyGuard.js:
 * a DELETE is refused unless it runs inside the retention job's own
 * transaction (a transaction-local setting on PostgreSQL, a permit row
 * that lives only inside that transaction on SQLite), and the ledger
 * check stays, so a deletion needs both the job and its ledger record.
 * The older triggers (no UPDATE, ledger check, no TRUNCATE) are left as
 * they were: the guard adds to them.
 */

const {
  guardAppendOnly,
  unguardAppendOnly,
  uninstallAppendOnlyGuard,
} = require('./lib/appendOnlyGuard');

const TABLES = [
  'itops_compliance_snapshots',
  'itops_compliance_results',
  'itops_compliance_removals',
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const table of TABLES) {
    await guardAppendOnly(knex, table, { permit: ['delete'] });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of TABLES) {
    await unguardAppendOnly(knex, table);
  }
  await uninstallAppendOnlyGuard(knex);
};
