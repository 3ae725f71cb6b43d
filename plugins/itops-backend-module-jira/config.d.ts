export interface Config {
  itops?: {
    jira?: {
      /** Jira sites by name; several may be configured at once. */
      sites?: {
        [name: string]: {
          /**
           * Site URL, e.g. `https://acme.atlassian.net` or
           * `https://jira.example.com/jira`. Issue links point here; with
           * Basic or PAT auth the API is called here too.
           */
          baseUrl: string;
          /** `cloud` (default) or `datacenter`. */
          deployment?: 'cloud' | 'datacenter';
          /**
           * The site's cloud id. Needed with OAuth; otherwise read from
           * `<baseUrl>/_edge/tenant_info` when JSM Operations is used.
           */
          cloudId?: string;
          /**
           * Atlassian's API gateway for JSM Operations and OAuth calls.
           * Default `https://api.atlassian.com`.
           */
          atlassianApiUrl?: string;
          auth: {
            /** Cloud: the account email that owns the API token. */
            email?: string;
            /**
             * Cloud: API token of that account.
             * @visibility secret
             */
            apiToken?: string;
            /**
             * Data Center: personal access token, sent as Bearer.
             * @visibility secret
             */
            personalAccessToken?: string;
            /** Data Center: user name for Basic auth, when no PAT is used. */
            username?: string;
            /**
             * Data Center: password for Basic auth.
             * @visibility secret
             */
            password?: string;
            /**
             * Cloud: OAuth 2.0 (3LO) app credentials. Atlassian rotates the
             * refresh token on every refresh; the newest is kept in the
             * ITOps database, so this one is only the start of the chain.
             * Setting a different refresh token here starts a new chain.
             */
            oauth?: {
              clientId: string;
              /** @visibility secret */
              clientSecret: string;
              /**
               * Refresh token from the consent flow (scope `offline_access`).
               * @visibility secret
               */
              refreshToken: string;
              /** Default `https://auth.atlassian.com/oauth/token`. */
              tokenUrl?: string;
            };
          };
          /** Only issues of these project keys; all projects when unset. */
          projects?: string[];
          /**
           * Time zone of the integration user, in which Jira reads JQL
           * dates. Read from `/myself` when unset.
           */
          timeZone?: string;
          incidents?: {
            /** Default true. */
            enabled?: boolean;
            /** Default `['Incident']`. */
            issueTypes?: string[];
            /** JQL selecting incidents instead of `issueTypes`. */
            jql?: string;
            /**
             * Status name → incident state (`new`, `in_progress`,
             * `on_hold`, `resolved`, `closed`, `cancelled`); statuses not
             * listed follow their status category.
             */
            statuses?: { [status: string]: string };
            /** Priority name → 1 (critical) … 5 (planning). */
            priorities?: { [priority: string]: number };
            /**
             * Post-incident reviews (compliance INC-04): an issue of one of
             * these types linked to the incident, read from the incident's
             * `issuelinks` (no extra request). A done review counts as
             * completed; its completion time is not read.
             */
            postIncidentReview?: {
              /** false: reviews are not read. Default true. */
              enabled?: boolean;
              /** Default `['Post-incident review']`. */
              issueTypes?: string[];
              /**
               * Field id of the root cause on the review issue, e.g.
               * `customfield_10050` (plain text or rich text). Read with one
               * extra search per page of incidents. Without it INC-04 judges
               * Jira reviews `no_data` ("root cause not configured for this
               * source"), never as missing.
               */
              rootCauseField?: string;
            };
            /**
             * Changes linked to incidents (incident drawer): linked issues of
             * a `changes.issueTypes` type, read from `issuelinks` in the same
             * search (no extra request). Read while changes are enabled.
             */
            linkedChanges?: {
              /**
               * Link type names whose outward side causes the inward one
               * (e.g. `Causes`: "causes" / "is caused by"); a change on the
               * inward side of such a link is stored as the incident's cause.
               * Default none: link type names differ per site, so every
               * linked change is `related`.
               */
              causedByLinkTypes?: string[];
            };
            /**
             * A label marking capacity incidents (compared without regard
             * to case): a labelled incident gets this label as its
             * category, the others an empty one. Unset: Jira incidents
             * carry no category and the capacity check (CAP-01) says
             * "category source not configured" for them.
             */
            capacityLabel?: string;
          };
          changes?: {
            /** Default true. */
            enabled?: boolean;
            /** Default `['Change']`. */
            issueTypes?: string[];
            /** JQL selecting changes instead of `issueTypes`. */
            jql?: string;
            /**
             * Status name → change state (`new`, `assess`, `authorize`,
             * `scheduled`, `implement`, `review`, `closed`, `cancelled`).
             */
            statuses?: { [status: string]: string };
            /**
             * Status or resolution name → outcome (`successful`,
             * `successful_with_issues`, `unsuccessful`).
             */
            outcomes?: { [name: string]: string };
            /**
             * A label marking security-patch changes (compared without
             * regard to case): a labelled change gets this label as its
             * category, the others an empty one. Unset: Jira changes carry
             * no category and the patching check (VUL-01) says "category
             * source not configured" for them.
             */
            patchLabel?: string;
          };
          mapping?: {
            /**
             * Labels starting with this prefix name a component of the
             * issue's project for entity mapping, e.g. `service:` makes the
             * label `service:checkout` count as component `checkout`. An
             * empty string makes every label count. Unset: labels do not map.
             */
            componentLabelPrefix?: string;
          };
          /**
           * Custom field ids (e.g. `customfield_10042`) overriding the
           * discovery by name through `/rest/api/3/field`.
           */
          fields?: {
            changeType?: string;
            changeRisk?: string;
            plannedStart?: string;
            plannedEnd?: string;
            actualStart?: string;
            actualEnd?: string;
            affectedServices?: string;
            approvals?: string;
          };
          /**
           * JSM SLAs of incidents, for SLA attainment and acknowledgement
           * time, read from the SLA custom fields in the issue search.
           */
          sla?: {
            /** Default true. */
            enabled?: boolean;
            /**
             * Per-issue requests to `/rest/servicedeskapi/request/{key}/sla`
             * allowed per run, for incidents whose SLAs the search cannot
             * return (a site without SLA fields). Incidents past the cap
             * keep no SLA facts that run, which the sync status reports as
             * partial. Default 500; 0 never asks per issue.
             */
            maxRequestsPerRun?: number;
            /** Default `Time to resolution`. */
            resolutionMetric?: string;
            /** Default `Time to first response`. */
            responseMetric?: string;
          };
          /** On-call from JSM Operations schedules (Cloud only). */
          oncall?: {
            /** Default true on Cloud. */
            enabled?: boolean;
            /** Days of upcoming shifts to read. Default 14. */
            horizonDays?: number;
          };
          sync?: {
            /** Re-read this many seconds before the watermark, as Jira's index can lag. Default 60. */
            overlapSeconds?: number;
            /** Issues per search page, at most 100. Default 100. */
            pageSize?: number;
          };
          /** Request policy, as for every ITOps source. */
          http?: {
            maxConcurrency?: number;
            requestsPerSecond?: number;
            /**
             * Per attempt, from connecting to the last byte of the answer; caps
             * every stage of `timeouts`. Default 30.
             */
            timeoutSeconds?: number;
            /** Separate bounds for the stages of one attempt, in seconds. */
            timeouts?: {
              /** Opening the connection, TLS handshake included. Default 10. */
              connectSeconds?: number;
              /** From sending the request to the answer's headers. Default: timeoutSeconds. */
              headersSeconds?: number;
              /** Longest pause within the answer's body. Default: timeoutSeconds. */
              bodySeconds?: number;
            };
            /**
             * Largest answer read, in MiB after decompression; a larger one fails
             * the request unread. Default 64.
             */
            maxResponseMegabytes?: number;
            retry?: {
              maxAttempts?: number;
              baseDelayMs?: number;
              maxDelayMs?: number;
            };
          };
          tls?: {
            rejectUnauthorized?: boolean;
            ca?: string;
          };
        };
      };
    };
  };
}
