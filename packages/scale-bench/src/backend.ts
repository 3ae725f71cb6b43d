import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import itopsPlugin from '@backstage-itops/plugin-itops-backend';
import itopsModuleJira from '@backstage-itops/plugin-itops-backend-module-jira';
import itopsModuleServicenow from '@backstage-itops/plugin-itops-backend-module-servicenow';
import itopsModuleVeeam from '@backstage-itops/plugin-itops-backend-module-veeam';
import type { SystemName } from '@backstage-itops/simulator';
import type { Knex } from 'knex';
import type { AddressInfo } from 'node:net';

/** The instance name every source is configured under. */
export const SOURCE_INSTANCE = 'scale';

/**
 * Far above the modules' defaults (10 requests/s, made for real vendor
 * instances): against a local simulator the budget would be all the
 * benchmark measured.
 */
const HTTP = { requestsPerSecond: 5000, maxConcurrency: 8 };

/** Module config pointing each source at its simulator, with the simulators' demo credentials. */
export function sourcesConfig(
  urls: Partial<Record<SystemName, string>>,
  options: { jiraSla: boolean },
) {
  return {
    ...(urls.servicenow && {
      servicenow: {
        instances: {
          [SOURCE_INSTANCE]: {
            baseUrl: urls.servicenow,
            auth: { username: 'itops.integration', password: 'sn-demo-4f7c1a' },
            http: HTTP,
          },
        },
      },
    }),
    ...(urls.jira && {
      jira: {
        sites: {
          [SOURCE_INSTANCE]: {
            baseUrl: urls.jira,
            deployment: 'cloud',
            atlassianApiUrl: urls.jira,
            auth: { email: 'itops@acme.example', apiToken: 'jira-api-token' },
            // One JSM SLA request per incident: off unless asked for, so
            // that the numbers are the sync's, not the SLA API's.
            sla: { enabled: options.jiraSla },
            http: HTTP,
          },
        },
      },
    }),
    ...(urls.veeam && {
      veeam: {
        servers: {
          [SOURCE_INSTANCE]: {
            baseUrl: urls.veeam,
            apiVersion: '1.2-rev1',
            username: 'itops',
            password: 'veeam-password',
            http: HTTP,
          },
        },
      },
    }),
  };
}

export interface ScaleBackend {
  /** Base URL of the ITOps API, e.g. http://127.0.0.1:1234/api/itops. */
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the real ITOps backend plugin with the source modules of the
 * running simulators, on the given database and catalog. Returns once the
 * mock scheduler has run every task once: the entity mapping, a full sync
 * of every source and capability, and the first compliance evaluation.
 */
export async function startScaleBackend(options: {
  knex: Knex;
  urls: Partial<Record<SystemName, string>>;
  catalog: Entity[];
  jiraSla: boolean;
  /**
   * Run every scheduled task once before returning (the default): the
   * mapping, the full syncs, the rollups and compliance. Off to serve a
   * database synced earlier as it is.
   */
  runTasksOnStartup?: boolean;
}): Promise<ScaleBackend> {
  const { urls } = options;
  const backend = await startTestBackend({
    features: [
      itopsPlugin,
      ...(urls.servicenow ? [itopsModuleServicenow] : []),
      ...(urls.jira ? [itopsModuleJira] : []),
      ...(urls.veeam ? [itopsModuleVeeam] : []),
      mockServices.rootConfig.factory({
        data: { itops: sourcesConfig(urls, options) },
      }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.scheduler.factory(
        options.runTasksOnStartup === false
          ? { skipTaskRunOnStartup: true }
          : { includeInitialDelayedTasksOnStartup: true },
      ),
      catalogServiceMock.factory({ entities: options.catalog }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/itops`,
    stop: () => backend.stop(),
  };
}
