import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';

export interface Config {
  itops?: {
    /** How the ITOps backend syncs its sources into its store. */
    sync?: {
      /**
       * Schedule of each source instance's sync tasks (one per capability).
       * Default: every 5 minutes, 15-minute timeout.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How often a run is a full reconcile (every record, deleting what the
       * source no longer has) instead of an incremental one. Default: 6 hours.
       */
      fullSyncEvery?: HumanDuration | string;
      /** Per-capability overrides, e.g. a shorter schedule for `oncall`. */
      capabilities?: {
        [capability: string]: {
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
          fullSyncEvery?: HumanDuration | string;
        };
      };
    };
    /** Recomputing the mapping of records to catalog entities. */
    mapping?: {
      /** Default: every minute. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Who may claim a source object through `itops.io/*` annotations, per
       * mapping key type (`servicenow-ci`, `servicenow-service`,
       * `servicenow-group`, `jira-project`, `jira-component`, `jsm-team`,
       * `veeam-job`, `veeam-tag`, `veeam-object`). Keys groups and systems
       * collect from their parts are not claims; they follow the part's.
       * Withheld and refused claims are listed at `/mapping/conflicts`.
       */
      claims?: {
        [keyType: string]: {
          /**
           * `open` (default): every claimant keeps the value. `exclusive`: a
           * value several entities claim without a rule is withheld from all.
           */
          policy?: 'open' | 'exclusive';
          /** Owners of given values; other claimants are refused. */
          rules?: Array<{
            /** Values as in the annotations (case-insensitive; Jira components as `PROJECT/component`). */
            values: string[];
            /** Entity refs that may claim them (kind defaults to component). */
            entities?: string[];
            /** Owner refs whose entities may claim them (kind defaults to group). */
            owners?: string[];
          }>;
        };
      };
    };
    /**
     * Freeze (blackout) windows besides those synced from ServiceNow. Times
     * without an offset are wall-clock times in `timeZone`, so recurring
     * windows keep their local times across DST.
     */
    freezeWindows?: Array<{
      name: string;
      description?: string;
      /** ISO 8601 date-time, e.g. `2026-12-18T18:00`. */
      start: string;
      /** ISO 8601 date-time after `start`. */
      end: string;
      /** IANA time zone, default `UTC`. */
      timeZone?: string;
      recurrence?: {
        frequency: 'daily' | 'weekly' | 'monthly' | 'yearly';
        /** Every n-th period, default 1. */
        interval?: number;
        /** Occurrences starting at or after this date-time are dropped. */
        until?: string;
      };
      /** Whom the window applies to; without a scope, every entity. */
      scope?: {
        /** System refs (short names mean `system:default/<name>`): the systems and their parts. */
        systems?: string[];
        /** Group refs: the groups and what they own. */
        groups?: string[];
        /** Catalog tags. */
        tags?: string[];
        /** Entity refs (short names mean `component:default/<name>`). */
        entities?: string[];
      };
    }>;
    /** The change calendar. */
    calendar?: {
      /** Per-user tokens of the iCalendar feed. */
      feedTokens?: {
        /**
         * Lifetime of a new token in days, at most 366. Default 90. A token
         * also dies when its owner leaves the catalog, and with all the
         * owner's tokens when the owner is found without itops.change.read.
         */
        maxAgeDays?: number;
      };
    };
    /** KPI computation. */
    kpis?: {
      /** Window of KPI requests without explicit dates. Default: 90 days. */
      windowDays?: number;
    };
    /** Compliance scorecards (ISO/IEC 27001 Annex A, GDPR and imported frameworks). */
    compliance?: {
      /** Evaluation of all entities. Default: daily, 30-minute timeout. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Catalog kinds evaluated (lower case). Default: [component]. */
      kinds?: string[];
      /** spec.lifecycle values evaluated; empty means all. Default: [production]. */
      lifecycles?: string[];
      /** Longest waiver that may be requested, in days. Default: 365. */
      maxWaiverDays?: number;
      /** Longest an attestation of a control may run, in days. Default: 365. */
      maxAttestationDays?: number;
      /**
       * Which source category values mean what to the checks, compared
       * without regard to case. No defaults: the vendors document no
       * values, so an unset list makes the check `no_data` ("source not
       * configured"), never a pass.
       */
      categories?: {
        /**
         * Change categories of security patches (VUL-01, ISO A.8.8): the
         * ServiceNow change_request `category` values and the Jira
         * `changes.patchLabel`, e.g. [Security, security-patch]. List only
         * those marking critical and high patches: each is held to the
         * 30-day window.
         */
        securityPatch?: string[];
        /**
         * Incident categories of capacity or performance exhaustion
         * (CAP-01, ISO A.8.6): ServiceNow incident `category` or
         * `subcategory` values and the Jira `incidents.capacityLabel`,
         * e.g. [Capacity, capacity].
         */
        capacity?: string[];
      };
      /** Statement of Applicability (ISO/IEC 27001 clause 6.1.3 d). */
      soa?: {
        /** Annex A controls excluded from new SoA versions, each with its justification. */
        exclusions?: Array<{ control: string; justification: string }>;
      };
      /**
       * The tier (1–4) a service without `itops.io/tier` is judged at, so
       * that tier rules and thresholds still apply to it. Default: 3.
       */
      defaultTier?: number;
      /**
       * Runs of every entity between full snapshots store only the results
       * that changed since the newest full one; reads resolve the rest
       * through it.
       */
      incremental?: {
        /** Default: true. When false, every run stores a full snapshot. */
        enabled?: boolean;
        /** Age of the newest full snapshot at which the next run is stored in full. Default: 7 days. */
        fullEvery?: HumanDuration | string;
      };
      /**
       * Which snapshots the scheduled evaluation keeps; the others are
       * recorded in the disposal ledger and deleted. Bases of kept
       * incremental snapshots and the newest snapshot are always kept.
       */
      retention?: {
        /** Default: true. */
        enabled?: boolean;
        /** Every snapshot, single-entity runs included, is kept this many days. Default: 35. */
        keepAllDays?: number;
        /** Then the last snapshot of each UTC day, up to this age in days. Default: 400. */
        keepDailyDays?: number;
        /** Then the last of each UTC month, up to this age in days. Default: unset, forever. */
        keepMonthlyDays?: number;
        /**
         * Person refs and names in compliance records and snapshot evidence
         * older than this many months are replaced by keyed pseudonyms.
         * Whole months, 1 to 120. Default: 13.
         */
        pseudonymiseAfterMonths?: number;
        /**
         * Key of the pseudonyms (HMAC-SHA256), at least 32 characters. Keep
         * it stable: a new key gives people new pseudonyms. Unset: nothing
         * is pseudonymised and each retention run logs a warning.
         * @visibility secret
         */
        pseudonymKey?: string;
      };
      /**
       * Organisation-wide threshold overrides per check id, e.g.
       * `CHG-01: { pass: 0.99, warn: 0.97 }`; `windowDays` sets a rate window.
       */
      thresholds?: { [checkId: string]: { [threshold: string]: number } };
      /** Overrides per tier, keyed `tier1` … `tier4`, on top of the organisation's. */
      tiers?: {
        [tier: string]: {
          thresholds?: { [checkId: string]: { [threshold: string]: number } };
        };
      };
      /**
       * Extra frameworks (SOC 2, NIS2, DORA, a licensed ISO catalogue…):
       * inline, or `file:` naming a JSON file relative to the working directory,
       * with `id`, `name`, `controls: [{ id, label, theme?, evidence? }]` and
       * `mappings: { CHECK-ID: [controlId] }`.
       */
      frameworks?: Array<{
        file?: string;
        id?: string;
        name?: string;
        version?: string;
        attribution?: string;
        controls?: Array<{
          id: string;
          label: string;
          theme?: string;
          evidence?: 'strong' | 'partial' | 'manual';
          description?: string;
        }>;
        mappings?: { [checkId: string]: string[] };
      }>;
    };
  };
}
