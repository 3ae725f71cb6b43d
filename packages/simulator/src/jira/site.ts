import { ORG_JIRA_PROJECTS, ORG_PEOPLE, ORG_SERVICES } from '../world/org';
import { Random } from '../world/random';

/**
 * The configuration of the simulated Jira site: workflow statuses,
 * priorities, issue types, projects, users and the site-specific custom
 * field ids. Data generation, JQL and rendering all read from here so that
 * a value a client sees in one place is valid in the others.
 */

export type CategoryKey = 'new' | 'indeterminate' | 'done';

export interface StatusCategoryDef {
  id: number;
  key: CategoryKey;
  colorName: string;
  name: string;
}

export const STATUS_CATEGORIES: Record<CategoryKey, StatusCategoryDef> = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: {
    id: 4,
    key: 'indeterminate',
    colorName: 'yellow',
    name: 'In Progress',
  },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

export interface StatusDef {
  id: string;
  name: string;
  category: CategoryKey;
}

// The JSM IT service management template's workflows for incidents,
// changes and service requests.
export const STATUSES: readonly StatusDef[] = [
  { id: '1', name: 'Open', category: 'new' },
  { id: '10001', name: 'Work in progress', category: 'indeterminate' },
  { id: '10002', name: 'Pending', category: 'indeterminate' },
  { id: '5', name: 'Resolved', category: 'done' },
  { id: '6', name: 'Closed', category: 'done' },
  { id: '10003', name: 'Waiting for support', category: 'new' },
  { id: '10004', name: 'Planning', category: 'new' },
  { id: '10005', name: 'Awaiting approval', category: 'indeterminate' },
  {
    id: '10006',
    name: 'Awaiting implementation',
    category: 'indeterminate',
  },
  { id: '10007', name: 'Implementing', category: 'indeterminate' },
  { id: '10008', name: 'Completed', category: 'done' },
  { id: '10009', name: 'Failed', category: 'done' },
  { id: '10010', name: 'Canceled', category: 'done' },
];

export const PRIORITIES = [
  'Highest',
  'High',
  'Medium',
  'Low',
  'Lowest',
] as const;
export type PriorityName = (typeof PRIORITIES)[number];

/** Priority id in the default scheme: "1" for Highest ... "5" for Lowest. */
export function priorityId(name: PriorityName): string {
  return String(PRIORITIES.indexOf(name) + 1);
}

export type IssueTypeName =
  | 'Incident'
  | 'Change'
  | 'Service Request'
  | 'Post-incident review';

export interface IssueTypeDef {
  id: string;
  name: IssueTypeName;
  description: string;
}

export const ISSUE_TYPES: readonly IssueTypeDef[] = [
  {
    id: '10004',
    name: 'Incident',
    description: 'For system outages or incidents.',
  },
  {
    id: '10005',
    name: 'Change',
    description: 'For changes to IT systems and services.',
  },
  {
    id: '10006',
    name: 'Service Request',
    description: 'For requests for IT help or new services.',
  },
  // Agents create it from a major incident; customers never request it.
  {
    id: '10007',
    name: 'Post-incident review',
    description: 'For reviewing an incident after it is resolved.',
  },
];

export const RESOLUTIONS = [
  { id: '10000', name: 'Done' },
  { id: '10001', name: "Won't Do" },
  { id: '10002', name: 'Declined' },
] as const;
export type ResolutionName = (typeof RESOLUTIONS)[number]['name'];

