import { syntheticServiceName } from './jira/site';
import { scaleServiceOf } from './servicenow/scale';
import type { ScaleOptions } from './types';
import { scaleJobName } from './veeam/scale';
import {
  ciSysId,
  ORG_JIRA_PROJECTS,
  ORG_SERVICES,
  ORG_TEAMS,
  type OrgService,
} from './world/org';
import { Random } from './world/random';

/** A JSON value, as entity specs hold. */
export type ScaleCatalogJson =
  | string
  | number
  | boolean
  | null
  | ScaleCatalogJson[]
  | { [key: string]: ScaleCatalogJson };

/**
 * A Backstage catalog entity as a plain object, the shape of a catalog
 * YAML document. The simulator stays free of Backstage dependencies, so
 * this is the minimal local equivalent of `@backstage/catalog-model`'s
 * `Entity`, assignable to it.
 */
export interface ScaleCatalogEntity {
  apiVersion: 'backstage.io/v1alpha1';
  kind: 'Group' | 'System' | 'Component' | 'Resource';
  metadata: {
    name: string;
    namespace: 'default';
    title?: string;
    description?: string;
    annotations?: Record<string, string>;
  };
  spec: { [key: string]: ScaleCatalogJson };
}

export interface ScaleCatalogOptions {
  /** Seed of the compliance annotations' gaps; the simulators' names do not depend on it. */
  seed?: number;
  /** The sizes the simulators were started with. */
  scale: ScaleOptions;
  /** Reference time of the ROPA review dates. Default: now. */
  now?: Date;
}

const API_VERSION = 'backstage.io/v1alpha1';
const DAY = 86_400_000;
const CLASSIFICATIONS = ['internal', 'confidential', 'restricted', 'public'];

/** One owning team: a Backstage group and the ServiceNow assignment group it maps. */
interface Team {
  group: string;
  title: string;
  servicenowGroup: string;
  jsmOpsTeam?: string;
  members: readonly string[];
}

/** One business service of the ServiceNow scale world, in the simulator's order. */
interface ScaleService {
  servicenowService: string;
  team: Team;
}

const ORG_TEAM_BY_GROUP = new Map(
  ORG_TEAMS.map(team => [
    team.catalogName,
    {
      group: team.catalogName,
      title: team.name,
      servicenowGroup: team.name,
      jsmOpsTeam: team.jsmOps ? team.name : undefined,
      members: team.members,
    } satisfies Team,
  ]),
);

const ORG_BUSINESS_SERVICES = ORG_SERVICES.filter(
  (service): service is OrgService & { servicenowService: string } =>
    Boolean(service.servicenowService),
);

/**
 * The ServiceNow scale world's business services: the org's own first, then
 * the generated ones up to `services` in all (see servicenow/scale.ts).
 */
function scaleServices(services: number): ScaleService[] {
  const list: ScaleService[] = ORG_BUSINESS_SERVICES.map(service => ({
    servicenowService: service.servicenowService,
    team: ORG_TEAM_BY_GROUP.get(service.team)!,
  }));
  const generatedTeams = new Map<number, Team>();
  for (let s = 0; s < services - ORG_BUSINESS_SERVICES.length; s++) {
    const generated = scaleServiceOf(s);
    let team = generatedTeams.get(generated.teamNumber);
    if (!team) {
      team = {
        group: `scale-team-${String(generated.teamNumber).padStart(4, '0')}`,
        title: generated.teamName,
        servicenowGroup: generated.teamName,
        members: generated.members,
      };
      generatedTeams.set(generated.teamNumber, team);
    }
    list.push({ servicenowService: generated.serviceName, team });
  }
  return list;
}

/** Backstage entity name of the component for scale service `index`. */
export function scaleComponentName(index: number): string {
  // The Jira scale world's component name: lower-case and catalog-safe.
  return syntheticServiceName(index);
}

function systemName(team: Team): string {
  return `${team.group}-services`;
}

function groupEntity(team: Team): ScaleCatalogEntity {
  return {
    apiVersion: API_VERSION,
    kind: 'Group',
    metadata: {
      name: team.group,
      namespace: 'default',
      title: team.title,
      annotations: {
        'itops.io/servicenow-assignment-group': team.servicenowGroup,
        ...(team.jsmOpsTeam
          ? { 'itops.io/jsm-ops-team': team.jsmOpsTeam }
          : {}),
      },
    },
    spec: { type: 'team', children: [], members: [...team.members] },
  };
}

function systemEntity(team: Team): ScaleCatalogEntity {
  return {
    apiVersion: API_VERSION,
    kind: 'System',
    metadata: {
      name: systemName(team),
      namespace: 'default',
      title: `${team.title} services`,
    },
    spec: { owner: team.group },
  };
}

/**
 * What the compliance checks read, varied per service and with a few
 * seeded gaps, so that an evaluation has passes, failures and unknowns to
 * report rather than one uniform answer.
 */
