/**
 * Local simulators of ServiceNow, Jira Cloud / JSM and Veeam Backup &
 * Replication over one seeded world, with fault injection.
 */
export {
  DEFAULT_PORTS,
  DEFAULT_SCALE,
  DEFAULT_SEED,
  startSimulators,
  type FaultControl,
  type RunningSimulators,
  type StartOptions,
} from './server/start';
export {
  parseFaultSpec,
  type FaultConfig,
  type FaultCounts,
} from './server/faults';
export type { FaultStats } from './server/fault-state';
export { serveSystem, type RunningServer } from './server/http';
export {
  createServiceNowSimulator,
  DEFAULT_OAUTH_CLIENTS as SERVICENOW_OAUTH_CLIENTS,
  DEFAULT_USERS as SERVICENOW_USERS,
  type QuirkReport as ServiceNowQuirkReport,
  type ServiceNowQuirks,
  type ServiceNowSimulator,
  type ServiceNowSimulatorOptions,
} from './servicenow';
export { createJiraSimulator } from './jira';
export { createVeeamSimulator } from './veeam';
export { FixedClock, systemClock, type Clock } from './world/clock';
export {
  scaleCatalogEntities,
  scaleComponentName,
  type ScaleCatalogEntity,
  type ScaleCatalogJson,
  type ScaleCatalogOptions,
} from './scaleCatalog';
export type * from './types';
export {
  ORG_BACKUP_JOBS,
  ORG_JIRA_PROJECTS,
  ORG_PEOPLE,
  ORG_SERVICES,
  ORG_TEAMS,
  type OrgBackupJob,
  type OrgJiraProject,
  type OrgPerson,
  type OrgService,
  type OrgTeam,
} from './world/org';
