import type { Knex } from 'knex';
import { ENTITY_ROLLUPS, STALE_ROLLUPS } from '../database/rollupStaleness';
import { KpiCalculator } from '../kpis/KpiCalculator';
import { EntityRollups } from '../rollups/EntityRollups';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Computes every due entity rollup now, as the plugin's refresher would
 * with `itops.kpis.windowDays` = `kpiWindowDays`; returns how many.
 */
export function refreshEntityRollups(
  knex: Knex,
  kpiWindowDays = 90,
): Promise<number> {
  return EntityRollups.create({
    knex,
    kpis: KpiCalculator.create({ knex }),
    kpiWindowMs: kpiWindowDays * DAY_MS,
  }).refresh();
}

/**
 * Waits until every entity has a rollup and none is stale: the state a
 * running backend's refresher reaches after the sync runs it was nudged by.
 */
export async function waitForFreshRollups(
  knex: Knex,
  timeoutMs = 30 * 60 * 1000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ missing }] = await knex('itops_entities as e')
      .leftJoin(`${ENTITY_ROLLUPS} as ro`, 'ro.entity_ref', 'e.entity_ref')
      .whereNull('ro.entity_ref')
      .count({ missing: '*' });
    const [{ stale }] = await knex(STALE_ROLLUPS).count({ stale: '*' });
    if (Number(missing) === 0 && Number(stale) === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Entity rollups not fresh after ${timeoutMs} ms: ${missing} missing, ${stale} stale`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}
