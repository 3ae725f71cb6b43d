import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  itopsSourcesExtensionPoint,
  readSourceInstances,
} from '@backstage-itops/plugin-itops-node';
import {
  DatabaseOAuthTokenStore,
  migrateJiraDatabase,
} from './auth/OAuthTokenStore';
import { readJiraSiteConfig } from './config';
import { createJiraSource } from './createJiraSource';

/**
 * Registers every Jira site configured under `itops.jira.sites.<name>` as an
 * ITOps source of incidents, changes and (Cloud) JSM Operations on-call.
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
        database: coreServices.database,
        sources: itopsSourcesExtensionPoint,
      },
      async init({ config, logger, database, sources }) {
        const sites = readSourceInstances(config, 'itops.jira.sites').map(
          ({ name, config: siteConfig }) =>
            readJiraSiteConfig(name, siteConfig),
        );
        let tokenStore: DatabaseOAuthTokenStore | undefined;
        if (sites.some(site => site.auth.kind === 'oauth')) {
          // Only OAuth sites keep state: their rotating refresh tokens.
          const knex = await database.getClient();
          if (!database.migrations?.skip) {
            await migrateJiraDatabase(knex);
          }
          tokenStore = new DatabaseOAuthTokenStore(knex);
        }
        for (const site of sites) {
          sources.addSource(createJiraSource(site, { logger, tokenStore }));
        }
        logger.info('Jira sources registered', {
          sites: sites.map(s => `${s.name} (${s.deployment})`).join(', '),
        });
      },
    });
  },
});
