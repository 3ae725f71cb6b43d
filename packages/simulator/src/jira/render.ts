import type { IssueLinkRecord, IssueRecord } from './issue';
import { issueKey } from './issue';
import {
  ISSUE_TYPES,
  priorityId,
  RESOLUTIONS,
  STATUS_CATEGORIES,
  STATUSES,
  type Site,
  type SiteUser,
} from './site';
import { renderSla } from './sla';
import { jiraTimeIn } from './time';

/** Jira's JSON shapes of issues and of the objects inside them. */

export type Deployment = 'cloud' | 'datacenter';

export interface RenderContext {
  baseUrl: string;
  site: Site;
  deployment: Deployment;
  /** REST API version of the request: v3 writes rich text as ADF, v2 as plain text. */
  apiVersion: '2' | '3';
  /** The site's clock, for SLA fields (ongoing cycles, friendly dates). */
  now: number;
  /** Zone times are written in: `UTC` on Cloud, the server's on Data Center. */
  timeZone: string;
}

function avatarUrls(baseUrl: string, seed: string) {
  const url = `${baseUrl}/secure/useravatar?ownerId=${encodeURIComponent(
    seed,
  )}`;
  return {
    '48x48': url,
    '24x24': `${url}&size=small`,
    '16x16': `${url}&size=xsmall`,
    '32x32': `${url}&size=medium`,
  };
}

export function renderUser(user: SiteUser, context: RenderContext) {
  const { baseUrl, apiVersion } = context;
  const common = {
    emailAddress: user.email,
    avatarUrls: avatarUrls(baseUrl, user.accountId),
    displayName: user.displayName,
    active: true,
    timeZone: 'Etc/UTC',
  };
  if (context.deployment === 'datacenter') {
    return {
      self: `${baseUrl}/rest/api/2/user?username=${encodeURIComponent(
        user.userName,
      )}`,
      name: user.userName,
      key: user.userName,
      ...common,
    };
  }
  return {
    self: `${baseUrl}/rest/api/${apiVersion}/user?accountId=${encodeURIComponent(
      user.accountId,
    )}`,
    accountId: user.accountId,
    accountType: 'atlassian',
    ...common,
  };
}

