import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { Knex } from 'knex';
import { ENTITY_ROLLUPS, STALE_ROLLUPS } from '../database/rollupStaleness';
import type { KpiCalculator } from '../kpis/KpiCalculator';
import { nextChangeIdQuery } from '../read/changes';
import type { ItopsEntity } from '../read/entities';
import { computeRollupFacts, type RollupFacts } from './rollupFacts';

const MINUTE_MS = 60 * 1000;
/**
 * Rollups older than this are not used. Writes make a rollup stale at once,
 * so age only matters for the KPI windows' far end: a 90-day window an hour
 * old still counts what left it during that hour, about 0.05 % of it.
 */
export const ROLLUP_MAX_AGE_MS = 60 * MINUTE_MS;
/**
 * The refresher recomputes rollups from this age, well before readers drop
 * them, and at most a tenth of all entities per tick, oldest first: after a
 * sync computed every rollup at once, the next rounds spread out instead of
 * recomputing thousands of entities in one burst every half hour.
 */
export const REFRESH_AGE_MS = 30 * MINUTE_MS;
const AGED_SHARE_PER_TICK = 0.1;
/** While sync runs write, the refresher runs at most this often. */
const REFRESH_EVERY_WHILE_SYNCING_MS = 5 * MINUTE_MS;
/** Entities per refresh transaction step. */
const BATCH_SIZE = 100;
/** Entities computed at once: a few connections, leaving the pool to requests. */
const CONCURRENCY = 4;

export const ENTITY_ROLLUPS_TASK_ID = 'itops-entity-rollups';

/** Options of {@link EntityRollups.create}. */
export interface EntityRollupsOptions {
  knex: Knex;
  kpis: KpiCalculator;
  kpiWindowMs: number;
  logger?: LoggerService;
  /** Current time in epoch ms; defaults to `Date.now`. */
  clock?: () => number;
  /** Whether sync runs are writing records on this instance now. */
  syncWriting?: () => boolean;
}

/** What the summary and KPI routes read for an entity in one query. */
export type RollupRead = {
  /** Absent when ITOps does not know the ref exactly. */
  entity?: ItopsEntity;
  /** The entity's declared RPO (`itops.io/rpo`). */
  rpo?: string;
  /** When asked for: the next open change planned after now. */
  nextChangeId?: number;
  /** Only when fresh: not stale, young enough, and of the configured window. */
  facts?: RollupFacts;
};

/**
 * Per-entity rollups of what the entity tab asks for first: the summary's
 * counts and the default-window KPIs. A refresher computes them ahead of
 * requests, after sync runs and every minute; readers use a rollup only
 * while it is fresh and otherwise fall back to the live queries, so a
 * rollup can make an answer faster but never wrong. See the migration for
 * how writes mark rollups stale.
 */
export class EntityRollups {
  readonly #knex: Knex;
  readonly #kpis: KpiCalculator;
  readonly #kpiWindowMs: number;
  readonly #clock: () => number;
  readonly #logger?: LoggerService;
  readonly #syncWriting: () => boolean;
  #running?: Promise<number>;
  #again = false;
  #lastRefreshStartedAt?: number;

  static create(options: EntityRollupsOptions): EntityRollups {
    return new EntityRollups(options);
  }

  private constructor(options: EntityRollupsOptions) {
    this.#knex = options.knex;
    this.#kpis = options.kpis;
    this.#kpiWindowMs = options.kpiWindowMs;
    this.#logger = options.logger;
    this.#clock = options.clock ?? Date.now;
    this.#syncWriting = options.syncWriting ?? (() => false);
  }

