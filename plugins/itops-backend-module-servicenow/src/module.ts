import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  itopsSourcesExtensionPoint,
  readSourceInstances,
} from '@backstage-itops/plugin-itops-node';

/**
 * Registers every ServiceNow instance configured under `itops.servicenow.instances.<name>` as an ITOps source.
 *
 * @public
 */
export const itopsModuleServicenow = createBackendModule({
  pluginId: 'itops',
  moduleId: 'servicenow',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        sources: itopsSourcesExtensionPoint,
      },
      async init({ config, logger, sources }) {
        const instances = readSourceInstances(
          config,
          'itops.servicenow.instances',
        );
        for (const { name, config: instance } of instances) {
          sources.addSource({
            type: 'servicenow',
            instance: name,
            baseUrl: instance.getString('baseUrl'),
            // The readers come with the source client of this module.
            readers: {},
          });
        }
        logger.info('ServiceNow sources registered', {
          instances: instances.map(i => i.name),
        });
      },
    });
  },
});
