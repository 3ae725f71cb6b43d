// @ts-check

/*
 * TRUNCATE on PostgreSQL fires no row triggers, so the append-only and
 * disposal-only guards of the compliance tables did not stop it: a
 * TRUNCATE would erase snapshots, results, the disposal ledger and the
 * audit trail without a trace. Statement triggers refuse it on every
 * compliance table that keeps evidence. SQLite has no TRUNCATE (its
 * "DELETE without WHERE" optimisation is disabled by the delete triggers).
 */

const TABLES = [
  'itops_compliance_snapshots',
  'itops_compliance_results',
  'itops_compliance_removals',
  'itops_compliance_disposals',
  'itops_compliance_audit',
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw(`create or replace function itops_compliance_reject_truncate()
    returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: TRUNCATE is refused', tg_table_name;
    end $$`);
  for (const table of TABLES) {
    await knex.raw(`create trigger ${table}_no_truncate
      before truncate on ${table}
      for each statement execute function itops_compliance_reject_truncate()`);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  for (const table of TABLES) {
    await knex.raw(`drop trigger if exists ${table}_no_truncate on ${table}`);
  }
  await knex.raw('drop function if exists itops_compliance_reject_truncate()');
};
