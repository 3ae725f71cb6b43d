import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  itopsSourcesExtensionPoint,
  readSourceInstances,
} from '@backstage-itops/plugin-itops-node';

/**
 * Registers every Veeam Backup & Replication server configured under `itops.veeam.servers.<name>` as an ITOps source.
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
        sources: itopsSourcesExtensionPoint,
      },
      async init({ config, logger, sources }) {
        const instances = readSourceInstances(config, 'itops.veeam.servers');
        for (const { name, config: instance } of instances) {
          sources.addSource({
            type: 'veeam',
            instance: name,
            baseUrl: instance.getString('baseUrl'),
            // The readers come with the source client of this module.
            readers: {},
          });
        }
        logger.info('Veeam Backup & Replication sources registered', {
          instances: instances.map(i => i.name),
        });
      },
    });
  },
});
