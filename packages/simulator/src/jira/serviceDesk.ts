import type { SimResponse } from '../types';
import type { IssueRecord } from './issue';
import { issueKey } from './issue';
import { ISSUE_TYPES, type Site, type SiteUser, STATUSES } from './site';
import { renderSla, slaMetricIds } from './sla';
import { json, jsmError } from './responses';
import type { IssueStore } from './store';
import { jsmDate } from './time';

/**
 * The JSM REST API (`/rest/servicedeskapi`): service desks (one per
 * project), request types, customer requests and their SLAs, with JSM's
 * paged envelope `{size, start, limit, isLastPage, values, _links}`.
 *
 * The integration user is treated as an agent who sees every request, so
 * `requestOwnership` does not narrow the list.
 */

export interface ServiceDeskDeps {
  site: Site;
  store: IssueStore;
  now: number;
  baseUrl: string;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

function serviceDeskId(site: Site, projectKey: string): string {
  return String(site.projects.findIndex(p => p.key === projectKey) + 1);
}

function requestTypeId(site: Site, issue: IssueRecord): string {
  const desk = Number(serviceDeskId(site, issue.projectKey));
  return String(
    desk * 10 + ISSUE_TYPES.findIndex(t => t.name === issue.issueType) + 1,
  );
}

const REQUEST_TYPE_NAMES: Record<string, string> = {
  Incident: 'Report a system problem',
  Change: 'Request a change',
  'Service Request': 'Get IT help',
};

function page<T>(
  items: T[],
  url: URL,
  deps: ServiceDeskDeps,
  total = items.length,
  start = 0,
  limit = DEFAULT_LIMIT,
) {
  const self = `${deps.baseUrl}${url.pathname}`;
  const link = (from: number) => {
    const next = new URL(self);
    url.searchParams.forEach((value, name) =>
      next.searchParams.set(name, value),
    );
    next.searchParams.set('start', String(from));
    next.searchParams.set('limit', String(limit));
    return next.toString();
  };
  const isLastPage = start + items.length >= total;
  return {
    size: items.length,
    start,
    limit,
    isLastPage,
    values: items,
    _expands: [],
    _links: {
      base: deps.baseUrl,
      context: '',
      self: `${self}${url.search}`,
      ...(isLastPage ? {} : { next: link(start + limit) }),
      ...(start > 0 ? { prev: link(Math.max(0, start - limit)) } : {}),
    },
  };
}

function paging(url: URL): { start: number; limit: number } | SimResponse {
  const start = Number(url.searchParams.get('start') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? DEFAULT_LIMIT);
  if (
    !Number.isInteger(start) ||
    start < 0 ||
    !Number.isInteger(limit) ||
    limit < 1
  ) {
    return jsmError(
      400,
      'The start and limit parameters must be non-negative integers.',
      'sd.paging.invalid',
    );
  }
  return { start, limit: Math.min(limit, MAX_LIMIT) };
}

function renderJsmUser(user: SiteUser, baseUrl: string) {
  return {
    accountId: user.accountId,
    emailAddress: user.email,
    displayName: user.displayName,
    active: true,
    timeZone: 'Etc/UTC',
    _links: {
      jiraRest: `${baseUrl}/rest/api/2/user?accountId=${encodeURIComponent(
        user.accountId,
      )}`,
      self: `${baseUrl}/rest/api/2/user?accountId=${encodeURIComponent(
        user.accountId,
      )}`,
    },
  };
}

function renderRequest(
  issue: IssueRecord,
  deps: ServiceDeskDeps,
  expand: Set<string>,
) {
  const { baseUrl, now, site } = deps;
  const category = STATUSES.find(s => s.name === issue.status)!.category;
  const reporter = site.userByName(issue.reporter);
  const key = issueKey(issue);
  return {
    _expands: [
      'participant',
      'status',
      'sla',
      'requestType',
      'serviceDesk',
      'attachment',
      'action',
      'comment',
    ],
    issueId: String(issue.id),
    issueKey: key,
    summary: issue.summary,
    requestTypeId: requestTypeId(site, issue),
    serviceDeskId: serviceDeskId(site, issue.projectKey),
    createdDate: jsmDate(issue.created, now),
    reporter: reporter ? renderJsmUser(reporter, baseUrl) : null,
    requestFieldValues: [
      { fieldId: 'summary', label: 'Summary', value: issue.summary },
      {
        fieldId: 'description',
        label: 'Description',
        value: issue.description,
      },
    ],
    currentStatus: {
      status: issue.status,
      statusCategory: category.toUpperCase(),
      statusDate: jsmDate(issue.resolved ?? issue.updated, now),
    },
    ...(expand.has('sla')
      ? {
          sla: page(
            slas(issue, deps),
            new URL(`${baseUrl}/rest/servicedeskapi/request/${key}/sla`),
            deps,
          ),
        }
      : {}),
    _links: {
      jiraRest: `${baseUrl}/rest/api/2/issue/${issue.id}`,
      web: `${baseUrl}/servicedesk/customer/portal/${serviceDeskId(
        site,
        issue.projectKey,
      )}/${key}`,
      agent: `${baseUrl}/browse/${key}`,
      self: `${baseUrl}/rest/servicedeskapi/request/${issue.id}`,
    },
  };
}

function slas(issue: IssueRecord, deps: ServiceDeskDeps) {
  return slaMetricIds(issue).map(
    id => renderSla(issue, id, deps.now, deps.baseUrl)!,
  );
}

function renderServiceDesk(site: Site, index: number, baseUrl: string) {
  const project = site.projects[index];
  return {
    id: String(index + 1),
    projectId: project.id,
    projectName: project.name,
    projectKey: project.key,
    _links: { self: `${baseUrl}/rest/servicedeskapi/servicedesk/${index + 1}` },
  };
}

/** Issue types customers can request (a post-incident review is not one). */
function isRequestable(issueType: string): boolean {
  return issueType in REQUEST_TYPE_NAMES;
}

function requestTypes(deskId: string, baseUrl: string) {
  return ISSUE_TYPES.flatMap((type, index) => {
    if (!isRequestable(type.name)) {
      return [];
    }
    const id = String(Number(deskId) * 10 + index + 1);
    return {
      id,
      _links: {
        self: `${baseUrl}/rest/servicedeskapi/servicedesk/${deskId}/requesttype/${id}`,
      },
      name: REQUEST_TYPE_NAMES[type.name],
      description: type.description,
      helpText: '',
      issueTypeId: type.id,
      serviceDeskId: deskId,
      groupIds: [],
    };
  });
}

const REQUEST_NOT_FOUND = (key: string) =>
  jsmError(
    404,
    `The request '${key}' does not exist or you do not have permission to see it.`,
    'sd.request.error.not.found',
  );

export function handleServiceDesk(
  path: string[],
  url: URL,
  deps: ServiceDeskDeps,
): SimResponse | undefined {
  const { site, baseUrl } = deps;
  const paged = paging(url);
  if ('status' in paged) {
    return paged;
  }
  const { start, limit } = paged;
  const slice = <T>(items: T[]) =>
    json(
      200,
      page(
        items.slice(start, start + limit),
        url,
        deps,
        items.length,
        start,
        limit,
      ),
    );

  if (path[0] === 'servicedesk') {
    const desks = site.projects.map((_, index) =>
      renderServiceDesk(site, index, baseUrl),
    );
    if (path.length === 1) {
      return slice(desks);
    }
    const desk = desks.find(d => d.id === path[1] || d.projectKey === path[1]);
    if (!desk) {
      return jsmError(
        404,
        `Service desk ${path[1]} does not exist.`,
        'sd.servicedesk.error.not.found',
      );
    }
    if (path.length === 2) {
      return json(200, desk);
    }
    if (path.length === 3 && path[2] === 'requesttype') {
      return slice(requestTypes(desk.id, baseUrl));
    }
    return undefined;
  }

  if (path[0] !== 'request') {
    return undefined;
  }
  const expand = new Set(
    (url.searchParams.get('expand') ?? '').split(',').map(e => e.trim()),
  );
  if (path.length === 1) {
    const matching = listRequests(url, deps);
    return json(
      200,
      page(
        matching
          .slice(start, start + limit)
          .map(issue => renderRequest(issue, deps, expand)),
        url,
        deps,
        matching.length,
        start,
        limit,
      ),
    );
  }
  const issue = deps.store.find(path[1]);
  if (!issue) {
    return REQUEST_NOT_FOUND(path[1]);
  }
  if (path.length === 2) {
    return json(200, renderRequest(issue, deps, expand));
  }
  if (path[2] !== 'sla') {
    return undefined;
  }
  if (path.length === 3) {
    return slice(slas(issue, deps));
  }
  const sla =
    path.length === 4
      ? renderSla(issue, path[3], deps.now, baseUrl)
      : undefined;
  return sla
    ? json(200, sla)
    : jsmError(
        404,
        `The SLA metric ${path[3]} does not exist.`,
        'sd.sla.error.not.found',
      );
}

/** Requests matching the list filters, newest first. */
function listRequests(url: URL, deps: ServiceDeskDeps): IssueRecord[] {
  const params = url.searchParams;
  const desk = params.get('serviceDeskId');
  const type = params.get('requestTypeId');
  const status = params.get('requestStatus') ?? 'ALL_REQUESTS';
  const term = params.get('searchTerm')?.toLowerCase();
  const matching: IssueRecord[] = [];
  for (const issue of deps.store.ascendingByUpdated()) {
    const done =
      STATUSES.find(s => s.name === issue.status)!.category === 'done';
    if (
      isRequestable(issue.issueType) &&
      (!desk || serviceDeskId(deps.site, issue.projectKey) === desk) &&
      (!type || requestTypeId(deps.site, issue) === type) &&
      (status !== 'OPEN_REQUESTS' || !done) &&
      (status !== 'CLOSED_REQUESTS' || done) &&
      (!term || issue.summary.toLowerCase().includes(term))
    ) {
      matching.push(issue);
    }
  }
  return matching.sort((a, b) => b.created - a.created || b.id - a.id);
}