function complianceAnnotations(
  index: number,
  random: Random,
  now: number,
): Record<string, string> {
  const tier = (index % 4) + 1;
  const personalData = index % 3 === 0;
  const annotations: Record<string, string> = {
    'itops.io/tier': String(tier),
    'itops.io/personal-data': String(personalData),
  };
  if (!random.chance(0.05)) {
    annotations['itops.io/data-classification'] =
      CLASSIFICATIONS[index % CLASSIFICATIONS.length];
  }
  if (!random.chance(0.1)) {
    annotations['itops.io/rto'] = tier === 1 ? 'PT4H' : 'PT24H';
  }
  if (personalData && !random.chance(0.1)) {
    annotations['itops.io/ropa'] = `ROPA-${String(index).padStart(5, '0')}`;
    // Reviewed within the last ~16 months: some are overdue.
    annotations['itops.io/ropa-reviewed'] = new Date(
      now - random.int(0, 480) * DAY,
    )
      .toISOString()
      .slice(0, 10);
  }
  return annotations;
}

function componentEntity(
  index: number,
  service: ScaleService,
  links: { jira: boolean; veeamJob: boolean; dependsOn?: string },
  compliance: Record<string, string>,
): ScaleCatalogEntity {
  const tier1 = compliance['itops.io/tier'] === '1';
  const project = ORG_JIRA_PROJECTS[index % ORG_JIRA_PROJECTS.length];
  return {
    apiVersion: API_VERSION,
    kind: 'Component',
    metadata: {
      name: scaleComponentName(index),
      namespace: 'default',
      title: service.servicenowService,
      annotations: {
        'itops.io/servicenow-service': service.servicenowService,
        ...(links.jira
          ? {
              'itops.io/jira-project': project.key,
              'itops.io/jira-component': syntheticServiceName(index),
            }
          : {}),
        ...(links.veeamJob
          ? {
              'itops.io/veeam-job': scaleJobName(index),
              // The scale world's jobs run daily.
              'itops.io/rpo': tier1 ? 'PT24H' : 'PT48H',
            }
          : {}),
        ...compliance,
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: service.team.group,
      system: systemName(service.team),
      ...(links.dependsOn ? { dependsOn: [links.dependsOn] } : {}),
    },
  };
}

/** The org's CI-only services (databases, clusters), which scale-world incidents also land on. */
function orgResources(): ScaleCatalogEntity[] {
  return ORG_SERVICES.filter(
    service => !service.servicenowService && service.servicenowCis.length > 0,
  ).map(service => {
    const team = ORG_TEAM_BY_GROUP.get(service.team)!;
    return {
      apiVersion: API_VERSION,
      kind: 'Resource',
      metadata: {
        name: service.catalogName,
        namespace: 'default',
        annotations: {
          'itops.io/servicenow-ci': service.servicenowCis
            .map(ciSysId)
            .join(','),
        },
      },
      spec: {
        type: 'database',
        owner: team.group,
        system: systemName(team),
      },
    };
  });
}

/**
 * The Backstage catalog of the simulators' scale world: a group (with its
 * ServiceNow assignment group, and JSM Operations team where the org runs
 * one) and a system per team, and a component per ServiceNow business
 * service, annotated so that the backend maps onto it the service's
 * ServiceNow incidents and changes, its Jira component's issues (when the
 * Jira scale world has synthetic components, i.e. at least one service per
 * project), and its Veeam job (component `i` gets job `i`). The org's
 * CI-only services come as resources.
 *
 * Components number max(`scale.services`, the org's 8 business services),
 * as the ServiceNow scale world does. On-call exists for the org's teams
 * only: the simulators have no rotas for generated teams.
 */
export function scaleCatalogEntities(
  options: ScaleCatalogOptions,
): ScaleCatalogEntity[] {
  const { scale } = options;
  const seed = options.seed ?? 42;
  const now = (options.now ?? new Date()).getTime();
  const services = scaleServices(scale.services);
  // Jira keeps the org's components when there are fewer services than projects.
  const jiraSynthetic = scale.services >= ORG_JIRA_PROJECTS.length;

  const teams = [...new Set(services.map(service => service.team))];
  const entities: ScaleCatalogEntity[] = [
    ...teams.map(groupEntity),
    ...teams.map(systemEntity),
    ...orgResources(),
  ];
  services.forEach((service, index) => {
    // Every other service depends on its team's next one, so that the
    // change calendar finds conflicts along dependencies.
    const next = services[index + 1];
    const dependsOn =
      index % 2 === 0 && next?.team === service.team
        ? `component:default/${scaleComponentName(index + 1)}`
        : undefined;
    entities.push(
      componentEntity(
        index,
        service,
        {
          jira: jiraSynthetic && index < scale.services,
          // The Veeam scale world has at least one job, as here.
          veeamJob: index < Math.max(1, scale.backupJobs),
          dependsOn,
        },
        complianceAnnotations(
          index,
          Random.derive(seed, 'scale-catalog', index),
          now,
        ),
      ),
    );
  });
  return entities;
}