function renderStatus(name: string, context: RenderContext) {
  const { baseUrl, apiVersion } = context;
  const status = STATUSES.find(s => s.name === name)!;
  const category = STATUS_CATEGORIES[status.category];
  return {
    self: `${baseUrl}/rest/api/${apiVersion}/status/${status.id}`,
    description: '',
    iconUrl: `${baseUrl}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: {
      self: `${baseUrl}/rest/api/${apiVersion}/statuscategory/${category.id}`,
      id: category.id,
      key: category.key,
      colorName: category.colorName,
      name: category.name,
    },
  };
}

function richText(text: string, context: RenderContext) {
  if (context.apiVersion === '2') {
    return text;
  }
  return {
    type: 'doc',
    version: 1,
    content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
  };
}

type FieldRenderer = (issue: IssueRecord, context: RenderContext) => unknown;

const SYSTEM_FIELDS: Record<string, { name: string; render: FieldRenderer }> = {
  summary: { name: 'Summary', render: issue => issue.summary },
  description: {
    name: 'Description',
    render: (issue, context) => richText(issue.description, context),
  },
  issuetype: {
    name: 'Issue Type',
    render: (issue, { baseUrl, apiVersion }) => {
      const type = ISSUE_TYPES.find(t => t.name === issue.issueType)!;
      return {
        self: `${baseUrl}/rest/api/${apiVersion}/issuetype/${type.id}`,
        id: type.id,
        description: type.description,
        iconUrl: `${baseUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${type.id}`,
        name: type.name,
        subtask: false,
        hierarchyLevel: 0,
      };
    },
  },
  project: {
    name: 'Project',
    render: (issue, { baseUrl, apiVersion, site }) => {
      const project = site.projects.find(p => p.key === issue.projectKey)!;
      return {
        self: `${baseUrl}/rest/api/${apiVersion}/project/${project.id}`,
        id: project.id,
        key: project.key,
        name: project.name,
        projectTypeKey: 'service_desk',
        simplified: false,
        avatarUrls: avatarUrls(baseUrl, project.key),
      };
    },
  },
  status: {
    name: 'Status',
    render: (issue, context) => renderStatus(issue.status, context),
  },
  priority: {
    name: 'Priority',
    render: (issue, { baseUrl, apiVersion }) => ({
      self: `${baseUrl}/rest/api/${apiVersion}/priority/${priorityId(
        issue.priority,
      )}`,
      iconUrl: `${baseUrl}/images/icons/priorities/${issue.priority.toLowerCase()}.svg`,
      name: issue.priority,
      id: priorityId(issue.priority),
    }),
  },
  resolution: {
    name: 'Resolution',
    render: (issue, { baseUrl, apiVersion }) => {
      const resolution = RESOLUTIONS.find(r => r.name === issue.resolution);
      return resolution
        ? {
            self: `${baseUrl}/rest/api/${apiVersion}/resolution/${resolution.id}`,
            id: resolution.id,
            description: '',
            name: resolution.name,
          }
        : null;
    },
  },
  assignee: {
    name: 'Assignee',
    render: (issue, context) => {
      const user = issue.assignee && context.site.userByName(issue.assignee);
      return user ? renderUser(user, context) : null;
    },
  },
  reporter: {
    name: 'Reporter',
    render: (issue, context) => {
      const user = context.site.userByName(issue.reporter);
      return user ? renderUser(user, context) : null;
    },
  },
  created: {
    name: 'Created',
    render: (issue, { timeZone }) => jiraTimeIn(issue.created, timeZone),
  },
  updated: {
    name: 'Updated',
    render: (issue, { timeZone }) => jiraTimeIn(issue.updated, timeZone),
  },
  resolutiondate: {
    name: 'Resolved',
    render: (issue, { timeZone }) =>
      issue.resolved === null ? null : jiraTimeIn(issue.resolved, timeZone),
  },
  components: {
    name: 'Components',
    render: (issue, { baseUrl, apiVersion, site }) => {
      const project = site.projects.find(p => p.key === issue.projectKey)!;
      return issue.components.map(name => {
        const component = project.components.find(c => c.name === name);
        const id = component?.id ?? '0';
        return {
          self: `${baseUrl}/rest/api/${apiVersion}/component/${id}`,
          id,
          name,
        };
      });
    },
  },
  labels: { name: 'Labels', render: issue => issue.labels },
  issuelinks: {
    name: 'Linked Issues',
    render: (issue, context) =>
      (issue.links ?? []).map(link => renderLink(link, context)),
  },
};

/** The fields Jira shows of the other issue of a link. */
const LINKED_FIELDS = ['summary', 'status', 'priority', 'issuetype'] as const;

function renderLink(link: IssueLinkRecord, context: RenderContext) {
  const { baseUrl, apiVersion } = context;
  // The linked issue's few fields are all the renderers read of it.
  const other = link.issue as IssueRecord;
  const id = String(other.id);
  return {
    id: link.id,
    self: `${baseUrl}/rest/api/${apiVersion}/issueLink/${link.id}`,
    type: {
      id: '10003',
      name: link.type,
      inward: 'relates to',
      outward: 'relates to',
      self: `${baseUrl}/rest/api/${apiVersion}/issueLinkType/10003`,
    },
    [link.direction === 'outward' ? 'outwardIssue' : 'inwardIssue']: {
      id,
      key: issueKey(other),
      self: `${baseUrl}/rest/api/${apiVersion}/issue/${id}`,
      fields: Object.fromEntries(
        LINKED_FIELDS.map(field => [
          field,
          SYSTEM_FIELDS[field].render(other, context),
        ]),
      ),
    },
  };
}

function customRenderers(
  site: Site,
): Record<string, { name: string; render: FieldRenderer }> {
  const entries = site.customFields.map(def => {
    const render: FieldRenderer = (issue, context) => {
      const { baseUrl, apiVersion, timeZone } = context;
      if (def.role === 'rootCause') {
        // A textarea: a string on v2 (Data Center), a document on v3.
        return issue.rootCause ? richText(issue.rootCause, context) : null;
      }
      const change = issue.change;
      if (!change) {
        return null;
      }
      switch (def.role) {
        case 'plannedStart':
          return jiraTimeIn(change.plannedStart, timeZone);
        case 'plannedEnd':
          return jiraTimeIn(change.plannedEnd, timeZone);
        case 'affectedServices':
          return change.affectedServices.map(name => ({
            id: site.services.find(s => s.name === name)?.id ?? name,
            name,
          }));
        default: {
          const value = def.role === 'changeType' ? change.type : change.risk;
          const id = def.options![value];
          return {
            self: `${baseUrl}/rest/api/${apiVersion}/customFieldOption/${id}`,
            value,
            id,
          };
        }
      }
    };
    return [def.id, { name: def.name, render }] as const;
  });
  const sla = site.slaFields.map(def => {
    // Null on issues without that SLA (changes), as Jira renders it.
    const render: FieldRenderer = (issue, { baseUrl, now }) =>
      renderSla(issue, def.metricId, now, baseUrl) ?? null;
    return [def.id, { name: def.name, render }] as const;
  });
  return Object.fromEntries([...entries, ...sla]);
}

/** Which fields a search returns, from its `fields` parameter. */
export interface FieldSelection {
  fieldIds: string[];
}

export function selectFields(
  requested: string[] | undefined,
  fallback: string,
  site: Site,
): FieldSelection {
  const all = [
    ...Object.keys(SYSTEM_FIELDS),
    ...site.customFields.map(f => f.id),
    ...site.slaFields.map(f => f.id),
  ];
  const tokens = (requested && requested.length > 0 ? requested : [fallback])
    .flatMap(entry => entry.split(','))
    .map(entry => entry.trim())
    .filter(Boolean);
  const chosen = new Set<string>();
  for (const token of tokens) {
    if (token === '*all' || token === '*navigable') {
      all.forEach(id => chosen.add(id));
    } else if (all.includes(token)) {
      chosen.add(token);
    }
  }
  for (const token of tokens) {
    if (token.startsWith('-')) {
      chosen.delete(token.slice(1));
    }
  }
  return { fieldIds: all.filter(id => chosen.has(id)) };
}

/**
 * `false` when the request asks for real fields; else how bare issues look:
 * `{id}`, as Cloud answers by default, plus `key` when asked for.
 */
export function identifiersOnly(
  requested: string[] | undefined,
): false | { withKey: boolean } {
  const tokens = (requested ?? [])
    .flatMap(entry => entry.split(','))
    .map(entry => entry.trim())
    .filter(Boolean);
  return tokens.every(token => token === 'id' || token === 'key')
    ? { withKey: tokens.includes('key') }
    : false;
}

export function createIssueRenderer(site: Site) {
  const renderers = { ...SYSTEM_FIELDS, ...customRenderers(site) };
  return {
    names(selection: FieldSelection): Record<string, string> {
      return Object.fromEntries(
        selection.fieldIds.map(id => [id, renderers[id].name]),
      );
    },
    render(
      issue: IssueRecord,
      selection: FieldSelection,
      context: RenderContext,
      bare: false | { withKey: boolean },
    ) {
      const id = String(issue.id);
      if (bare) {
        return bare.withKey ? { id, key: issueKey(issue) } : { id };
      }
      const fields: Record<string, unknown> = {};
      for (const fieldId of selection.fieldIds) {
        fields[fieldId] = renderers[fieldId].render(issue, context);
      }
      return {
        expand:
          'operations,versionedRepresentations,editmeta,changelog,renderedFields',
        id,
        self: `${context.baseUrl}/rest/api/${context.apiVersion}/issue/${id}`,
        key: issueKey(issue),
        fields,
      };
    },
  };
}

export type IssueRenderer = ReturnType<typeof createIssueRenderer>;

const SYSTEM_SCHEMA: Record<string, string> = {
  issuetype: 'issuetype',
  project: 'project',
  status: 'status',
  priority: 'priority',
  resolution: 'resolution',
  assignee: 'user',
  reporter: 'user',
  created: 'datetime',
  updated: 'datetime',
  resolutiondate: 'datetime',
  components: 'array',
  labels: 'array',
  issuelinks: 'array',
};

/** `GET /rest/api/3/field`: system and custom fields with their schemas. */
export function renderFieldList(site: Site) {
  const system = Object.entries(SYSTEM_FIELDS).map(([id, def]) => ({
    id,
    key: id,
    name: def.name,
    custom: false,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [id],
    schema: { type: SYSTEM_SCHEMA[id] ?? 'string', system: id },
  }));
  const custom = site.customFields.map(def => ({
    id: def.id,
    key: def.id,
    name: def.name,
    untranslatedName: def.name,
    custom: true,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [`cf[${def.numericId}]`, def.name],
    schema:
      def.schemaType === 'array'
        ? {
            type: 'array',
            items: 'service-entity-field-cftype',
            custom: def.customType,
            customId: def.numericId,
          }
        : {
            type: def.schemaType,
            custom: def.customType,
            customId: def.numericId,
          },
  }));
  const sla = site.slaFields.map(def => ({
    id: def.id,
    key: def.id,
    name: def.name,
    untranslatedName: def.name,
    custom: true,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [`cf[${def.numericId}]`, def.name],
    schema: {
      type: 'sd-servicelevelagreement',
      custom: 'com.atlassian.servicedesk:sd-sla-field',
      customId: def.numericId,
    },
  }));
  return [...system, ...custom, ...sla];
}
