// @ts-check

/*
 * A reusable guard for append-only compliance tables (knex loads only the
 * .js files directly in migrations/, so this folder is not a migration).
 *
 * guardAppendOnly(knex, table, { permit }) makes the database refuse every
 * UPDATE, DELETE and (PostgreSQL) TRUNCATE on `table`, except the
 * operations named in `permit` when they run inside the retention job's
 * transaction:
 *
 * - PostgreSQL: the job calls set_config('itops.retention',
 *   txid_current()::text, true) in its transaction and the trigger
 *   compares the setting with the id of the transaction it runs in. The
 *   setting is transaction-local and names that one transaction, so a
 *   value set for the session, or left from an earlier transaction, does
 *   not count: nothing done outside the job's transaction, a hand-inserted
 *   ledger row included, can delete or update a row. TRUNCATE is refused
 *   always; the retention job never needs it.
 * - SQLite: the job inserts the single row of itops_retention_permit at
 *   the start of its transaction and deletes it before committing. SQLite
 *   has no session variables, no way for a trigger to ask which
 *   transaction or connection it runs in, and no commit-time trigger, so a
 *   row that exists only inside the job's own uncommitted transaction is
 *   the strongest marker it allows: other connections never see it (one
 *   writer, readers see committed state only), and the permit's primary
 *   key admits one row, so a permit left behind by someone else makes the
 *   job's own insert fail instead of going unnoticed. SQLite has no
 *   TRUNCATE, and the delete triggers disable its truncate optimisation.
 *
 * Neither marker is a privilege boundary against someone who can also run
 * set_config or insert the permit: it makes a change outside the retention
 * job a deliberate, visible act rather than a stray statement. Restricting
 * who may connect as the table owner stays the database administrator's
 * job.
 *
 * Trigger names are <table>_guard (PostgreSQL row trigger), <table>_guard_truncate
 * (PostgreSQL statement trigger) and <table>_guard_update / <table>_guard_delete
 * (SQLite), so they sit beside older triggers of the same table.
 */

const SETTING = 'itops.retention';
const PERMIT = 'itops_retention_permit';
const FUNCTION = 'itops_append_only_guard';

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.dialect === 'postgresql';
}

/**
 * Creates what the guards rely on: the trigger function on PostgreSQL, the
 * permit table on SQLite. Idempotent, so each migration using the guard
 * may call it.
 * @param {import('knex').Knex} knex
 */
async function installAppendOnlyGuard(knex) {
  if (isPostgres(knex)) {
    await knex.raw(`create or replace function ${FUNCTION}()
      returns trigger language plpgsql as $$
      begin
        if tg_op = 'TRUNCATE' then
          raise exception '% is append-only: TRUNCATE is refused', tg_table_name;
        end if;
        if lower(tg_op) = any(tg_argv)
          and coalesce(current_setting('${SETTING}', true), '') = txid_current()::text then
          if tg_op = 'DELETE' then return old; end if;
          return new;
        end if;
        raise exception '% is append-only: % is refused outside the retention job', tg_table_name, tg_op;
      end $$`);
    return;
  }
  if (!(await knex.schema.hasTable(PERMIT))) {
    await knex.raw(`create table ${PERMIT} (
      id integer primary key check (id = 1),
      opened_at integer not null
    )`);
  }
}

/**
 * Drops what installAppendOnlyGuard created; only the migration that first
 * installed it should call this, after every guard is gone.
 * @param {import('knex').Knex} knex
 */
async function uninstallAppendOnlyGuard(knex) {
  if (isPostgres(knex)) {
    await knex.raw(`drop function if exists ${FUNCTION}()`);
    return;
  }
  await knex.raw(`drop table if exists ${PERMIT}`);
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} table
 * @param {{ permit?: Array<'update' | 'delete'> }} [options] operations the
 *   retention job may perform; none by default
 */
async function guardAppendOnly(knex, table, options = {}) {
  const permit = options.permit ?? [];
  await installAppendOnlyGuard(knex);
  if (isPostgres(knex)) {
    const args = permit.map(op => `'${op}'`).join(', ');
    await knex.raw(`create trigger ${table}_guard
      before update or delete on ${table}
      for each row execute function ${FUNCTION}(${args})`);
    await knex.raw(`create trigger ${table}_guard_truncate
      before truncate on ${table}
      for each statement execute function ${FUNCTION}()`);
    return;
  }
  for (const op of /** @type {const} */ (['update', 'delete'])) {
    const when = permit.includes(op)
      ? `when not exists (select 1 from ${PERMIT})`
      : '';
    await knex.raw(`create trigger ${table}_guard_${op}
      before ${op} on ${table} ${when}
      begin select raise(abort, '${table} is append-only: ${op.toUpperCase()} is refused outside the retention job'); end`);
  }
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} table
 */
async function unguardAppendOnly(knex, table) {
  if (isPostgres(knex)) {
    await knex.raw(`drop trigger if exists ${table}_guard on ${table}`);
    await knex.raw(
      `drop trigger if exists ${table}_guard_truncate on ${table}`,
    );
    return;
  }
  for (const op of ['update', 'delete']) {
    await knex.raw(`drop trigger if exists ${table}_guard_${op}`);
  }
}

module.exports = {
  RETENTION_SETTING: SETTING,
  RETENTION_PERMIT_TABLE: PERMIT,
  installAppendOnlyGuard,
  uninstallAppendOnlyGuard,
  guardAppendOnly,
  unguardAppendOnly,
};
