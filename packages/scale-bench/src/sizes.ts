import type { ScaleOptions } from '@backstage-itops/simulator';

/**
 * The size of the simulated world a run syncs. Incidents and changes are
 * totals over ServiceNow and Jira: `jiraShare` of them come from Jira, the
 * rest from ServiceNow, so the totals hold whichever tools hold them.
 */
export interface WorldSizes {
  /** Catalog components; the ServiceNow business services and Jira components. */
  services: number;
  incidents: number;
  changes: number;
  /** Fraction of the incidents and changes that Jira holds; 0 leaves Jira out. */
  jiraShare: number;
  backupJobs: number;
  backupSessions: number;
}

/** Days of backup sessions the Veeam scale world spreads its sessions over. */
const VEEAM_HISTORY_DAYS = 60;

/**
 * The sizes: 5,000 entities, 1,000,000 incidents, 200,000 changes;
 * a daily Veeam job per service with its 60 days of sessions.
 */
export const FULL_SIZES: WorldSizes = {
  services: 5000,
  incidents: 1_000_000,
  changes: 200_000,
  jiraShare: 0.1,
  backupJobs: 5000,
  backupSessions: 5000 * VEEAM_HISTORY_DAYS,
};

/**
 * The change-calendar issue's case: about 10,000 changes planned in a month
 * across 2,000 entities. Both simulators spread changes over the 90 days
 * before now, so a month holds about a third of them.
 */
export const CALENDAR_SIZES: WorldSizes = {
  services: 2000,
  incidents: 20_000,
  changes: 30_000,
  jiraShare: 0.1,
  backupJobs: 2000,
  backupSessions: 0,
};

/** Every size times `fraction`, at least one service per Jira project. */
export function scaleSizes(sizes: WorldSizes, fraction: number): WorldSizes {
  if (!(fraction > 0 && fraction <= 1)) {
    throw new Error(`--scale must be in (0, 1], got ${fraction}`);
  }
  const times = (n: number) => Math.round(n * fraction);
  return {
    ...sizes,
    services: Math.max(3, times(sizes.services)),
    incidents: times(sizes.incidents),
    changes: times(sizes.changes),
    backupJobs: times(sizes.backupJobs),
    backupSessions: times(sizes.backupSessions),
  };
}

/** What each simulator process is started with. */
export interface SimulatorScales {
  /** ServiceNow and Veeam. */
  main: ScaleOptions;
  /** Undefined when Jira has no share. */
  jira?: ScaleOptions;
}

export function simulatorScales(sizes: WorldSizes): SimulatorScales {
  const jiraIncidents = Math.round(sizes.incidents * sizes.jiraShare);
  const jiraChanges = Math.round(sizes.changes * sizes.jiraShare);
  const main: ScaleOptions = {
    services: sizes.services,
    incidents: sizes.incidents - jiraIncidents,
    changes: sizes.changes - jiraChanges,
    backupJobs: sizes.backupJobs,
    backupSessions: sizes.backupSessions,
  };
  if (sizes.jiraShare <= 0) {
    return { main };
  }
  return {
    main,
    jira: {
      ...main,
      incidents: jiraIncidents,
      changes: jiraChanges,
      backupJobs: 0,
      backupSessions: 0,
    },
  };
}
