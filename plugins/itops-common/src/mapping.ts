import type { Entity } from '@backstage/catalog-model';
import { ITOPS_ANNOTATIONS, getItopsAnnotations } from './annotations';
import type { MappingKey, MappingKeyType } from './records';

/**
 * The value of a Jira component key: components are only unique within a
 * project, so the key carries both.
 *
 * @public
 */
export function jiraComponentKey(project: string, component: string): string {
  return `${project.toUpperCase()}/${component}`;
}

/**
 * A Jira key scoped to the site it comes from (`<site>:<PROJECT>` or
 * `<site>:<PROJECT>/<component>`), so that two sites with the same project
 * key keep their issues apart. Issues carry their keys both plain and
 * scoped; an entity that names its site (`itops.io/jira-site`) matches the
 * scoped ones only. Project and component keys hold no colon before the
 * first slash and site names (config keys) none at all, so a scoped value
 * never equals a plain one.
 *
 * @public
 */
export function jiraSiteKey(site: string, value: string): string {
  return `${site}:${value}`;
}

const SIMPLE_KEYS: ReadonlyArray<readonly [string, MappingKeyType]> = [
  [ITOPS_ANNOTATIONS.servicenowService, 'servicenow-service'],
  [ITOPS_ANNOTATIONS.servicenowCi, 'servicenow-ci'],
  [ITOPS_ANNOTATIONS.servicenowAssignmentGroup, 'servicenow-group'],
  [ITOPS_ANNOTATIONS.jsmOpsTeam, 'jsm-team'],
  [ITOPS_ANNOTATIONS.veeamJob, 'veeam-job'],
  [ITOPS_ANNOTATIONS.veeamTag, 'veeam-tag'],
  [ITOPS_ANNOTATIONS.veeamObject, 'veeam-object'],
];

/**
 * The mapping keys an entity's annotations give it; a record belongs to the
 * entity when they share a key. A Jira project with components maps to those
 * components only, so that two services in one project keep their own issues.
 * Values are normalized (see {@link normalizeMappingValue}).
 *
 * @public
 */
export function entityMappingKeys(entity: Entity): MappingKey[] {
  const annotations = getItopsAnnotations(entity);
  const keys: MappingKey[] = [];
  for (const [annotation, type] of SIMPLE_KEYS) {
    for (const value of annotations[annotation as keyof typeof annotations] ??
      []) {
      keys.push({ type, value: normalizeMappingValue(value) });
    }
  }
  const projects = annotations[ITOPS_ANNOTATIONS.jiraProject] ?? [];
  const components = annotations[ITOPS_ANNOTATIONS.jiraComponent] ?? [];
  const sites = annotations[ITOPS_ANNOTATIONS.jiraSite] ?? [];
  const scoped = (value: string) =>
    sites.length === 0
      ? [normalizeMappingValue(value)]
      : sites.map(site => normalizeMappingValue(jiraSiteKey(site, value)));
  for (const project of projects) {
    if (components.length === 0) {
      for (const value of scoped(project)) {
        keys.push({ type: 'jira-project', value });
      }
    }
    for (const component of components) {
      for (const value of scoped(jiraComponentKey(project, component))) {
        keys.push({ type: 'jira-component', value });
      }
    }
  }
  return keys;
}

/**
 * Longest mapping key value that is stored. Longer values cannot be keys
 * (the columns are 255 characters on every database) and are left out on
 * both sides, so they never match by accident after truncation.
 *
 * @public
 */
export const MAX_MAPPING_KEY_LENGTH = 255;

/**
 * Mapping compares names case-insensitively and ignores surrounding blanks,
 * because the same service is spelt differently across tools.
 *
 * @public
 */
export function normalizeMappingValue(value: string): string {
  return value.trim().toLowerCase();
}
