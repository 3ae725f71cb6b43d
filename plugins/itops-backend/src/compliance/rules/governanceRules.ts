import { type CheckRule, DAY_MS, iso, outcome } from '../model';
import { checkById } from './rows';

/** When the full evaluations (scope `all`) of the window were taken. */
export interface GovernanceData {
  /**
   * Epoch ms of the full snapshots taken in the window, oldest first, and
   * of the newest one before it (so a gap across the window's start
   * counts); the run being evaluated is not among them.
   */
  fullSnapshotsAt: number[];
}

function days(ms: number): string {
  const d = ms / DAY_MS;
  return `${d >= 10 ? d.toFixed(0) : d.toFixed(1).replace(/\.0$/, '')} days`;
}

export const gov01: CheckRule<GovernanceData> = {
  check: checkById('GOV-01'),
  judge(_entity, data, thresholds, now) {
    const times = [...data.fullSnapshotsAt].sort((a, b) => a - b);
    if (times.length === 0) {
      return outcome(
        'no_data',
        'No earlier full evaluation is stored: the cadence of testing cannot be judged yet.',
      );
    }
    const from = now - (thresholds.windowDays ?? 90) * DAY_MS;
    // Gaps between consecutive runs, and from the newest one to now; a gap
    // is judged only for the part of it inside the window.
    const points = [...times, now];
    let worst = { gap: 0, after: times[0] };
    for (let i = 1; i < points.length; i++) {
      const gap = points[i] - Math.max(points[i - 1], from);
      if (gap > worst.gap) worst = { gap, after: points[i - 1] };
    }
    const limit = thresholds.cadenceDays * DAY_MS;
    const inWindow = times.filter(t => t >= from).length;
    const evidence = [
      {
        type: 'snapshot-cadence',
        id: iso(worst.after),
        note: `longest gap ${days(worst.gap)} after the run of ${iso(
          worst.after,
        )}`,
      },
    ];
    const summary = `${inWindow} full evaluation(s) in the last ${
      thresholds.windowDays ?? 90
    } days; longest gap ${days(worst.gap)}`;
    if (worst.gap <= limit) {
      return outcome(
        'pass',
        `${summary}, within ${thresholds.cadenceDays} days.`,
        {
          evidence,
          value: worst.gap / DAY_MS,
        },
      );
    }
    return outcome(
      worst.gap <= limit * thresholds.warnFactor ? 'warn' : 'fail',
      `${summary}, over the ${thresholds.cadenceDays}-day cadence.`,
      { evidence, value: worst.gap / DAY_MS },
    );
  },
};

export const GOVERNANCE_RULES = [gov01];
