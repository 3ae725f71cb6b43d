// @ts-check

/*
 * Incremental compliance snapshots and a controlled retention path.
 *
 * - itops_compliance_snapshots.base_id: an incremental snapshot names the
 *   full snapshot it is stored against; only the results that differ from
 *   the base are stored with it (stored_count), and reads resolve the rest
 *   through the base. Null for full and single-entity snapshots.
 * - itops_compliance_results.result_hash: a hash of each stored result with
 *   its entity context, so the next run finds what changed without reading
 *   the reasons and evidence back. Null on rows written before this.
 * - itops_compliance_removals: entities an incremental snapshot no longer
 *   evaluates although its base did (left the catalog or the selection).
 * - itops_compliance_disposals: the append-only ledger of snapshots deleted
 *   by the retention policy: which snapshot (with its hashes and counts),
 *   when, by whom and under which policy.
 *
 * Snapshots, results and removals still reject every UPDATE. A DELETE is
 * refused unless the snapshot is recorded in the disposal ledger, which
 * itself, like the audit table, rejects updates and deletes: every deletion
 * leaves a permanent record, and nothing else can delete.
 */

const GUARDED = [
  ['itops_compliance_snapshots', 'id'],
  ['itops_compliance_results', 'snapshot_id'],
  ['itops_compliance_removals', 'snapshot_id'],
];
const LEDGER = 'itops_compliance_disposals';

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.dialect === 'postgresql';
}

/**
 * Update and delete triggers of an append-only table, as the compliance
 * migration created them (so that down can restore them).
 * @param {import('knex').Knex} knex
 * @param {string} table
 */
async function appendOnly(knex, table) {
  if (isPostgres(knex)) {
    await knex.raw(`create trigger ${table}_append_only
      before update or delete on ${table}
      for each row execute function itops_compliance_reject_change()`);
    return;
  }
  for (const op of ['update', 'delete']) {
    await knex.raw(`create trigger ${table}_no_${op}
      before ${op} on ${table}
      begin select raise(abort, '${table} is append-only'); end`);
  }
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} table
 */
async function dropAppendOnly(knex, table) {
  if (isPostgres(knex)) {
    await knex.raw(`drop trigger if exists ${table}_append_only on ${table}`);
    return;
  }
  for (const op of ['update', 'delete']) {
    await knex.raw(`drop trigger if exists ${table}_no_${op}`);
  }
}

/**
 * Rejects updates; allows a delete only of a snapshot in the ledger.
 * @param {import('knex').Knex} knex
 * @param {string} table
 * @param {string} column the snapshot id column of the table
 */
async function guard(knex, table, column) {
  if (isPostgres(knex)) {
    await knex.raw(`create trigger ${table}_no_update
      before update on ${table}
      for each row execute function itops_compliance_reject_change()`);
    await knex.raw(`create trigger ${table}_disposal_only
      before delete on ${table}
      for each row execute function itops_compliance_disposal_only('${column}')`);
    return;
  }
  await knex.raw(`create trigger ${table}_no_update
    before update on ${table}
    begin select raise(abort, '${table} is append-only'); end`);
  await knex.raw(`create trigger ${table}_disposal_only
    before delete on ${table}
    when not exists (select 1 from ${LEDGER} where snapshot_id = old.${column})
    begin select raise(abort, '${table} is append-only: only snapshots recorded in ${LEDGER} may be deleted'); end`);
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} table
 */
async function dropGuard(knex, table) {
  if (isPostgres(knex)) {
    await knex.raw(`drop trigger if exists ${table}_no_update on ${table}`);
    await knex.raw(`drop trigger if exists ${table}_disposal_only on ${table}`);
    return;
  }
  await knex.raw(`drop trigger if exists ${table}_no_update`);
  await knex.raw(`drop trigger if exists ${table}_disposal_only`);
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  // Adding nullable columns is an ALTER TABLE ... ADD COLUMN on both
  // databases: no row is rewritten, so the row triggers do not fire.
  await knex.schema.alterTable('itops_compliance_snapshots', table => {
    table
      .string('base_id', 64)
      .nullable()
      .comment('Full snapshot an incremental one is stored against');
    table
      .integer('stored_count')
      .nullable()
      .comment('Result rows stored with the snapshot itself');
    table.index(['base_id']);
  });
  await knex.schema.alterTable('itops_compliance_results', table => {
    table
      .string('result_hash', 64)
      .nullable()
      .comment('sha256 of the result and its entity context');
  });

  await knex.schema.createTable('itops_compliance_removals', table => {
    table.comment(
      'Entities of the base an incremental snapshot no longer evaluates; append-only',
    );
    table.string('snapshot_id', 64).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.primary(['snapshot_id', 'entity_ref']);
  });

  await knex.schema.createTable(LEDGER, table => {
    table.comment('Snapshots deleted under the retention policy; append-only');
    table.bigIncrements('id').primary();
    table.string('snapshot_id', 64).notNullable().unique();
    table.bigInteger('taken_at').notNullable();
    table.string('trigger', 16).notNullable();
    table.string('scope', 255).notNullable();
    table.string('base_id', 64).nullable();
    table.string('content_hash', 64).notNullable();
    table.string('catalogue_hash', 64).notNullable();
    table.integer('result_count').notNullable();
    table.bigInteger('disposed_at').notNullable();
    table.string('actor', 255).notNullable();
    table.text('policy').notNullable().comment('JSON: the policy applied');
    table.text('reason').notNullable();
    table.index(['disposed_at']);
  });

  if (isPostgres(knex)) {
    await knex.raw(`create or replace function itops_compliance_disposal_only()
      returns trigger language plpgsql as $$
      begin
        if not exists (
          select 1 from ${LEDGER}
          where snapshot_id = to_jsonb(old) ->> tg_argv[0]
        ) then
          raise exception '% is append-only: only snapshots recorded in ${LEDGER} may be deleted', tg_table_name;
        end if;
        return old;
      end $$`);
  }
  for (const [table, column] of GUARDED) {
    if (table !== 'itops_compliance_removals') {
      await dropAppendOnly(knex, table);
    }
    await guard(knex, table, column);
  }
  await appendOnly(knex, LEDGER);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const [table] of GUARDED) {
    await dropGuard(knex, table);
  }
  await dropAppendOnly(knex, LEDGER);
  await knex.schema.dropTable(LEDGER);
  await knex.schema.dropTable('itops_compliance_removals');
  if (isPostgres(knex)) {
    await knex.raw('drop function if exists itops_compliance_disposal_only()');
  }
  await knex.schema.alterTable('itops_compliance_results', table => {
    table.dropColumn('result_hash');
  });
  await knex.schema.alterTable('itops_compliance_snapshots', table => {
    table.dropIndex(['base_id']);
    table.dropColumn('base_id');
    table.dropColumn('stored_count');
  });
  for (const table of [
    'itops_compliance_snapshots',
    'itops_compliance_results',
  ]) {
    await appendOnly(knex, table);
  }
};
