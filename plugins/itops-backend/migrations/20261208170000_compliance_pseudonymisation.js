// @ts-check

/*
 * Pseudonymisation of person refs by the retention job.
 *
 * The compliance records that name people (waivers and their events,
 * breach decisions, attestations and their events, the audit trail, and
 * snapshot results whose evidence names on-call persons) refused every
 * UPDATE. They now accept an UPDATE only inside the retention job's own
 * transaction (lib/appendOnlyGuard.js with permit ['update']), which is
 * where pseudonymisation rewrites names; direct UPDATEs stay refused and
 * deletes stay as they were (refused, or for snapshot results only by the
 * retention job with a ledger record).
 *
 * Rewriting evidence changes a snapshot's content hash, so each rewrite
 * is recorded in itops_compliance_pseudonymisations: the snapshot, the
 * content hash before and after, chained to the previous record. The
 * snapshot's own chain hash keeps covering its original content hash,
 * and verification accepts a current content hash only when it is the
 * end of an unbroken run of such records starting at that original. The
 * record table is append-only and accepts inserts only from the
 * retention job, so a hand-inserted record cannot launder a tampered row.
 */

const {
  RETENTION_PERMIT_TABLE,
  guardAppendOnly,
  unguardAppendOnly,
} = require('./lib/appendOnlyGuard');

const PSEUDONYMISATIONS = 'itops_compliance_pseudonymisations';

/** Tables whose legacy guard refuses UPDATE and DELETE in one trigger. */
const RECORD_TABLES = [
  'itops_compliance_waivers',
  'itops_compliance_waiver_events',
  'itops_compliance_breach_decisions',
  'itops_compliance_attestations',
  'itops_compliance_attestation_events',
  'itops_compliance_audit',
];
const RESULTS = 'itops_compliance_results';

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.dialect === 'postgresql';
}

/**
 * The function a legacy PostgreSQL trigger executes, so down can restore
 * the trigger exactly (each migration named its own reject function).
 * @param {import('knex').Knex} knex
 * @param {string} table
 * @param {string} trigger
 */
async function triggerFunction(knex, table, trigger) {
  const result = await knex.raw(
    `select p.proname as fn from pg_trigger t join pg_proc p on p.oid = t.tgfoid
      where t.tgname = ? and t.tgrelid = ?::regclass`,
    [trigger, table],
  );
  const row = result.rows[0];
  if (!row) throw new Error(`Trigger ${trigger} on ${table} not found`);
  return String(row.fn);
}

/**
 * Narrows a record table's legacy guard to DELETE and lets the append-only
 * guard decide UPDATEs.
 * @param {import('knex').Knex} knex
 * @param {string} table
 */
async function permitUpdates(knex, table) {
  if (isPostgres(knex)) {
    const fn = await triggerFunction(knex, table, `${table}_append_only`);
    await knex.raw(`drop trigger ${table}_append_only on ${table}`);
    await knex.raw(`create trigger ${table}_append_only
      before delete on ${table}
      for each row execute function ${fn}()`);
  } else {
    await knex.raw(`drop trigger if exists ${table}_no_update`);
  }
  await guardAppendOnly(knex, table, { permit: ['update'] });
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} table
 */
async function refuseUpdates(knex, table) {
  await unguardAppendOnly(knex, table);
  if (isPostgres(knex)) {
    const fn = await triggerFunction(knex, table, `${table}_append_only`);
    await knex.raw(`drop trigger ${table}_append_only on ${table}`);
    await knex.raw(`create trigger ${table}_append_only
      before update or delete on ${table}
      for each row execute function ${fn}()`);
    return;
  }
  await knex.raw(`create trigger ${table}_no_update
    before update on ${table}
    begin select raise(abort, '${table} is append-only'); end`);
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(PSEUDONYMISATIONS, table => {
    table.comment(
      'Pseudonymisations of snapshot results by the retention job; append-only, chained',
    );
    table.bigIncrements('id').primary();
    table.string('snapshot_id', 64).notNullable();
    table.bigInteger('at').notNullable();
    table.string('before_hash', 64).notNullable();
    table.string('after_hash', 64).notNullable();
    table.string('prev_hash', 64).nullable();
    table.string('chain_hash', 64).notNullable();
    table.index(['snapshot_id', 'id']);
  });
  await guardAppendOnly(knex, PSEUDONYMISATIONS);
  // Inserts too only inside the retention job's transaction.
  if (isPostgres(knex)) {
    await knex.raw(`create trigger ${PSEUDONYMISATIONS}_guard_insert
      before insert on ${PSEUDONYMISATIONS}
      for each row execute function itops_append_only_guard('insert')`);
  } else {
    await knex.raw(`create trigger ${PSEUDONYMISATIONS}_guard_insert
      before insert on ${PSEUDONYMISATIONS}
      when not exists (select 1 from ${RETENTION_PERMIT_TABLE})
      begin select raise(abort, '${PSEUDONYMISATIONS} accepts records only from the retention job'); end`);
  }

  for (const table of RECORD_TABLES) await permitUpdates(knex, table);

  await knex.raw(
    isPostgres(knex)
      ? `drop trigger ${RESULTS}_no_update on ${RESULTS}`
      : `drop trigger if exists ${RESULTS}_no_update`,
  );
  await unguardAppendOnly(knex, RESULTS);
  await guardAppendOnly(knex, RESULTS, { permit: ['delete', 'update'] });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await unguardAppendOnly(knex, RESULTS);
  await guardAppendOnly(knex, RESULTS, { permit: ['delete'] });
  if (isPostgres(knex)) {
    await knex.raw(`create trigger ${RESULTS}_no_update
      before update on ${RESULTS}
      for each row execute function itops_compliance_reject_change()`);
  } else {
    await knex.raw(`create trigger ${RESULTS}_no_update
      before update on ${RESULTS}
      begin select raise(abort, '${RESULTS} is append-only'); end`);
  }

  for (const table of RECORD_TABLES) await refuseUpdates(knex, table);

  await knex.raw(
    isPostgres(knex)
      ? `drop trigger if exists ${PSEUDONYMISATIONS}_guard_insert on ${PSEUDONYMISATIONS}`
      : `drop trigger if exists ${PSEUDONYMISATIONS}_guard_insert`,
  );
  await unguardAppendOnly(knex, PSEUDONYMISATIONS);
  await knex.schema.dropTable(PSEUDONYMISATIONS);
};
