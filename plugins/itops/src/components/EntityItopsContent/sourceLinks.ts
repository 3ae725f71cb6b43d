import {
  ITOPS_ANNOTATIONS,
  type ItopsAnnotation,
  getItopsAnnotations,
} from '@backstage-itops/plugin-itops-common';
import type { Entity } from '@backstage/catalog-model';

/** One way an entity is linked to a source system, for display. */
export interface SourceLink {
  system: 'ServiceNow' | 'Jira Service Management' | 'Veeam';
  label: string;
  annotation: ItopsAnnotation;
  values: string[];
}

const LINK_LABELS: ReadonlyArray<
  readonly [ItopsAnnotation, SourceLink['system'], string]
> = [
  [ITOPS_ANNOTATIONS.servicenowInstance, 'ServiceNow', 'Instance'],
  [ITOPS_ANNOTATIONS.servicenowService, 'ServiceNow', 'Business service'],
  [ITOPS_ANNOTATIONS.servicenowCi, 'ServiceNow', 'Configuration items'],
  [
    ITOPS_ANNOTATIONS.servicenowAssignmentGroup,
    'ServiceNow',
    'Assignment group',
  ],
  [ITOPS_ANNOTATIONS.jiraSite, 'Jira Service Management', 'Site'],
  [ITOPS_ANNOTATIONS.jiraProject, 'Jira Service Management', 'Project'],
  [ITOPS_ANNOTATIONS.jiraComponent, 'Jira Service Management', 'Components'],
  [ITOPS_ANNOTATIONS.jsmOpsTeam, 'Jira Service Management', 'Operations team'],
  [ITOPS_ANNOTATIONS.veeamServer, 'Veeam', 'Backup server'],
  [ITOPS_ANNOTATIONS.veeamJob, 'Veeam', 'Backup jobs'],
  [ITOPS_ANNOTATIONS.veeamTag, 'Veeam', 'Job tag'],
  [ITOPS_ANNOTATIONS.veeamObject, 'Veeam', 'Protected objects'],
  [ITOPS_ANNOTATIONS.rpo, 'Veeam', 'Recovery point objective'],
];

/** The entity's ITOps links, in a stable order grouped by system. */
export function getSourceLinks(entity: Entity): SourceLink[] {
  const annotations = getItopsAnnotations(entity);
  return LINK_LABELS.flatMap(([annotation, system, label]) => {
    const values = annotations[annotation];
    return values ? [{ system, label, annotation, values }] : [];
  });
}
