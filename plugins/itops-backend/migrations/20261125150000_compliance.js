// @ts-check

/*
 * Compliance scorecards.
 *
 * - itops_compliance_entities: the catalog facts checks read (lifecycle,
 *   tier, annotations, owner), refreshed from the catalog before each run.
 * - itops_compliance_snapshots / itops_compliance_results: one snapshot per
 *   evaluation run with its results. Both are append-only: triggers reject
 *   updates and deletes, so what a past date showed can always be shown again.
 * - itops_compliance_waivers: exceptions per check and entity, with
 *   requester, approver and expiry. Decisions update the row; every action is
 *   also appended to itops_compliance_audit, which like the snapshots
 *   rejects updates and deletes.
 * Times are epoch milliseconds, like the record tables.
 */

const APPEND_ONLY = [
  'itops_compliance_snapshots',
  'itops_compliance_results',
  'itops_compliance_audit',
];

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
      for each row execute function itops_compliance_reject_change()`);
    return;
  }
  for (const op of ['update', 'delete']) {
    await knex.raw(`create trigger ${table}_no_${op}
      before ${op} on ${table}
      begin select raise(abort, '${table} is append-only'); end`);
  }
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('itops_compliance_entities', table => {
    table.comment('Catalog facts compliance checks read, per evaluated entity');
    table.string('entity_ref', 255).primary();
    table.string('kind', 64).notNullable();
    table.string('title', 255).nullable();
    table.string('owner_ref', 255).nullable();
    table
      .string('owner_state', 32)
      .notNullable()
      .comment('group | group_empty | unresolved | none');
    table.string('system_ref', 255).nullable();
    table.string('lifecycle', 64).nullable();
    table.integer('tier').nullable();
    table.text('annotations').notNullable().comment('JSON object');
    table.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('itops_compliance_snapshots', table => {
    table.comment('One compliance evaluation run; append-only');
    // seq orders runs taken in the same millisecond; id is the public handle.
    table.bigIncrements('seq').primary();
    table.string('id', 64).notNullable().unique();
    table.bigInteger('taken_at').notNullable();
    table.string('trigger', 16).notNullable();
    table.string('scope', 255).notNullable().comment("'all' or an entity ref");
    table.string('catalogue_hash', 64).notNullable();
    table
      .text('catalogue')
      .notNullable()
      .comment('JSON: checks and thresholds in force');
    table.string('content_hash', 64).notNullable();
    table.integer('entity_count').notNullable();
    table.integer('result_count').notNullable();
    table.integer('duration_ms').notNullable();
    table.index(['scope', 'taken_at']);
    table.index(['taken_at']);
  });

  await knex.schema.createTable('itops_compliance_results', table => {
    table.comment('Check results of a snapshot; append-only');
    table.string('snapshot_id', 64).notNullable();
    table.string('entity_ref', 255).notNullable();
    // Copied from the facts at evaluation time, so that past snapshots are
    // filtered by the team, system and tier the entity had then.
    table.string('owner_ref', 255).nullable();
    table.string('system_ref', 255).nullable();
    table.integer('tier').nullable();
    table.string('check_id', 32).notNullable();
    table.integer('check_version').notNullable();
    table.string('status', 16).notNullable();
    table.string('underlying_status', 16).nullable();
    table.double('value').nullable();
    table.double('numerator').nullable();
    table.double('denominator').nullable();
    table.text('reason').notNullable();
    table.text('evidence').notNullable().comment('JSON array of evidence refs');
    table.integer('evidence_total').nullable();
    table.string('waiver_id', 64).nullable();
    table.primary(['snapshot_id', 'entity_ref', 'check_id']);
    table.index(['entity_ref', 'snapshot_id']);
  });

  await knex.schema.createTable('itops_compliance_waivers', table => {
    table.comment('Exceptions per check and entity');
    table.string('id', 64).primary();
    table.string('check_id', 32).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.text('justification').notNullable();
    table.text('compensating_control').nullable();
    table.string('requested_by', 255).notNullable();
    table.bigInteger('requested_at').notNullable();
    table.bigInteger('expires_at').notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('pending | approved | rejected | revoked');
    table.string('decided_by', 255).nullable();
    table.bigInteger('decided_at').nullable();
    table.text('decision_comment').nullable();
    table.index(['entity_ref', 'check_id']);
    table.index(['status', 'expires_at']);
  });

  await knex.schema.createTable('itops_compliance_audit', table => {
    table.comment('Append-only trail of compliance actions');
    table.bigIncrements('id').primary();
    table.bigInteger('at').notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 64).notNullable();
    table.string('object_type', 32).notNullable();
    table.string('object_id', 255).notNullable();
    table.text('before').nullable().comment('JSON');
    table.text('after').nullable().comment('JSON');
    table.index(['object_type', 'object_id']);
    table.index(['at']);
  });

  if (isPostgres(knex)) {
    await knex.raw(`create or replace function itops_compliance_reject_change()
      returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only', tg_table_name;
      end $$`);
  }
  for (const table of APPEND_ONLY) {
    await protect(knex, table);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'itops_compliance_audit',
    'itops_compliance_waivers',
    'itops_compliance_results',
    'itops_compliance_snapshots',
    'itops_compliance_entities',
  ]) {
    await knex.schema.dropTable(table);
  }
  if (isPostgres(knex)) {
    await knex.raw('drop function if exists itops_compliance_reject_change()');
  }
};
