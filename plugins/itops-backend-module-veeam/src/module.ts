import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  itopsSourcesExtensionPoint,
  readSourceInstances,
} from '@backstage-itops/plugin-itops-node';
import { BackupsReader } from './BackupsReader';
import { readVeeamServerConfig } from './config';
import { VeeamClient } from './VeeamClient';

/**
 * Registers every Veeam Backup & Replication server configured under
 * `itops.veeam.servers.<name>` as an ITOps source of backups, and logs out
 * of each on shutdown.
 *
 * @public
 */
export const itopsModuleVeeam = createBackendModule({
  pluginId: 'itops',
  moduleId: 'veeam',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        sources: itopsSourcesExtensionPoint,
      },
      async init({ config, logger, lifecycle, sources }) {
        const servers = readSourceInstances(config, 'itops.veeam.servers').map(
          ({ name, config: server }) => readVeeamServerConfig(name, server),
        );
        const clients: VeeamClient[] = [];
        for (const server of servers) {
          const client = VeeamClient.fromConfig(server, { logger });
          clients.push(client);
          sources.addSource({
            type: 'veeam',
            instance: server.name,
            baseUrl: server.baseUrl,
            readers: {
              backups: new BackupsReader({
                client,
                historyDays: server.historyDays,
                restoreTestSessionTypes: server.restoreTestSessionTypes,
                logger,
              }),
            },
          });
        }
        // VBR keeps sessions per token; giving them back on shutdown keeps
        // the server's session list short across backend restarts.
        lifecycle.addShutdownHook(async () => {
          await Promise.all(clients.map(client => client.auth.logout()));
        });
        logger.info('Veeam Backup & Replication sources registered', {
          instances: servers.map(s => s.name),
        });
      },
    });
  },
});
