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
    };
    /** KPI computation. */
    kpis?: {
      /** Window of KPI requests without explicit dates. Default: 90 days. */
      windowDays?: number;
    };
  };
}
