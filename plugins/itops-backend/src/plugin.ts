import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  type ItopsSource,
  itopsSourcesExtensionPoint,
} from '@backstage-itops/plugin-itops-node';
import { itopsPermissions } from '@backstage-itops/plugin-itops-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { registerItopsActions } from './actions';
import { createChangeCalendar, FEED_PATH } from './calendar';
import { createCompliance } from './compliance';
import { ItopsDatabase } from './database/ItopsDatabase';
import { KpiCalculator } from './kpis/KpiCalculator';
import { EntityMapper } from './mapping/EntityMapper';
import { ItopsReadStore } from './read/ItopsReadStore';
import { EntityRollups } from './rollups/EntityRollups';
import { AreaAccess } from './service/access';
import { guarded } from './service/edge';
import { DAY_MS } from './service/params';
import { createRouter } from './service/router';
import { syncIntervals } from './read/freshness';
import { SyncEngine } from './sync/SyncEngine';

/** Default KPI window when `itops.kpis.windowDays` is not set. */
const DEFAULT_KPI_WINDOW_DAYS = 90;

/**
 * The ITOps backend plugin: keeps a synced copy of ITOps data per catalog
 * entity and serves it under `/api/itops`.
 *
 * @public
 */
export const itopsPlugin = createBackendPlugin({
  pluginId: 'itops',
  register(env) {
    const sources: ItopsSource[] = [];
    env.registerExtensionPoint(itopsSourcesExtensionPoint, {
      addSource(source) {
        if (
          sources.some(
            s => s.type === source.type && s.instance === source.instance,
          )
        ) {
          throw new Error(
            `ITOps source ${source.type}/${source.instance} is registered twice`,
          );
        }
        sources.push(source);
      },
    });

    env.registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
      },
      async init({
        actionsRegistry,
        auditor,
        auth,
        catalog,
        config,
        database,
        httpAuth,
        httpRouter,
        logger,
        permissions,
        permissionsRegistry,
        scheduler,
        userInfo,
      }) {
        const itopsDatabase = await ItopsDatabase.create({ database });
        const knex = itopsDatabase.client;
        permissionsRegistry.addPermissions(itopsPermissions);

        // Mounted before the read API, whose OpenAPI validation does not
        // describe the compliance routes.
        const compliance = await createCompliance({
          knex,
          config,
          catalog,
          auth,
          httpAuth,
          permissions,
          auditor,
          scheduler,
          userInfo,
          logger: logger.child({ component: 'compliance' }),
        });
        httpRouter.use(guarded(compliance.router, logger));

        const calendar = createChangeCalendar({
          knex,
          config,
          httpAuth,
          auth,
          auditor,
          catalog,
          scheduler,
          logger: logger.child({ component: 'calendar' }),
        });
        const kpiWindowDays =
          config.getOptionalNumber('itops.kpis.windowDays') ??
          DEFAULT_KPI_WINDOW_DAYS;
        const kpis = KpiCalculator.create({ knex });
        const rollups = EntityRollups.create({
          knex,
          kpis,
          kpiWindowMs: kpiWindowDays * DAY_MS,
          logger: logger.child({ component: 'rollups' }),
          // The engine below nudges the rollups; this is only asked once
          // tasks run, after both exist.
          // eslint-disable-next-line @typescript-eslint/no-use-before-define
          syncWriting: () => syncEngine.running,
        });
        const store = ItopsReadStore.create({ knex });
        const access = AreaAccess.create({ httpAuth, permissions });
        httpRouter.use(
          await createRouter({
            calendar: calendar.routeOptions,
            database: itopsDatabase,
            sources,
            store,
            kpis,
            rollups,
            access,
            kpiWindowDays,
            logger,
            syncIntervals: syncIntervals(config),
          }),
        );
        // The same services and permission checks as the routes above.
        registerItopsActions({
          actionsRegistry,
          auditor,
          access,
          store,
          kpis,
          calendar: calendar.routeOptions.calendar,
          compliance: compliance.reader,
          kpiWindowDays,
        });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // Calendar clients cannot send a Backstage token: the feed checks
        // its own per-user feed token, or the Backstage token when given.
        httpRouter.addAuthPolicy({ path: FEED_PATH, allow: 'unauthenticated' });

        // Both schedule their work; the API serves whatever is stored so far.
        const syncEngine = SyncEngine.create({
          knex,
          sources,
          scheduler,
          config,
          logger: logger.child({ component: 'sync' }),
          onStoreChanged: () => rollups.nudge(),
        });
        await syncEngine.start();
        await calendar.start();
        await EntityMapper.create({
          knex,
          catalog,
          auth,
          scheduler,
          config,
          logger: logger.child({ component: 'mapping' }),
          auditor,
          onChange: () => {
            rollups.nudge();
            return syncEngine.triggerSnapshotSyncs();
          },
        }).start();
        await rollups.start(scheduler);
        await compliance.start();
      },
    });
  },
});
