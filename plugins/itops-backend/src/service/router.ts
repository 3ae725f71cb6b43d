import type {
  ItopsCapability,
  ItopsHealth,
} from '@backstage-itops/plugin-itops-common';
import type { ItopsSource } from '@backstage-itops/plugin-itops-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type express from 'express';
import type { ItopsDatabase } from '../database/ItopsDatabase';
import type { KpiCalculator } from '../kpis/KpiCalculator';
import {
  type CalendarRouteOptions,
  registerCalendarRoutes,
} from '../calendar/routes';
import { listFreshness } from '../read/freshness';
import type { ItopsReadStore } from '../read/ItopsReadStore';
import type { EntityRollups } from '../rollups/EntityRollups';
import { createOpenApiRouter } from '../schema/openapi';
import type { AreaAccess } from './access';
import { guarded } from './edge';
import { registerMappingConflictRoutes } from './mappingConflicts';
import { DAY_MS, entityRefOf, optionalRangeOf, rangeOf } from './params';
import {
  DEFAULT_TREND_BUCKETS,
  entityKpis,
  entityKpisOfRollup,
  entityKpiTrend,
  entitySummary,
  KPI_AREAS,
  SUMMARY_AREAS,
} from './summary';

/** Longest range of other range requests: a year. */
const RANGE_MAX_DAYS = 366;

export interface RouterOptions {
  database: ItopsDatabase;
  sources: readonly ItopsSource[];
  store: ItopsReadStore;
  kpis: KpiCalculator;
  /** Precomputed summaries and default-window KPIs, used while fresh. */
  rollups: EntityRollups;
  access: AreaAccess;
  /** Default KPI window, `itops.kpis.windowDays`. */
  kpiWindowDays: number;
  /** The change calendar's service, feed tokens and request authentication. */
  calendar: Omit<CalendarRouteOptions, 'store' | 'access'>;
  /** Where internal errors go, in full; callers get a reference only. */
  logger: LoggerService;
  /** Each capability's sync interval, from which freshness judges staleness. */
  syncIntervals: Record<ItopsCapability, number>;
}

/** The capabilities whose syncs feed each area a reader may be allowed. */
const AREA_CAPABILITIES: Record<FreshnessArea, ItopsCapability[]> = {
  oncall: ['oncall'],
  incidents: ['incidents'],
  changes: ['changes', 'freezeWindows'],
  backups: ['backups'],
};
type FreshnessArea = 'oncall' | 'incidents' | 'changes' | 'backups';
const FRESHNESS_AREAS = Object.keys(AREA_CAPABILITIES) as FreshnessArea[];