export const CHANGE_TYPES = ['Standard', 'Normal', 'Emergency'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
export const CHANGE_RISKS = ['Low', 'Medium', 'High', 'Critical'] as const;
export type ChangeRisk = (typeof CHANGE_RISKS)[number];

export interface SiteUser {
  accountId: string;
  userName: string;
  displayName: string;
  email: string;
}

export interface SiteComponent {
  id: string;
  name: string;
}

export interface SiteProject {
  id: string;
  key: string;
  name: string;
  team: string;
  components: SiteComponent[];
}

export interface SiteService {
  /** Service registry id, the value the "Affected services" field holds. */
  id: string;
  name: string;
}

export type CustomFieldRole =
  | 'changeType'
  | 'changeRisk'
  | 'plannedStart'
  | 'plannedEnd'
  | 'affectedServices'
  | 'rootCause';

export interface CustomFieldDef {
  role: CustomFieldRole;
  /** e.g. `customfield_10231`: differs per site, resolve it by name. */
  id: string;
  numericId: number;
  name: string;
  schemaType: 'option' | 'datetime' | 'array' | 'string';
  customType: string;
  /** Option ids of select fields, by value. */
  options?: Record<string, string>;
}

/**
 * A JSM SLA metric as an issue custom field (`sd-servicelevelagreement`):
 * searches return the same object `/rest/servicedeskapi/request/{key}/sla`
 * lists, for the metric of `sla.ts` with this id.
 */
export interface SlaFieldDef {
  id: string;
  numericId: number;
  name: string;
  metricId: string;
}

export interface Site {
  cloudId: string;
  projects: SiteProject[];
  users: SiteUser[];
  services: SiteService[];
  customFields: CustomFieldDef[];
  /** Empty on a site whose SLA fields searches cannot return. */
  slaFields: SlaFieldDef[];
  customField(role: CustomFieldRole): CustomFieldDef;
  userByName(userName: string): SiteUser | undefined;
  /** Users of a team (by Backstage group name), in a seeded order. */
  teamUsers(team: string): SiteUser[];
}

/** Atlassian account ids look like `712020:<uuid>`. */
export function accountIdFor(seed: number, userName: string): string {
  return `712020:${Random.derive(seed, 'account', userName).uuid()}`;
}

/** JSM's classic change calendar names, as Data Center has them. */
const CLASSIC_NAMES: Partial<Record<CustomFieldRole, string>> = {
  plannedStart: 'Change start date',
  plannedEnd: 'Change completion date',
};

interface SiteOptions {
  seed: number;
  /** Scale mode: this many synthetic services become components, spread over the projects. */
  syntheticServices?: number;
  /** false: no SLA custom fields (default true). */
  slaFields?: boolean;
  /**
   * Data Center: planned start and end are "Change start date" and
   * "Change completion date", as in JSM's classic change calendar.
   */
  classicChangeFields?: boolean;
}

export function createSite({
  seed,
  syntheticServices,
  slaFields = true,
  classicChangeFields = false,
}: SiteOptions): Site {
  const random = Random.derive(seed, 'site');
  const users: SiteUser[] = ORG_PEOPLE.map(person => ({
    accountId: accountIdFor(seed, person.userName),
    userName: person.userName,
    displayName: person.displayName,
    email: person.email,
  }));

  let componentId = 10100;
  const projects: SiteProject[] = ORG_JIRA_PROJECTS.map((project, index) => ({
    id: String(10000 + index),
    key: project.key,
    name: project.name,
    team: project.team,
    components: project.components.map(name => ({
      id: String(componentId++),
      name,
    })),
  }));
  if (syntheticServices && syntheticServices >= projects.length) {
    for (const project of projects) {
      project.components = [];
    }
    for (let s = 0; s < syntheticServices; s++) {
      projects[s % projects.length].components.push({
        id: String(componentId++),
        name: syntheticServiceName(s),
      });
    }
  }

  const services: SiteService[] = (
    syntheticServices && syntheticServices >= projects.length
      ? Array.from({ length: syntheticServices }, (_, s) =>
          syntheticServiceName(s),
        )
      : ORG_SERVICES.filter(s => s.jiraComponent).map(s => s.catalogName)
  ).map(name => ({ id: Random.derive(seed, 'service', name).uuid(), name }));

  const customFields = [
    ...createCustomFields(random).map(field =>
      classicChangeFields && CLASSIC_NAMES[field.role]
        ? { ...field, name: CLASSIC_NAMES[field.role]! }
        : field,
    ),
    createRootCauseField(Random.derive(seed, 'root-cause-field')),
  ];
  const byRole = new Map(customFields.map(field => [field.role, field]));
  const byUserName = new Map(users.map(user => [user.userName, user]));
  return {
    cloudId: Random.derive(seed, 'cloudId').uuid(),
    projects,
    users,
    services,
    customFields,
    slaFields: slaFields
      ? createSlaFields(Random.derive(seed, 'sla-fields'))
      : [],
    customField: role => byRole.get(role)!,
    userByName: userName => byUserName.get(userName),
    teamUsers: team =>
      ORG_PEOPLE.filter(person => person.team === team).map(
        person => byUserName.get(person.userName)!,
      ),
  };
}

/** Scale mode: the component (and service) name of synthetic service `index`. */
export function syntheticServiceName(index: number): string {
  return `service-${String(index).padStart(5, '0')}`;
}

/**
 * The post-incident review's root cause: a site's own multi-line text
 * field (JSM's review template has none, so its id and name are the
 * site's; the Jira module reads it where `rootCauseField` names the id).
 * Its own seeded block of ids, drawn apart from the change fields so
 * their ids are what they were before the field existed.
 */
function createRootCauseField(random: Random): CustomFieldDef {
  const numericId = 11000 + random.int(0, 400);
  return {
    role: 'rootCause',
    name: 'Root cause',
    schemaType: 'string',
    customType: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea',
    id: `customfield_${numericId}`,
    numericId,
  };
}

/** JSM's default SLA fields, with ids of their own block. */
function createSlaFields(random: Random): SlaFieldDef[] {
  const first = 10600 + random.int(0, 300);
  return [
    { name: 'Time to first response', metricId: '1' },
    { name: 'Time to resolution', metricId: '2' },
  ].map((field, index) => {
    const numericId = first + index * 2 + random.int(0, 1);
    return { ...field, id: `customfield_${numericId}`, numericId };
  });
}

/**
 * Custom field ids are assigned by each site as fields are created, so a
 * client must look them up by name; the seed picks the block of ids and
 * their order to keep clients honest.
 */
function createCustomFields(random: Random): CustomFieldDef[] {
  const roles: Array<Omit<CustomFieldDef, 'id' | 'numericId'>> = [
    {
      role: 'changeType',
      name: 'Change type',
      schemaType: 'option',
      customType: 'com.atlassian.jira.plugin.system.customfieldtypes:select',
      options: {},
    },
    {
      role: 'changeRisk',
      name: 'Change risk',
      schemaType: 'option',
      customType: 'com.atlassian.jira.plugin.system.customfieldtypes:select',
      options: {},
    },
    {
      role: 'plannedStart',
      name: 'Planned start',
      schemaType: 'datetime',
      customType: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime',
    },
    {
      role: 'plannedEnd',
      name: 'Planned end',
      schemaType: 'datetime',
      customType: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime',
    },
    {
      role: 'affectedServices',
      name: 'Affected services',
      schemaType: 'array',
      customType:
        'com.atlassian.jira.plugins.service-entity:service-entity-field-cftype',
    },
  ];
  const first = 10000 + random.int(10, 480);
  const slots = roles.map((_, index) => index);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  let optionId = 10500 + random.int(0, 400);
  return roles.map((role, index) => {
    // Gaps between ids, as on a site where other fields were created in between.
    const numericId = first + slots[index] * 3 + random.int(0, 2);
    const values: Record<string, readonly string[]> = {
      changeType: CHANGE_TYPES,
      changeRisk: CHANGE_RISKS,
    };
    const options = role.options
      ? Object.fromEntries(
          values[role.role].map(value => [value, String(optionId++)]),
        )
      : undefined;
    return { ...role, id: `customfield_${numericId}`, numericId, options };
  });
}
