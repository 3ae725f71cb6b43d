export interface Config {
  itops?: {
    servicenow?: {
      /** ServiceNow instances by name, e.g. `production`, `emea`. */
      instances?: {
        [name: string]: {
          /** Instance URL, e.g. `https://acme.service-now.com`. */
          baseUrl: string;
          /**
           * Credentials of the integration user: `username`/`password` for
           * Basic auth; with `clientId`/`clientSecret`, OAuth (password grant
           * when a username is given, else client_credentials).
           */
          auth: {
            username?: string;
            /** @visibility secret */
            password?: string;
            clientId?: string;
            /** @visibility secret */
            clientSecret?: string;
            /** `password` or `client_credentials`; inferred when absent. */
            grantType?: 'password' | 'client_credentials';
            /**
             * Renew the OAuth token at least this long before it expires,
             * though never in the first half of its life. Unset (the
             * default): renewed at 80 % of its lifetime (`expires_in`), at
             * the latest a second before it expires.
             */
            refreshBeforeExpirySeconds?: number;
          };
          /** Request policy, shared by all ITOps source modules. */
          http?: {
            /** Requests in flight at once. Default 4. */
            maxConcurrency?: number;
            /** Average request budget; keep it under the instance's rate-limit rules. Default 10. */
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
            /** false only to accept a self-signed certificate. */
            rejectUnauthorized?: boolean;
            /** PEM of a private CA. */
            ca?: string;
          };
          /** Rows per Table API page (at most 10000). Default 1000. */
          pageSize?: number;
          /** Incremental syncs re-read this far behind the watermark. Default 60. */
          overlapSeconds?: number;
          /**
           * The watermark never passes the instance's own clock (the `Date`
           * header of its answers) minus this, so that rows stamped in the
           * future (clock skew, imports, scripts) cannot make incremental
           * syncs skip later updates. Such rows are still stored. Default 120.
           */
          clockOverlapSeconds?: number;
          /** Deleted incidents and changes between full reconciles. */
          deletions?: {
            /**
             * Incremental syncs read `sys_audit_delete` (the instance's log
             * of deleted records) and remove what was deleted since the
             * watermark, instead of waiting for the full reconcile. Off by
             * default: reading the audit tables needs a role integration
             * users seldom have, its columns are not in the REST
             * documentation, and tables with `no_audit_delete` log nothing.
             * A 403 or 404 on it loses only this; the reconcile stays the
             * safety net. Default false.
             */
            auditTable?: boolean;
          };
          incidents?: {
            /** Default true. */
            enabled?: boolean;
            /** Default `incident`. */
            table?: string;
            /** Encoded query ANDed to every query, e.g. `company=<sys_id>`; no ^NQ or ORDERBY. */
            filter?: string;
            /** Codes per state (new, in_progress, on_hold, resolved, closed, cancelled). Defaults 1, 2, 3, 6, 7, 8. */
            states?: { [normalized: string]: string[] };
            /** Default `major_incident_state` in `accepted`. */
            major?: {
              /** Column name, e.g. `u_security_incident`. */
              field: string;
              /** Values meaning true. Default `['true']`. */
              values?: string[];
            };
            /** Default `category` in `security`. */
            security?: {
              /** Column name, e.g. `u_security_incident`. */
              field: string;
              /** Values meaning true. Default `['true']`. */
              values?: string[];
            };
            /** No default. */
            personalDataBreach?: {
              /** Column name, e.g. `u_security_incident`. */
              field: string;
              /** Values meaning true. Default `['true']`. */
              values?: string[];
            };
            /** Date-time column of the first response, for MTTA. */
            acknowledgedAtField?: string;
            /** Date-time column of the detection, for MTTD. */
            detectedAtField?: string;
            /** Date-time column of awareness of a personal-data breach. */
            breachAwareAtField?: string;
            /** Date-time column of the supervisory-authority notification. */
            authorityNotifiedAtField?: string;
            /** Boolean column of a met resolution SLA. Default `made_sla`. */
            slaMetField?: string;
            /**
             * Date-time column of the first assignment to a group or
             * assignee (compliance INC-01). ServiceNow has no such column
             * out of the box (only `reassignment_count`), so there is no
             * default: stamp one with a business rule, e.g.
             * `u_assigned_at`. Unset: INC-01 counts the assignment group
             * alone.
             */
            assignedAtField?: string;
            /**
             * The post-incident review linked to an incident (compliance
             * INC-04). Default: the problem record in `problem_id`, where
             * the root-cause analysis of a major incident is recorded.
             */
            postIncidentReview?: {
              /** false: reviews are not read. Default true. */
              enabled?: boolean;
              /**
               * Column linking the review: a reference (shown by its
               * record's `number`) or a text column holding a URL or an id.
               * Default `problem_id`.
               */
              field?: string;
              /** Table the reference points to, for links. Default `problem`. */
              table?: string;
              /**
               * Date-time column of the review's completion; dot-walks
               * allowed, e.g. `problem_id.u_review_completed_at`. Unset: a
               * linked review counts as recorded whenever it was linked.
               */
              completedAtField?: string;
              /**
               * Text column of the review's root cause, dot-walks allowed.
               * Default `problem_id.cause_notes` when the default problem
               * link is used; a linked record without a root cause is not
               * counted as a review (compliance INC-04).
               */
              rootCauseField?: string;
            };
            /**
             * Text column with the reasons for notifying a personal-data
             * breach after 72 hours (GDPR art. 33(1), compliance NTF-01),
             * e.g. `u_dpa_delay_reason`. No default.
             */
            notificationDelayReasonField?: string;
          };
          changes?: {
            enabled?: boolean;
            /** Default `change_request`. */
            table?: string;
            filter?: string;
            /** Defaults -5 … 4 (new, assess, authorize, scheduled, implement, review, closed, cancelled). */
            states?: { [normalized: string]: string[] };
            /** standard, normal, emergency. */
            types?: { [normalized: string]: string[] };
            /** very_high, high, moderate, low. Defaults 1–4. */
            risks?: { [normalized: string]: string[] };
            /** not_requested, requested, approved, rejected. */
            approvals?: { [normalized: string]: string[] };
            /** successful, successful_with_issues, unsuccessful. */
            closeCodes?: { [normalized: string]: string[] };
            /** Date-time column of the approval. Default `approval_set`. */
            approvedAtField?: string;
          };
          freezeWindows?: {
            enabled?: boolean;
            /** Default `cmn_schedule_blackout`. */
            scheduleTable?: string;
            /** Default `cmn_schedule_span`. */
            spanTable?: string;
            /** Table a schedule's condition applies to. Default `cmdb_ci`. */
            ciTable?: string;
            /** IANA zone of floating schedules. Default UTC. */
            defaultTimeZone?: string;
            /** Repeating spans are expanded this far ahead. Default 365. */
            horizonDays?: number;
            /** Windows that ended longer ago are left out. Default 90. */
            historyDays?: number;
            /** Default 5000. */
            maxCisPerSchedule?: number;
          };
          oncall?: {
            /** false for instances without the on-call scheduling plugin. Default true. */
            enabled?: boolean;
            /** How far back the start of the current shifts is searched. Default 168. */
            lookBackHours?: number;
            /** How far ahead the next shifts are searched. Default 336. */
            lookAheadHours?: number;
            /** whoisoncall is sampled this often; shorter than the shortest shift. Default 360. */
            stepMinutes?: number;
            /** Handovers are located to this precision. Default 1. */
            resolutionMinutes?: number;
          };
        };
      };
    };
  };
}
