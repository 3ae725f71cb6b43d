// @ts-check

/*
 * The waiver register as an append-only record.
 *
 * - itops_compliance_waiver_events: every decision on a waiver (approve,
 *   reject, revoke, expire) as its own row, with the actor, the time and
 *   the comment. A waiver's status is derived from its events, so a
 *   revocation no longer overwrites who approved it.
 * - itops_compliance_waivers keeps the request only (check, entity,
 *   justification, requester, expiry); its status and decided_* columns
 *   are frozen at what they were when this migration ran and are no longer
 *   read.
 * Both tables reject UPDATE and DELETE with triggers on SQLite and
 * PostgreSQL, and TRUNCATE on PostgreSQL.
 *
 * Existing decisions are copied into events. A waiver revoked before this
 * migration had its approver overwritten by the revoker; its approval is
 * not recoverable, so only the revocation is recorded (with the comment
 * saying so).
 */

const EVENTS = 'itops_compliance_waiver_events';
const WAIVERS = 'itops_compliance_waivers';

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.dialect === 'postgresql';
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} table
 */
async function protect(knex, table) {
  if (isPostgres(knex)) {
    await knex.raw(`create trigger ${table}_append_only
      before update or delete on ${table}
      for each row execute function itops_compliance_waiver_reject_change()`);
    await knex.raw(`create trigger ${table}_no_truncate
      before truncate on ${table}
      for each statement execute function itops_compliance_waiver_reject_change()`);
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
async function unprotect(knex, table) {
  if (isPostgres(knex)) {
    await knex.raw(`drop trigger if exists ${table}_append_only on ${table}`);
    await knex.raw(`drop trigger if exists ${table}_no_truncate on ${table}`);
    return;
  }
  for (const op of ['update', 'delete']) {
    await knex.raw(`drop trigger if exists ${table}_no_${op}`);
  }
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(EVENTS, table => {
    table.comment('Decisions on compliance waivers; append-only');
    table.bigIncrements('id').primary();
    table.string('waiver_id', 64).notNullable();
    table
      .string('event', 16)
      .notNullable()
      .comment('approve | reject | revoke | expire');
    table.string('actor', 255).notNullable();
    table.bigInteger('at').notNullable();
    table.text('comment').nullable();
    table.index(['waiver_id', 'id']);
  });

  const decided = await knex(WAIVERS)
    .whereIn('status', ['approved', 'rejected', 'revoked'])
    .whereNotNull('decided_by');
  /** @type {Record<string, string>} */
  const eventOf = {
    approved: 'approve',
    rejected: 'reject',
    revoked: 'revoke',
  };
  for (const row of decided) {
    await knex(EVENTS).insert({
      waiver_id: row.id,
      event: eventOf[row.status],
      actor: row.decided_by,
      at: row.decided_at ?? row.requested_at,
      comment:
        row.status === 'revoked'
          ? `${
              row.decision_comment ?? ''
            } (migrated: the approval of this waiver was overwritten by its revocation before decisions were recorded as events)`.trim()
          : row.decision_comment,
    });
  }

  if (isPostgres(knex)) {
    await knex.raw(`create or replace function itops_compliance_waiver_reject_change()
      returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only', tg_table_name;
      end $$`);
  }
  await protect(knex, EVENTS);
  await protect(knex, WAIVERS);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await unprotect(knex, WAIVERS);
  await unprotect(knex, EVENTS);
  await knex.schema.dropTable(EVENTS);
  if (isPostgres(knex)) {
    await knex.raw(
      'drop function if exists itops_compliance_waiver_reject_change()',
    );
  }
};
