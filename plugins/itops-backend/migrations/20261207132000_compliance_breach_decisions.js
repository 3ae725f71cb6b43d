// @ts-check

/*
 * Decisions on personal-data breaches (GDPR art. 33 and 34), which
 * ServiceNow and Jira rarely model: whether a breach is notifiable to the
 * supervisory authority, when it was notified, whether it is likely to
 * result in a high risk to data subjects and whether they were told, or
 * which art. 34(3) exemption applies. Each decision is appended with the
 * person who decided, when, why and a link to the record behind it; the
 * newest of each kind counts. Append-only: triggers reject UPDATE and
 * DELETE on SQLite and PostgreSQL, and TRUNCATE on PostgreSQL.
 */

const TABLE = 'itops_compliance_breach_decisions';

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.dialect === 'postgresql';
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable(TABLE, table => {
    table.comment('Recorded GDPR breach decisions; append-only');
    table.bigIncrements('id').primary();
    table
      .string('breach_ref', 255)
      .notNullable()
      .comment('the incident number of the breach');
    table
      .string('decision', 32)
      .notNullable()
      .comment(
        'notifiable | not_notifiable | communicated | communication_exempt',
      );
    table.boolean('high_risk').nullable().comment('art. 34(1) assessment');
    table.bigInteger('notified_at').nullable().comment('authority notified');
    table.text('delay_reason').nullable().comment('art. 33(1) reasons');
    table.string('exemption', 16).nullable().comment('34(3)(a) | (b) | (c)');
    table.string('decided_by', 255).notNullable();
    table.bigInteger('decided_at').notNullable();
    table.text('reason').notNullable();
    table.text('link').nullable();
    table.string('recorded_by', 255).notNullable();
    table.bigInteger('recorded_at').notNullable();
    table.index(['breach_ref', 'id']);
  });
  if (isPostgres(knex)) {
    await knex.raw(`create or replace function itops_compliance_breach_reject_change()
      returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only', tg_table_name;
      end $$`);
    await knex.raw(`create trigger ${TABLE}_append_only
      before update or delete on ${TABLE}
      for each row execute function itops_compliance_breach_reject_change()`);
    await knex.raw(`create trigger ${TABLE}_no_truncate
      before truncate on ${TABLE}
      for each statement execute function itops_compliance_breach_reject_change()`);
    return;
  }
  for (const op of ['update', 'delete']) {
    await knex.raw(`create trigger ${TABLE}_no_${op}
      before ${op} on ${TABLE}
      begin select raise(abort, '${TABLE} is append-only'); end`);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable(TABLE);
  if (isPostgres(knex)) {
    await knex.raw(
      'drop function if exists itops_compliance_breach_reject_change()',
    );
  }
};
