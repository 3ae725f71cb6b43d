// @ts-check

/*
 * Per-entity rollups: the entity summary's counts and the default-window
 * KPIs, computed ahead of requests so that an entity tab reads one row
 * instead of aggregating its links on every request.
 *
 * itops_entity_rollups holds one row per entity: the facts (JSON), when
 * they were computed and the KPI window they cover. A rollup is used only
 * while it is young and its entity has no row in
 * itops_entity_rollup_stale, which the sync store and the entity mapper
 * write, in their own transactions, whenever they change an entity's links.
 * The stale table only ever gets inserts, so concurrent sync runs never
 * wait on one another's rollup rows; the refresher deletes an entity's
 * stale rows before computing its facts, so a write that commits meanwhile
 * leaves the new rollup stale rather than wrongly fresh.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('itops_entity_rollups', table => {
    table.string('entity_ref', 255).primary().notNullable();
    table.bigInteger('computed_at').notNullable();
    table.bigInteger('kpi_window_ms').notNullable();
    table.text('facts').notNullable();
    // The refresher's pick of rollups that aged.
    table.index(['computed_at']);
  });
  await knex.schema.createTable('itops_entity_rollup_stale', table => {
    table.bigIncrements('id');
    table.string('entity_ref', 255).notNullable();
    table.index(['entity_ref']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('itops_entity_rollup_stale');
  await knex.schema.dropTable('itops_entity_rollups');
};
