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
import { ItopsDatabase } from './database/ItopsDatabase';
import { KpiCalculator } from './kpis/KpiCalculator';
import { EntityMapper } from './mapping/EntityMapper';
import { ItopsReadStore } from './read/ItopsReadStore';
import { AreaAccess } from './service/access';
import { createRouter } from './service/router';
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
      },
      async init({
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
      }) {
        const itopsDatabase = await ItopsDatabase.create({ database });
        const knex = itopsDatabase.client;
        permissionsRegistry.addPermissions(itopsPermissions);

        httpRouter.use(
          await createRouter({
            database: itopsDatabase,
            sources,
            store: ItopsReadStore.create({ knex }),
            kpis: KpiCalculator.create({ knex }),
            access: AreaAccess.create({ httpAuth, permissions }),
            kpiWindowDays:
              config.getOptionalNumber('itops.kpis.windowDays') ??
              DEFAULT_KPI_WINDOW_DAYS,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        // Both schedule their work; the API serves whatever is stored so far.
        await SyncEngine.create({
          knex,
          sources,
          scheduler,
          config,
          logger: logger.child({ component: 'sync' }),
        }).start();
        await EntityMapper.create({
          knex,
          catalog,
          auth,
          scheduler,
          config,
          logger: logger.child({ component: 'mapping' }),
        }).start();
      },
    });
  },
});