/**
 * The ITOps HTTP API. Parameters are validated against
 * `src/schema/openapi.yaml` before a handler runs (400 naming the
 * parameter); handlers check permissions, resolve the entity (404) and hand
 * over to the read store and KPI calculator.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { database, sources, store, kpis, rollups, access, kpiWindowDays } =
    options;
  const router = await createOpenApiRouter();

  async function entityOf(entityRef: string) {
    const entity = await store.findEntity(entityRef);
    if (!entity) {
      throw new NotFoundError(`No ITOps data for entity ${entityRef}`);
    }
    return entity;
  }

  /**
   * The entity's rollup read (see {@link EntityRollups.read}), which also
   * tells whether ITOps knows the exact ref; other spellings resolve as in
   * `entityOf`, 404 included.
   */
  async function entityRollup(
    params: { kind: string; namespace: string; name: string },
    parts: { nextChange: boolean },
  ) {
    const ref = entityRefOf(params);
    const exact = await rollups.read(ref, parts);
    if (exact.entity) {
      return { ...exact, entity: exact.entity };
    }
    const entity = await entityOf(ref);
    return { ...(await rollups.read(entity.entityRef, parts)), entity };
  }

  const kpiWindow = () => {
    const now = store.now();
    return { from: now - kpiWindowDays * DAY_MS, to: now };
  };

  router.get('/health', async (_req, res) => {
    const probe = await database.probe();
    const body = {
      status: probe.reachable ? 'ok' : 'degraded',
      // A copy: the spec-typed response accepts object literals, not the
      // DatabaseProbe interface.
      database: { ...probe },
      sources: sources.map(({ type, instance }) => ({ type, instance })),
    } satisfies ItopsHealth;
    // 503 lets load balancers and uptime checks act on a lost database.
    res.status(probe.reachable ? 200 : 503).json(body);
  });

  router.get('/entities/:kind/:namespace/:name/summary', async (req, res) => {
    // The next change is read even when changes are denied: one query
    // for entity, rollup and next change beats waiting for the decision.
    const [allowed, rollup] = await Promise.all([
      access.decide(req, SUMMARY_AREAS),
      entityRollup(req.params, { nextChange: true }),
    ]);
    res.json(
      await entitySummary({
        store,
        calendar: options.calendar.calendar,
        entity: rollup.entity,
        rollup,
        allowed,
        kpiWindow: kpiWindow(),
      }),
    );
  });

  router.get('/entities/:kind/:namespace/:name/incidents', async (req, res) => {
    await access.require(req, 'incidents');
    const { entityRef } = await entityOf(entityRefOf(req.params));
    res.json(
      await store.listIncidents(entityRef, {
        ...optionalRangeOf(req.query, Infinity),
        state: req.query.state ?? 'open',
        priorities: req.query.priority,
        limit: req.query.limit ?? 50,
        offset: req.query.offset ?? 0,
        sort: req.query.sort ?? '-opened_at',
      }),
    );
  });

  router.get(
    '/incidents/:sourceType/:sourceInstance/:externalId',
    async (req, res) => {
      await access.require(req, 'incidents');
      const detail = await store.incidentDetail(
        req.params,
        async () => (await access.decide(req, ['changes'])).changes,
      );
      if (!detail) {
        // The same answer for an incident that exists but no entity shows.
        throw new NotFoundError(
          `No incident ${req.params.externalId} from ${req.params.sourceType} instance ${req.params.sourceInstance}`,
        );
      }
      res.json(detail);
    },
  );

  router.get('/entities/:kind/:namespace/:name/changes', async (req, res) => {
    await access.require(req, 'changes');
    const { entityRef } = await entityOf(entityRefOf(req.params));
    const now = store.now();
    const range = rangeOf(req.query, {
      fallback: { from: now - 30 * DAY_MS, to: now + 30 * DAY_MS },
      maxDays: RANGE_MAX_DAYS,
    });
    res.json({ items: await store.listEntityChanges(entityRef, range) });
  });

  router.get('/entities/:kind/:namespace/:name/oncall', async (req, res) => {
    await access.require(req, 'oncall');
    const { entityRef } = await entityOf(entityRefOf(req.params));
    res.json(await store.onCall(entityRef));
  });

  router.get('/entities/:kind/:namespace/:name/backups', async (req, res) => {
    await access.require(req, 'backups');
    const { entityRef } = await entityOf(entityRefOf(req.params));
    const [jobs, health] = await Promise.all([
      store.backupJobsWithRuns(entityRef),
      store.backupHealth(entityRef),
    ]);
    res.json({ health, jobs });
  });

  /** The KPI areas the caller may read; 403 when none. */
  async function kpiAreas(req: express.Request<any, any, any, any>) {
    const allowed = await access.decide(req, KPI_AREAS);
    if (!Object.values(allowed).some(Boolean)) {
      throw new NotAllowedError('Missing permission to read any ITOps KPI');
    }
    return allowed;
  }

  router.get('/entities/:kind/:namespace/:name/kpis', async (req, res) => {
    const allowed = await kpiAreas(req);
    let entityRef: string;
    if (req.query.from === undefined && req.query.to === undefined) {
      const { facts, entity } = await entityRollup(req.params, {
        nextChange: false,
      });
      if (facts) {
        res.json(entityKpisOfRollup({ facts, allowed, now: store.now() }));
        return;
      }
      entityRef = entity.entityRef;
    } else {
      entityRef = (await entityOf(entityRefOf(req.params))).entityRef;
    }
    const window = rangeOf(req.query, {
      fallback: kpiWindow(),
      maxDays: RANGE_MAX_DAYS,
    });
    res.json(
      await entityKpis({ kpis, entityRef, allowed, window, now: store.now() }),
    );
  });

  router.get(
    '/entities/:kind/:namespace/:name/kpis/trend',
    async (req, res) => {
      const allowed = await kpiAreas(req);
      const { entityRef } = await entityOf(entityRefOf(req.params));
      const window = rangeOf(req.query, {
        fallback: kpiWindow(),
        maxDays: RANGE_MAX_DAYS,
      });
      res.json(
        await entityKpiTrend({
          kpis,
          entityRef,
          allowed,
          window,
          buckets: req.query.buckets ?? DEFAULT_TREND_BUCKETS,
        }),
      );
    },
  );

  // The change calendar: /changes, /calendar/*, /freeze-windows, /freeze-status.
  registerCalendarRoutes(router, {
    ...options.calendar,
    store,
    access,
  });

  router.get('/freshness', async (req, res) => {
    const asked = req.query.areas ?? FRESHNESS_AREAS;
    const allowed = await access.decide(req, asked);
    const areas = asked.filter(area => allowed[area]);
    if (areas.length === 0) {
      throw new NotAllowedError(
        `Missing permission to read any of the areas ${asked.join(', ')}`,
      );
    }
    res.json({
      items: await listFreshness(database.client, {
        capabilities: [...new Set(areas.flatMap(a => AREA_CAPABILITIES[a]))],
        intervals: options.syncIntervals,
        now: store.now(),
      }),
    });
  });

  router.get('/sync-status', async (req, res) => {
    await access.require(req, 'syncStatus');
    res.json({ items: await store.syncStatus() });
  });

  registerMappingConflictRoutes(router, { knex: database.client, access });

  return guarded(router, options.logger);
}
