// @ts-check

/*
 * Jira mapping keys scoped to their site. Two Jira sites can use the same
 * project key (PAY on Cloud and on Data Center); an entity that names its
 * site (`itops.io/jira-site`) matches `<site>:<PROJECT>` and
 * `<site>:<PROJECT>/<component>` keys, so that it sees only that site's
 * issues. The Jira module gives every issue these keys besides the
 * unscoped ones; this gives them to the Jira records stored before, so
 * that entities naming their site see their records at once instead of at
 * the next full reconcile, which would rewrite them anyway (the keys are
 * part of the content hash).
 *
 * Key values are stored normalized (lower case), as the sync store does.
 */

const KEY_TYPES = ['jira-project', 'jira-component'];
const RECORDS = [
  { kind: 'incident', table: 'itops_incidents' },
  { kind: 'change', table: 'itops_changes' },
];
const MAX_KEY_LENGTH = 255;

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  for (const { kind, table } of RECORDS) {
    const scoped = "lower(r.source_instance) || ':' || rk.key_value";
    await knex.raw(
      `insert into itops_record_keys (record_table, record_id, key_type, key_value)
       select rk.record_table, rk.record_id, rk.key_type, ${scoped}
         from itops_record_keys rk
         join ${table} r on r.id = rk.record_id
        where rk.record_table = ?
          and r.source_type = 'jira'
          and rk.key_type in (?, ?)
          and length(${scoped}) <= ?
          and not exists (
            select 1 from itops_record_keys other
             where other.record_table = rk.record_table
               and other.record_id = rk.record_id
               and other.key_type = rk.key_type
               and other.key_value = ${scoped})`,
      [kind, ...KEY_TYPES, MAX_KEY_LENGTH],
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const { kind, table } of RECORDS) {
    await knex.raw(
      `delete from itops_record_keys
        where record_table = ?
          and key_type in (?, ?)
          and exists (
            select 1 from ${table} r
             where r.id = itops_record_keys.record_id
               and r.source_type = 'jira'
               and itops_record_keys.key_value like lower(r.source_instance) || ':%')`,
      [kind, ...KEY_TYPES],
    );
  }
};
