import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  type ItopsSource,
  SourceHttpClient,
  type SourceHttpClientOptions,
} from '@backstage-itops/plugin-itops-node';
import { BasicAuth, OAuthAuth } from './auth';
import { ServiceNowClient } from './client';
import type { ServiceNowInstanceOptions } from './config';
import { changeFields, incidentFields, toChange, toIncident } from './mapping';
import { freezeWindowReader } from './readers/freezeWindowReader';
import { onCallReader } from './readers/onCallReader';
import { taskReader } from './readers/taskReader';

/** Seams for tests and benchmarks; production uses the defaults. */
export interface ServiceNowSourceDependencies {
  logger?: LoggerService;
  /** The clock of token expiry, on-call sampling and freeze horizons. */
  now?: () => number;
  fetch?: SourceHttpClientOptions['fetch'];
  sleep?: SourceHttpClientOptions['sleep'];
  random?: SourceHttpClientOptions['random'];
}

/**
 * One ServiceNow instance as an ITOps source: the shared HTTP client with
 * the instance's auth, and a reader per enabled capability.
 */
export function createServiceNowSource(
  options: ServiceNowInstanceOptions,
  deps: ServiceNowSourceDependencies = {},
): ItopsSource {
  const name = `servicenow/${options.name}`;
  const common = {
    baseUrl: options.baseUrl,
    ...options.http,
    logger: deps.logger,
    fetch: deps.fetch,
    sleep: deps.sleep,
    random: deps.random,
  };
  let auth;
  if (options.auth.kind === 'basic') {
    auth = new BasicAuth(options.auth.username, options.auth.password);
  } else {
    auth = new OAuthAuth({
      config: options.auth,
      // Token requests get their own slot (see OAuthAuth).
      tokenClient: new SourceHttpClient({
        ...common,
        name: `${name} token`,
        maxConcurrency: 1,
      }),
      now: deps.now,
    });
  }
  const client = new ServiceNowClient(
    new SourceHttpClient({ ...common, name, auth }),
  );
  const { incidents, changes, freezeWindows, oncall } = options;
  return {
    type: 'servicenow',
    instance: options.name,
    baseUrl: options.baseUrl,
    readers: {
      ...(incidents.enabled
        ? {
            incidents: taskReader({
              client,
              table: incidents.table,
              fields: incidentFields(incidents),
              filter: incidents.filter,
              pageSize: options.pageSize,
              overlapMs: options.overlapMs,
              clockOverlapMs: options.clockOverlapMs,
              now: deps.now,
              readDeletions: options.deletionsFromAudit,
              toRecord: (row, problems) =>
                toIncident(row, incidents, options.baseUrl, problems),
              logger: deps.logger,
            }),
          }
        : {}),
      ...(changes.enabled
        ? {
            changes: taskReader({
              client,
              table: changes.table,
              fields: changeFields(changes),
              filter: changes.filter,
              pageSize: options.pageSize,
              overlapMs: options.overlapMs,
              clockOverlapMs: options.clockOverlapMs,
              now: deps.now,
              readDeletions: options.deletionsFromAudit,
              toRecord: (row, problems) =>
                toChange(row, changes, options.baseUrl, problems),
              logger: deps.logger,
            }),
          }
        : {}),
      ...(freezeWindows.enabled
        ? {
            freezeWindows: freezeWindowReader({
              client,
              baseUrl: options.baseUrl,
              config: freezeWindows,
              now: deps.now,
              logger: deps.logger,
            }),
          }
        : {}),
      ...(oncall.enabled
        ? {
            oncall: onCallReader({
              client,
              baseUrl: options.baseUrl,
              config: oncall,
              now: deps.now,
              logger: deps.logger,
            }),
          }
        : {}),
    },
  };
}
