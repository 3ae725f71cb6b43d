import type { Random } from '../world/random';
import type { JobHealth, SessionResult } from './model';

/** Chances of Warning and Failed for one run of a job in the given health. */
const ODDS: Record<JobHealth, { warning: number; failed: number }> = {
  healthy: { warning: 0.04, failed: 0.01 },
  stale: { warning: 0.04, failed: 0.01 },
  warning: { warning: 0.45, failed: 0.02 },
  // Failing jobs used to work; their recent runs are forced to Failed.
  failing: { warning: 0.05, failed: 0.05 },
};

const WARNINGS = [
  'Changed block tracking cannot be enabled: the VM has existing snapshots.',
  'Free space on the backup repository is below 10%.',
  'Guest processing skipped: VMware Tools are not running.',
  'Snapshot consolidation took longer than expected.',
];

const FAILURES = [
  'Error: Failed to create snapshot: the operation timed out.',
  'Error: Unable to connect to the ESXi host.',
  'Error: Not enough free space on the backup repository.',
  'Error: Cannot access the source disk: the datastore is unavailable.',
];

export interface Outcome {
  result: SessionResult;
  message: string;
}

export function outcomeWith(random: Random, result: SessionResult): Outcome {
  switch (result) {
    case 'Warning':
      return { result, message: random.pick(WARNINGS) };
    case 'Failed':
      return { result, message: random.pick(FAILURES) };
    default:
      return { result, message: '' };
  }
}

export function drawOutcome(random: Random, health: JobHealth): Outcome {
  const odds = ODDS[health];
  const result = random.weighted<SessionResult>([
    ['Success', 1 - odds.warning - odds.failed],
    ['Warning', odds.warning],
    ['Failed', odds.failed],
  ]);
  return outcomeWith(random, result);
}

/** Run time of a backup: a few minutes per object, long-tailed. */
export function drawDurationMs(
  random: Random,
  objects: number,
  everyHours: number,
): number {
  const perObjectMinutes = everyHours < 24 ? 1.5 : 6;
  return Math.round(random.logNormal(perObjectMinutes * objects, 0.4) * 60_000);
}
