import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  itopsSourcesExtensionPoint,
  readSourceInstances,
} from '@backstage-itops/plugin-itops-node';

/**
 * Registers every Jira site configured under `itops.jira.sites.<name>` as an ITOps source.
 *
 * @public
 */
export const itopsModuleJira = createBackendModule({
  pluginId: 'itops',
  moduleId: 'jira',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        sources: itopsSourcesExtensionPoint,
      },
      async init({ config, logger, sources }) {
        const instances = readSourceInstances(config, 'itops.jira.sites');
        for (const { name, config: instance } of instances) {
          sources.addSource({
            type: 'jira',
            instance: name,
            baseUrl: instance.getString('baseUrl'),
            // The readers come with the source client of this module.
            readers: {},
          });
        }
        logger.info('Jira sources registered', {
          instances: instances.map(i => i.name),
        });
      },
    });
  },
});
