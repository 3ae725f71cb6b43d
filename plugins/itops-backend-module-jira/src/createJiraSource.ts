import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ChangeRecord,
  IncidentRecord,
} from '@backstage-itops/plugin-itops-common';
import {
  type ItopsSource,
  type SourceAuth,
  SourceHttpClient,
  type SourceHttpClientOptions,
} from '@backstage-itops/plugin-itops-node';
import { OAuth3loAuth } from './auth/OAuth3loAuth';
import type { OAuthTokenStore } from './auth/OAuthTokenStore';
import { BasicAuth, BearerAuth } from './auth/staticAuth';
import { JiraClient } from './client/JiraClient';
import { JsmOpsClient } from './client/JsmOpsClient';
import type { JiraSiteConfig } from './config';
import { resolveChangeFields } from './fields';
import {
  CHANGE_PEOPLE,
  ISSUE_FIELDS,
  type ChangeLinkOptions,
  REVIEW_LINK_FIELD,
  toChange,
  toIncident,
} from './mapping';
import { readReviewRootCauses } from './reviewRootCauses';
import { resolveSlaFields, SlaReader, slaSearchFields } from './sla';
import { IssueReader } from './readers/IssueReader';
import { OnCallReader } from './readers/OnCallReader';

export interface JiraSourceDeps {
  logger?: LoggerService;
  /** Required for sites with OAuth 2.0 (3LO). */
  tokenStore?: OAuthTokenStore;
  /** For tests: options passed to every HTTP client. */
  httpOverrides?: Partial<SourceHttpClientOptions>;
  now?: () => number;
}

/** Remembers a successful answer; a failed one is asked again next time. */
function memoize<T>(
  load: (signal: AbortSignal) => Promise<T>,
): (signal: AbortSignal) => Promise<T> {
  let value: Promise<T> | undefined;
  return signal => {
    value ??= load(signal).catch(error => {
      value = undefined;
      throw error;
    });
    return value;
  };
}

function createAuth(
  site: JiraSiteConfig,
  deps: JiraSourceDeps,
  clientOptions: Omit<SourceHttpClientOptions, 'name' | 'baseUrl'>,
): SourceAuth {
  const { auth } = site;
  switch (auth.kind) {
    case 'basic':
      return new BasicAuth(auth.username, auth.secret);
    case 'pat':
      return new BearerAuth(auth.token);
    default:
      if (!deps.tokenStore) {
        throw new Error(
          `Jira site ${site.name}: OAuth needs a token store for its rotating refresh tokens`,
        );
      }
      return new OAuth3loAuth({
        site: site.name,
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        configuredRefreshToken: auth.refreshToken,
        tokenUrl: auth.tokenUrl,
        tokenClient: new SourceHttpClient({
          ...clientOptions,
          name: `jira/${site.name} oauth`,
          baseUrl: auth.tokenUrl,
        }),
        store: deps.tokenStore,
        now: deps.now,
      });
  }
}

/**
 * The API base: the site itself with Basic or PAT auth; Atlassian's
 * gateway for OAuth, which only knows sites by cloud id.
 */
function apiBaseUrl(site: JiraSiteConfig): string {
  if (site.auth.kind !== 'oauth') {
    return site.baseUrl;
  }
  if (!site.cloudId) {
    throw new Error(
      `Invalid config at itops.jira.sites.${site.name}.cloudId: OAuth calls go through Atlassian's gateway, which needs the site's cloud id`,
    );
  }
  return `${site.atlassianApiUrl}/ex/jira/${encodeURIComponent(site.cloudId)}`;
}