  /** Schedules the refresher: every minute, one instance across the cluster. */
  async start(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: ENTITY_ROLLUPS_TASK_ID,
      frequency: { minutes: 1 },
      timeout: { minutes: 30 },
      fn: async signal => {
        await this.refreshIfDue({ signal }).catch(error =>
          this.#logger?.error(
            `ITOps entity rollups refresh failed: ${stringifyError(error)}`,
          ),
        );
      },
    });
  }

  /**
   * Asks for a refresh soon, without waiting: after a sync run or a mapping
   * change on this instance, so that rollups catch up before the next tick.
   */
  nudge(): void {
    this.refreshIfDue().catch(error =>
      this.#logger?.error(
        `ITOps entity rollups refresh failed: ${stringifyError(error)}`,
      ),
    );
  }

  /**
   * Recomputes the rollups readers would not use (missing, stale, too old
   * or of another window) and the oldest tenth of those aging; returns how
   * many. A call while a refresh runs makes that refresh go round once
   * more, so that what the caller wrote is covered.
   */
  refresh(options?: { signal?: AbortSignal }): Promise<number> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#lastRefreshStartedAt = this.#clock();
    const run = (async () => {
      let refreshed = 0;
      try {
        do {
          this.#again = false;
          refreshed += await this.#refreshDue(options?.signal);
        } while (this.#again);
      } finally {
        this.#running = undefined;
      }
      return refreshed;
    })();
    this.#running = run;
    return run;
  }

  /**
   * {@link EntityRollups.refresh}, unless sync runs are writing on this
   * instance and a refresh started less than 5 minutes ago: what a
   * run writes makes its entities stale again, so recomputing them batch
   * after batch only doubles the database's load during a long (above all
   * a first) sync. The run's end nudges the refresher; meanwhile readers
   * take the live path. Resolves to 0 when it deferred.
   */
  refreshIfDue(options?: { signal?: AbortSignal }): Promise<number> {
    const last = this.#lastRefreshStartedAt;
    if (
      !this.#running &&
      last !== undefined &&
      this.#clock() - last < REFRESH_EVERY_WHILE_SYNCING_MS &&
      this.#syncWriting()
    ) {
      return Promise.resolve(0);
    }
    return this.refresh(options);
  }

  /**
   * The entity (by its exact ref) and its rollup, if fresh, with the parts
   * of the summary that depend on the moment of the request: its RPO and,
   * when asked for, its next change.
   */
  async read(
    entityRef: string,
    options: { nextChange: boolean },
  ): Promise<RollupRead> {
    const knex = this.#knex;
    const now = this.#clock();
    const columns: Array<string | Knex.Raw> = [
      'e.entity_ref',
      'e.kind',
      'e.title',
      'e.rpo',
      'ro.computed_at',
      'ro.kpi_window_ms',
      'ro.facts',
      knex.raw(
        `case when exists (select 1 from ${STALE_ROLLUPS} s where s.entity_ref = e.entity_ref) then 1 else 0 end as stale`,
      ),
    ];
    if (options.nextChange) {
      columns.push(
        knex.raw('(?) as next_change_id', [
          nextChangeIdQuery(knex, entityRef, now),
        ]),
      );
    }
    const row = await knex('itops_entities as e')
      .leftJoin(`${ENTITY_ROLLUPS} as ro`, 'ro.entity_ref', 'e.entity_ref')
      .where('e.entity_ref', entityRef)
      .first(columns);
    if (!row) return {};
    const fresh =
      row.facts !== null &&
      Number(row.stale) === 0 &&
      Number(row.kpi_window_ms) === this.#kpiWindowMs &&
      now - Number(row.computed_at) <= ROLLUP_MAX_AGE_MS;
    const nextChangeId = row.next_change_id;
    return {
      entity: {
        entityRef: String(row.entity_ref),
        kind: String(row.kind),
        ...(row.title ? { title: String(row.title) } : {}),
      },
      ...(row.rpo ? { rpo: String(row.rpo) } : {}),
      ...(nextChangeId !== null && nextChangeId !== undefined
        ? { nextChangeId: Number(nextChangeId) }
        : {}),
      ...(fresh ? { facts: JSON.parse(row.facts) as RollupFacts } : {}),
    };
  }

  async #refreshDue(signal?: AbortSignal): Promise<number> {
    const knex = this.#knex;
    const started = this.#clock();
    const known = knex('itops_entities').select('entity_ref');
    await knex(ENTITY_ROLLUPS).whereNotIn('entity_ref', known).delete();
    await knex(STALE_ROLLUPS).whereNotIn('entity_ref', known).delete();
    // Rollups readers would not use: all of them, now.
    const unusable: string[] = await knex('itops_entities as e')
      .leftJoin(`${ENTITY_ROLLUPS} as ro`, 'ro.entity_ref', 'e.entity_ref')
      .where(builder =>
        builder
          .whereNull('ro.entity_ref')
          .orWhere('ro.computed_at', '<', started - ROLLUP_MAX_AGE_MS)
          .orWhereNot('ro.kpi_window_ms', this.#kpiWindowMs)
          .orWhereExists(
            knex(`${STALE_ROLLUPS} as s`)
              .whereRaw('s.entity_ref = e.entity_ref')
              .select(knex.raw('1')),
          ),
      )
      .orderBy('e.entity_ref')
      .pluck('e.entity_ref');
    // Rollups still used but aging: the oldest share of all entities.
    const [{ entities }] = await knex('itops_entities').count({
      entities: '*',
    });
    const aged: string[] = await knex(`${ENTITY_ROLLUPS} as ro`)
      .where('ro.computed_at', '<', started - REFRESH_AGE_MS)
      .where('ro.computed_at', '>=', started - ROLLUP_MAX_AGE_MS)
      .where('ro.kpi_window_ms', this.#kpiWindowMs)
      .whereNotExists(
        knex(`${STALE_ROLLUPS} as s`)
          .whereRaw('s.entity_ref = ro.entity_ref')
          .select(knex.raw('1')),
      )
      .orderBy([
        { column: 'ro.computed_at', order: 'asc' },
        { column: 'ro.entity_ref', order: 'asc' },
      ])
      .limit(Math.ceil(Number(entities) * AGED_SHARE_PER_TICK))
      .pluck('ro.entity_ref');
    const due = [...unusable, ...aged];
    for (let i = 0; i < due.length; i += BATCH_SIZE) {
      signal?.throwIfAborted();
      await this.#refreshBatch(due.slice(i, i + BATCH_SIZE));
    }
    if (due.length > 0) {
      this.#logger?.info(
        `Refreshed ${due.length} ITOps entity rollups in ${
          this.#clock() - started
        } ms`,
      );
    }
    return due.length;
  }

  async #refreshBatch(entityRefs: string[]): Promise<void> {
    const knex = this.#knex;
    // Cleared before computing: a write that commits from here on marks
    // the entity again, and the rollup about to be stored counts as stale.
    await knex(STALE_ROLLUPS).whereIn('entity_ref', entityRefs).delete();
    const rows: Array<Record<string, unknown>> = [];
    for (let i = 0; i < entityRefs.length; i += CONCURRENCY) {
      const computed = await Promise.all(
        entityRefs.slice(i, i + CONCURRENCY).map(async entityRef => {
          const facts = await computeRollupFacts({
            knex,
            kpis: this.#kpis,
            entityRef,
            at: this.#clock(),
            kpiWindowMs: this.#kpiWindowMs,
          });
          return {
            entity_ref: entityRef,
            computed_at: facts.at,
            kpi_window_ms: this.#kpiWindowMs,
            facts: JSON.stringify(facts),
          };
        }),
      );
      rows.push(...computed);
    }
    // Another instance may have stored a rollup computed later, after a
    // write this one may have missed: the later one stays.
    await knex(ENTITY_ROLLUPS)
      .insert(rows)
      .onConflict('entity_ref')
      .merge()
      .whereRaw(`${ENTITY_ROLLUPS}.computed_at <= excluded.computed_at`);
  }
}
