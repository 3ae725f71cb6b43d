import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  type ItopsSource,
  itopsSourcesExtensionPoint,
} from '@backstage-itops/plugin-itops-node';
import { ItopsDatabase } from './database/ItopsDatabase';
import { createRouter } from './service/router';

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
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
      },
      async init({ database, httpRouter }) {
        const itopsDatabase = await ItopsDatabase.create({ database });
        httpRouter.use(
          await createRouter({ database: itopsDatabase, sources }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
