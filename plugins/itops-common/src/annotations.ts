import type { Entity } from '@backstage/catalog-model';

/**
 * The catalog annotations through which Backstage ITOps maps ServiceNow, Jira
 * and Veeam records to entities. They share one namespace so that a reviewer
 * can find every ITOps link of an entity at a glance, and so that the example
 * catalog and the docs can be checked against this single list.
 *
 * Values that name several things (CIs, components, jobs) are comma-separated.
 *
 * @public
 */
export const ITOPS_ANNOTATIONS = {
  /** ServiceNow instance name from `itops.servicenow.instances`, when several are configured. */
  servicenowInstance: 'itops.io/servicenow-instance',
  /** ServiceNow business service (`cmdb_ci_service.name`), e.g. `Payments API`. */
  servicenowService: 'itops.io/servicenow-service',
  /** ServiceNow configuration item sys_ids (`cmdb_ci.sys_id`). */
  servicenowCi: 'itops.io/servicenow-ci',
  /** ServiceNow assignment group (`sys_user_group.name`); used on groups for on-call and incidents. */
  servicenowAssignmentGroup: 'itops.io/servicenow-assignment-group',
  /** Jira site name from `itops.jira.sites`, when several are configured. */
  jiraSite: 'itops.io/jira-site',
  /** Jira project key, e.g. `PAY`. */
  jiraProject: 'itops.io/jira-project',
  /** Jira components within the project. */
  jiraComponent: 'itops.io/jira-component',
  /** Jira Service Management Operations team whose schedules give on-call. */
  jsmOpsTeam: 'itops.io/jsm-ops-team',
  /** Veeam backup server name from `itops.veeam.servers`, when several are configured. */
  veeamServer: 'itops.io/veeam-server',
  /** Veeam backup job names. */
  veeamJob: 'itops.io/veeam-job',
  /** Tag written into Veeam job descriptions as `[itops:<tag>]`. */
  veeamTag: 'itops.io/veeam-tag',
  /** Names of protected objects (VMs, hosts, databases) in Veeam. */
  veeamObject: 'itops.io/veeam-object',
  /** Recovery point objective as an ISO 8601 duration, e.g. `PT24H`. */
  rpo: 'itops.io/rpo',
} as const;

/**
 * The name of one ITOps annotation key in {@link ITOPS_ANNOTATIONS}.
 *
 * @public
 */
export type ItopsAnnotation =
  (typeof ITOPS_ANNOTATIONS)[keyof typeof ITOPS_ANNOTATIONS];

const declaredAnnotations: ReadonlySet<string> = new Set(
  Object.values(ITOPS_ANNOTATIONS),
);

/** The namespace every ITOps annotation lives in. @public */
export const ITOPS_ANNOTATION_PREFIX = 'itops.io/';

/**
 * Whether a key is one of the declared ITOps annotations.
 *
 * @public
 */
export function isItopsAnnotation(key: string): key is ItopsAnnotation {
  return declaredAnnotations.has(key);
}

/**
 * The ITOps annotations an entity carries, as trimmed lists of values.
 * Unknown keys in the `itops.io/` namespace are left out; annotations with
 * only blanks count as absent.
 *
 * @public
 */
export function getItopsAnnotations(
  entity: Entity,
): Partial<Record<ItopsAnnotation, string[]>> {
  const result: Partial<Record<ItopsAnnotation, string[]>> = {};
  for (const [key, raw] of Object.entries(entity.metadata.annotations ?? {})) {
    if (!isItopsAnnotation(key)) {
      continue;
    }
    const values = splitAnnotationValue(raw);
    if (values.length > 0) {
      result[key] = values;
    }
  }
  return result;
}

/**
 * Whether the entity carries at least one ITOps annotation, and so has
 * something for the ITOps tab to show.
 *
 * @public
 */
export function hasItopsAnnotations(entity: Entity): boolean {
  return Object.keys(getItopsAnnotations(entity)).length > 0;
}

/**
 * Splits a comma-separated annotation value into trimmed, non-empty parts.
 *
 * @public
 */
export function splitAnnotationValue(value: string | undefined): string[] {
  if (!value) {
    return [];
  }
  return value
    .split(',')
    .map(part => part.trim())
    .filter(part => part.length > 0);
}
