import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  itopsSourcesExtensionPoint,
  readSourceInstances,
} from '@backstage-itops/plugin-itops-node';
import { readInstanceOptions } from './config';
import { createServiceNowSource } from './createServiceNowSource';

/**
 * Registers every ServiceNow instance configured under
 * `itops.servicenow.instances.<name>` as an ITOps source, with readers for
 * incidents, changes, freeze windows (blackout schedules) and on-call.
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
        for (const { name, config: instanceConfig } of instances) {
          const options = readInstanceOptions(name, instanceConfig);
          const source = createServiceNowSource(options, {
            logger: logger.child({ servicenowInstance: name }),
          });
          sources.addSource(source);
          logger.info(
            `ServiceNow instance '${name}' registered (${
              options.auth.kind === 'basic'
                ? 'Basic auth'
                : `OAuth ${options.auth.grantType}`
            }; ${Object.keys(source.readers).join(', ')})`,
          );
        }
      },
    });
  },
});
