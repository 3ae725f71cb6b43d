import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { type Config, readDurationFromConfig } from '@backstage/config';
import type { ItopsCapability } from '@backstage-itops/plugin-itops-common';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';

/**
 * How the tasks of one capability run. Defaults leave room for a slow
 * source within the timeout while keeping data minutes fresh.
 */
export interface CapabilitySyncConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Age of the last full sync after which the next run is full again. */
  fullSyncEveryMs: number;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 15 },
  // Lets the backend finish starting before every source is hit at once.
  initialDelay: { seconds: 10 },
  scope: 'global',
};

const DEFAULT_FULL_SYNC_EVERY: HumanDuration = { hours: 6 };

/**
 * Reads `itops.sync` for one capability: `itops.sync.capabilities.<c>`
 * overrides `itops.sync` key by key (a schedule as a whole).
 */
export function readCapabilitySyncConfig(
  config: Config,
  capability: ItopsCapability,
): CapabilitySyncConfig {
  const sync = config.getOptionalConfig('itops.sync');
  const override = sync?.getOptionalConfig(`capabilities.${capability}`);
  const scheduleConfig =
    override?.getOptionalConfig('schedule') ??
    sync?.getOptionalConfig('schedule');
  const schedule = scheduleConfig
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
    : DEFAULT_SCHEDULE;

  const fullSyncConfig = [override, sync].find(c => c?.has('fullSyncEvery'));
  const fullSyncEvery = fullSyncConfig
    ? readDurationFromConfig(fullSyncConfig, { key: 'fullSyncEvery' })
    : DEFAULT_FULL_SYNC_EVERY;

  return {
    schedule: {
      ...schedule,
      initialDelay: schedule.initialDelay ?? DEFAULT_SCHEDULE.initialDelay,
      scope: schedule.scope ?? 'global',
    },
    fullSyncEveryMs: durationToMilliseconds(fullSyncEvery),
  };
}
