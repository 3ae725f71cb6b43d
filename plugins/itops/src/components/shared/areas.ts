import {
  ITOPS_ANNOTATIONS,
  type ItopsAnnotation,
  type ItopsCapability,
  getItopsAnnotations,
  itopsBackupReadPermission,
  itopsChangeReadPermission,
  itopsIncidentReadPermission,
  itopsOnCallReadPermission,
} from '@backstage-itops/plugin-itops-common';
import type { Entity } from '@backstage/catalog-model';

/** The parts of the ITOps tab, each behind its own read permission. */
export type ItopsArea = 'oncall' | 'incidents' | 'changes' | 'backups';

export interface ItopsAreaDefinition {
  /** What the area is called in messages, e.g. "on-call". */
  label: string;
  permission: typeof itopsOnCallReadPermission;
  /** Capabilities whose sync feeds the area. */
  capabilities: ItopsCapability[];
  /** Source types that can provide the area, with their config key. */
  sources: Array<{ type: string; title: string; configKey: string }>;
  /** Annotations that link an entity to the area's records. */
  annotations: ItopsAnnotation[];
  /** A catalog-info.yaml snippet a user can start from. */
  example: string;
}

const SERVICENOW = {
  type: 'servicenow',
  title: 'ServiceNow',
  configKey: 'itops.servicenow.instances',
};
const JIRA = {
  type: 'jira',
  title: 'Jira Service Management',
  configKey: 'itops.jira.sites',
};
const VEEAM = {
  type: 'veeam',
  title: 'Veeam Backup & Replication',
  configKey: 'itops.veeam.servers',
};

const serviceExample = `metadata:
  annotations:
    ${ITOPS_ANNOTATIONS.servicenowService}: Payments API
    ${ITOPS_ANNOTATIONS.jiraProject}: PAY
    ${ITOPS_ANNOTATIONS.jiraComponent}: payments-api`;

export const ITOPS_AREAS: Record<ItopsArea, ItopsAreaDefinition> = {
  oncall: {
    label: 'on-call',
    permission: itopsOnCallReadPermission,
    capabilities: ['oncall'],
    sources: [SERVICENOW, JIRA],
    annotations: [
      ITOPS_ANNOTATIONS.jsmOpsTeam,
      ITOPS_ANNOTATIONS.servicenowAssignmentGroup,
    ],
    example: `# on the owning Group
metadata:
  annotations:
    ${ITOPS_ANNOTATIONS.jsmOpsTeam}: Payments
    ${ITOPS_ANNOTATIONS.servicenowAssignmentGroup}: Payments`,
  },
  incidents: {
    label: 'incidents',
    permission: itopsIncidentReadPermission,
    capabilities: ['incidents'],
    sources: [SERVICENOW, JIRA],
    annotations: [
      ITOPS_ANNOTATIONS.servicenowService,
      ITOPS_ANNOTATIONS.servicenowCi,
      ITOPS_ANNOTATIONS.servicenowAssignmentGroup,
      ITOPS_ANNOTATIONS.jiraProject,
      ITOPS_ANNOTATIONS.jiraComponent,
    ],
    example: serviceExample,
  },
  changes: {
    label: 'changes',
    permission: itopsChangeReadPermission,
    capabilities: ['changes', 'freezeWindows'],
    sources: [SERVICENOW, JIRA],
    annotations: [
      ITOPS_ANNOTATIONS.servicenowService,
      ITOPS_ANNOTATIONS.servicenowCi,
      ITOPS_ANNOTATIONS.jiraProject,
      ITOPS_ANNOTATIONS.jiraComponent,
    ],
    example: serviceExample,
  },
  backups: {
    label: 'backups',
    permission: itopsBackupReadPermission,
    capabilities: ['backups'],
    sources: [VEEAM],
    annotations: [
      ITOPS_ANNOTATIONS.veeamJob,
      ITOPS_ANNOTATIONS.veeamTag,
      ITOPS_ANNOTATIONS.veeamObject,
    ],
    example: `metadata:
  annotations:
    ${ITOPS_ANNOTATIONS.veeamJob}: Payments DB - Hourly
    ${ITOPS_ANNOTATIONS.veeamObject}: pay-api-vm-01`,
  },
};

/** Kinds whose ITOps pages roll up the records of what they own or contain. */
const AGGREGATING_KINDS = new Set(['group', 'system']);

/** Whether the entity's page rolls up its parts (a team or a system). */
export function isAggregatingEntity(entity: Entity): boolean {
  return AGGREGATING_KINDS.has(entity.kind.toLocaleLowerCase('en-US'));
}

/**
 * Whether the entity is linked to the area's records: by its own
 * annotations, or, for teams and systems, through what they own or contain
 * (the backend rolls those up, so the page cannot tell in advance).
 */
export function isAreaLinked(entity: Entity, area: ItopsArea): boolean {
  if (isAggregatingEntity(entity)) {
    return true;
  }
  const annotations = getItopsAnnotations(entity);
  return ITOPS_AREAS[area].annotations.some(key => annotations[key]);
}
