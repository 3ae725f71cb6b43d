// @ts-check

/*
 * The change calendar:
 *
 * - itops_entity_relations: the catalog relations conflict detection follows
 *   (dependsOn, partOf), between entities of itops_entities. Refreshed from
 *   the catalog with the entity mapping's cadence.
 * - itops_entity_tags: catalog tags, which config freeze windows may be
 *   scoped by.
 * - itops_calendar_feed_tokens: per-user tokens for the iCalendar feed. Only
 *   a SHA-256 of the token is kept; revoking deletes the row.
 * - Calendar range indexes on itops_changes. A change overlaps [from, to)
 *   when planned_start < to and its end >= from; neither bound alone is
 *   selective for a month in the middle of the data. Changes are short, so
 *   the calendar reads those of at most SHORT_CHANGE_MS through
 *   (planned_start, planned_end) with planned_start >= from - SHORT_CHANGE_MS,
 *   and the few longer ones through a partial index that holds only them.
 *   The constant is repeated verbatim in src/calendar/changeRange.ts: both
 *   SQLite and PostgreSQL use a partial index only when the query states
 *   its predicate.
 */

const LONG_CHANGE_PREDICATE = 'planned_end - planned_start > 604800000';

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('itops_entity_relations', table => {
    table.comment('Catalog relations between mapped entities, for conflicts');
    table.string('source_ref', 255).notNullable();
    table.string('type', 32).notNullable().comment('dependsOn or partOf');
    table.string('target_ref', 255).notNullable();
    table.primary(['source_ref', 'type', 'target_ref']);
    table.index(['target_ref']);
  });

  await knex.schema.createTable('itops_entity_tags', table => {
    table.comment('Catalog tags of mapped entities, for freeze window scopes');
    table.string('entity_ref', 255).notNullable();
    table.string('tag', 255).notNullable();
    table.primary(['entity_ref', 'tag']);
    table.index(['tag']);
  });

  await knex.schema.createTable('itops_calendar_feed_tokens', table => {
    table.comment('Revocable per-user tokens of the iCalendar feed');
    table.increments('id').primary();
    table.string('user_ref', 255).notNullable();
    table.string('name', 255).notNullable();
    table.string('token_hash', 64).notNullable().unique();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('last_used_at').nullable();
    table.index(['user_ref']);
  });

  await knex.schema.alterTable('itops_changes', table => {
    table.index(['planned_start', 'planned_end'], 'itops_changes_calendar_idx');
  });
  await knex.raw(
    `create index itops_changes_long_calendar_idx on itops_changes (planned_end, planned_start) where ${LONG_CHANGE_PREDICATE}`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('drop index itops_changes_long_calendar_idx');
  await knex.schema.alterTable('itops_changes', table => {
    table.dropIndex(
      ['planned_start', 'planned_end'],
      'itops_changes_calendar_idx',
    );
  });
  await knex.schema.dropTable('itops_calendar_feed_tokens');
  await knex.schema.dropTable('itops_entity_tags');
  await knex.schema.dropTable('itops_entity_relations');
};
