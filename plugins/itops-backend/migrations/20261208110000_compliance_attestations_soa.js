// @ts-check

/*
 * Attestations of controls without (or beside) an automated check, and
 * versions of the Statement of Applicability (ISO/IEC 27001 clause
 * 6.1.3 d). Both are registers an auditor relies on, so both are
 * append-only: an attestation is one row, what happens to it later
 * (superseded by a newer one, revoked) is another appended event, and an
 * SoA version is stored once with its content hash and chain link. Triggers
 * reject UPDATE and DELETE on SQLite and PostgreSQL, and TRUNCATE on
 * PostgreSQL.
 */

const ATTESTATIONS = 'itops_compliance_attestations';
const EVENTS = 'itops_compliance_attestation_events';
const SOA = 'itops_compliance_soa_versions';
const TABLES = [ATTESTATIONS, EVENTS, SOA];
const REJECT = 'itops_compliance_register_reject_change';

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.dialect === 'postgresql';
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(ATTESTATIONS, table => {
    table.comment('Attestations of controls per entity; append-only');
    table.bigIncrements('id').primary();
    table.string('framework', 64).notNullable();
    table.string('control', 64).notNullable();
    table.string('entity_ref', 255).notNullable().comment('lower-case ref');
    table.text('statement').notNullable();
    table.text('evidence_url').notNullable();
    table.string('attested_by', 255).notNullable();
    table.bigInteger('attested_at').notNullable();
    table.bigInteger('expires_at').notNullable();
    table.index(['framework', 'control', 'entity_ref', 'id']);
    table.index(['expires_at']);
  });
  await knex.schema.createTable(EVENTS, table => {
    table.comment('What happened to each attestation; append-only');
    table.bigIncrements('id').primary();
    table
      .bigInteger('attestation_id')
      .notNullable()
      .references('id')
      .inTable(ATTESTATIONS);
    table
      .string('event', 16)
      .notNullable()
      .comment('attested | superseded | revoked');
    table.string('actor', 255).notNullable();
    table.bigInteger('at').notNullable();
    table.bigInteger('superseded_by').nullable();
    table.text('reason').nullable();
    table.index(['attestation_id', 'id']);
  });
  await knex.schema.createTable(SOA, table => {
    table.comment('Approved Statement of Applicability versions; append-only');
    table.bigIncrements('seq').primary();
    table.integer('version').notNullable().unique();
    table.string('approved_by', 255).notNullable();
    table.bigInteger('approved_at').notNullable();
    table.text('comment').nullable();
    table.text('content').notNullable().comment('JSON, as hashed');
    table.string('content_hash', 64).notNullable();
    table.string('prev_hash', 64).nullable();
    table.string('chain_hash', 64).notNullable();
  });
  if (isPostgres(knex)) {
    await knex.raw(`create or replace function ${REJECT}()
      returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only', tg_table_name;
      end $$`);
    for (const table of TABLES) {
      await knex.raw(`create trigger ${table}_append_only
        before update or delete on ${table}
        for each row execute function ${REJECT}()`);
      await knex.raw(`create trigger ${table}_no_truncate
        before truncate on ${table}
        for each statement execute function ${REJECT}()`);
    }
    return;
  }
  for (const table of TABLES) {
    for (const op of ['update', 'delete']) {
      await knex.raw(`create trigger ${table}_no_${op}
        before ${op} on ${table}
        begin select raise(abort, '${table} is append-only'); end`);
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [SOA, EVENTS, ATTESTATIONS]) {
    await knex.schema.dropTable(table);
  }
  if (isPostgres(knex)) {
    await knex.raw(`drop function if exists ${REJECT}()`);
  }
};