/** One configured Jira site as an ITOps source with its readers. */
export function createJiraSource(
  site: JiraSiteConfig,
  deps: JiraSourceDeps = {},
): ItopsSource {
  const clientOptions = {
    ...site.http,
    logger: deps.logger,
    ...deps.httpOverrides,
  };
  const http = new SourceHttpClient({
    ...clientOptions,
    name: `jira/${site.name}`,
    baseUrl: apiBaseUrl(site),
    auth: createAuth(site, deps, clientOptions),
  });
  const client = new JiraClient(http, site.deployment);

  const timeZone = memoize(
    async signal =>
      site.timeZone ?? (await client.myself(signal)).timeZone ?? 'UTC',
  );
  const changeFields = async (signal: AbortSignal) =>
    resolveChangeFields(await client.fields(signal), site.fields);

  // Linked issues of the synced change types are the incident's changes.
  const changeLinks: ChangeLinkOptions | undefined = site.changes.enabled
    ? {
        changeIssueTypes: site.changes.issueTypes.map(type =>
          type.trim().toLowerCase(),
        ),
        causedByLinkTypes: site.incidents.causedByLinkTypes,
      }
    : undefined;

  const incidents = new IssueReader<IncidentRecord>({
    client,
    site,
    selection: site.incidents,
    timeZone,
    logger: deps.logger,
    prepare: async signal => {
      const siteFields = await client.fields(signal);
      const { affectedServices } = resolveChangeFields(siteFields, site.fields);
      const slaIds = resolveSlaFields(siteFields, site.sla);
      // One per run: the cap on per-issue SLA requests counts per run.
      const slas = site.sla.enabled
        ? new SlaReader(client, site.sla, slaIds)
        : undefined;
      return {
        malformation: {
          requiredDates: ['created'],
          dates: { updated: '', resolutiondate: '' },
          statuses: site.incidents.statuses,
        },
        fields: [
          ...ISSUE_FIELDS,
          ...(affectedServices ? [affectedServices] : []),
          // Linked reviews and changes come with the search page: no
          // extra request.
          ...(site.incidents.reviewIssueTypes.length > 0 || changeLinks
            ? [REVIEW_LINK_FIELD]
            : []),
          // SLAs too, where the site has SLA fields.
          ...(slas ? slaSearchFields(slaIds) : []),
        ],
        convert: async (issues, convertSignal) => {
          const gapsBefore = (slas?.skipped ?? 0) + (slas?.failed ?? 0);
          const reviewRootCauses = await readReviewRootCauses({
            client,
            issues,
            reviewIssueTypes: site.incidents.reviewIssueTypes,
            rootCauseField: site.incidents.reviewRootCauseField,
            pageSize: site.pageSize,
            signal: convertSignal,
          });
          const records = await Promise.all(
            issues.map(async issue => {
              const sla = await slas?.facts(issue, convertSignal);
              const incident = toIncident(issue, {
                siteUrl: site.baseUrl,
                config: site.incidents,
                components: {
                  affectedServicesField: affectedServices,
                  componentLabelPrefix: site.componentLabelPrefix,
                  site: site.name,
                },
                sla: sla === 'unknown' ? undefined : sla,
                reviewRootCauses,
                changeLinks,
              });
              // What an earlier run learnt of its SLAs stays stored.
              return sla === 'unknown'
                ? {
                    ...incident,
                    unknown: [
                      ...(incident.unknown ?? []),
                      'slaMet',
                      'acknowledgedAt',
                    ],
                  }
                : incident;
            }),
          );
          const gaps = (slas?.skipped ?? 0) + (slas?.failed ?? 0);
          return {
            records,
            partial: slas && gaps > gapsBefore ? slas.partial() : [],
          };
        },
      };
    },
  });

  const changes = new IssueReader<ChangeRecord>({
    client,
    site,
    selection: site.changes,
    timeZone,
    logger: deps.logger,
    prepare: async signal => {
      const fields = await changeFields(signal);
      const dates: Record<string, string> = { updated: '', resolutiondate: '' };
      for (const role of [
        'plannedStart',
        'plannedEnd',
        'actualStart',
        'actualEnd',
      ] as const) {
        if (fields[role]) {
          dates[fields[role]!] = role;
        }
      }
      return {
        malformation: {
          requiredDates: [],
          dates,
          statuses: site.changes.statuses,
        },
        fields: [...ISSUE_FIELDS, ...CHANGE_PEOPLE, ...Object.values(fields)],
        convert: async issues => ({
          records: issues.map(issue =>
            toChange(issue, {
              siteUrl: site.baseUrl,
              config: site.changes,
              fields,
              componentLabelPrefix: site.componentLabelPrefix,
              site: site.name,
            }),
          ),
        }),
      };
    },
  });

  const cloudId = memoize(async signal => {
    if (site.cloudId) {
      return site.cloudId;
    }
    const { body } = await http.json<{ cloudId?: string }>(
      `${site.baseUrl}/_edge/tenant_info`,
      { anonymous: true, signal },
    );
    if (!body?.cloudId) {
      throw new Error(
        `Jira site ${site.name}: /_edge/tenant_info gave no cloudId; set itops.jira.sites.${site.name}.cloudId`,
      );
    }
    return body.cloudId;
  });

  return {
    type: 'jira',
    instance: site.name,
    baseUrl: site.baseUrl,
    readers: {
      ...(site.incidents.enabled ? { incidents } : {}),
      ...(site.changes.enabled ? { changes } : {}),
      ...(site.oncall.enabled
        ? {
            oncall: new OnCallReader({
              jira: client,
              horizonDays: site.oncall.horizonDays,
              now: deps.now,
              logger: deps.logger,
              ops: async signal =>
                new JsmOpsClient(
                  http,
                  site.atlassianApiUrl,
                  await cloudId(signal),
                ),
            }),
          }
        : {}),
    },
  };
}
