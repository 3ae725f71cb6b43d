import {
  type CheckRule,
  DAY_MS,
  type EvaluatedEntity,
  HOUR_MS,
  hours,
  iso,
  outcome,
} from '../model';
import { type ShiftRow, checkById } from './rows';

/** The entity's on-call shifts overlapping the checks' period. */
export interface OnCallData {
  shifts: ShiftRow[];
  /** Set when the shifts are the owning team's, the entity having none. */
  viaOwnerRef?: string;
}

function via(data: OnCallData): string {
  return data.viaOwnerRef
    ? ` (rota of the owning team ${data.viaOwnerRef})`
    : '';
}

/** Uncovered intervals of [from, to) given covering intervals. */
export function coverageGaps(
  intervals: ReadonlyArray<{ start: number; end: number }>,
  from: number,
  to: number,
): Array<{ start: number; end: number }> {
  const sorted = [...intervals]
    .filter(i => i.end > from && i.start < to)
    .sort((a, b) => a.start - b.start);
  const gaps: Array<{ start: number; end: number }> = [];
  let covered = from;
  for (const interval of sorted) {
    if (interval.start > covered) {
      gaps.push({ start: covered, end: Math.min(interval.start, to) });
    }
    covered = Math.max(covered, interval.end);
    if (covered >= to) break;
  }
  if (covered < to) gaps.push({ start: covered, end: to });
  return gaps;
}

/**
 * Without a mapped schedule there is no evidence of on-call; a tier-1
 * service must have one, so for it the absence is a failure.
 */
function noSchedule(entity: EvaluatedEntity) {
  return entity.tier === 1
    ? outcome(
        'fail',
        'No on-call schedule is mapped to this tier 1 service: nobody is known to respond.',
      )
    : outcome('no_data', 'No on-call schedule is mapped to the entity.');
}

export const oc01: CheckRule<OnCallData> = {
  check: checkById('OC-01'),
  judge(entity, data, thresholds, now) {
    if (data.shifts.length === 0) return noSchedule(entity);
    const from = now - thresholds.pastDays * DAY_MS;
    const to = now + thresholds.aheadDays * DAY_MS;
    const firstLevel = Math.min(...data.shifts.map(s => s.escalationLevel));
    const gaps = coverageGaps(
      data.shifts.filter(s => s.escalationLevel === firstLevel),
      from,
      to,
    );
    const gapMs = gaps.reduce((sum, g) => sum + (g.end - g.start), 0);
    const evidence = gaps.map(gap => ({
      type: 'oncall-gap',
      id: `${iso(gap.start)}/${iso(gap.end)}`,
      note: `nobody on call for ${hours(gap.end - gap.start)}`,
    }));
    const extra = {
      value: gapMs / HOUR_MS,
      evidence,
      evidenceTotal: gaps.length,
    };
    const period = `the last ${thresholds.pastDays} and next ${thresholds.aheadDays} days`;
    if (gapMs === 0) {
      return outcome(
        'pass',
        `First responders cover ${period} without gaps${via(data)}.`,
        extra,
      );
    }
    const text = `${gaps.length} gap(s) totalling ${hours(
      gapMs,
    )} in ${period}${via(data)}`;
    if (entity.tier !== 1 && gapMs < thresholds.warnGapHours * HOUR_MS) {
      return outcome('warn', `${text}.`, extra);
    }
    return outcome(
      'fail',
      `${text}${entity.tier === 1 ? ' on a tier 1 service' : ''}.`,
      extra,
    );
  },
};

export const oc02: CheckRule<OnCallData> = {
  check: checkById('OC-02'),
  judge(entity, data, thresholds, now) {
    const from = now - thresholds.pastDays * DAY_MS;
    const to = now + thresholds.aheadDays * DAY_MS;
    const shifts = data.shifts.filter(s => s.end > from && s.start < to);
    if (shifts.length === 0) return noSchedule(entity);
    const levels = new Set(shifts.map(s => s.escalationLevel));
    const people = new Set(shifts.map(s => s.personName.toLowerCase()));
    const evidence = [...levels]
      .sort((a, b) => a - b)
      .map(level => ({
        type: 'escalation-level',
        id: `level ${level}`,
        note: [
          ...new Set(
            shifts
              .filter(s => s.escalationLevel === level)
              .map(s => s.personName),
          ),
        ]
          .slice(0, 10)
          .join(', '),
      }));
    const text = `${levels.size} escalation level(s) staffed by ${
      people.size
    } people${via(data)}`;
    if (levels.size >= 2 && people.size >= 2) {
      return outcome('pass', `${text}.`, { evidence, value: levels.size });
    }
    if (levels.size >= 2) {
      return outcome(
        'warn',
        `${text}: one person is a single point of failure.`,
        {
          evidence,
          value: levels.size,
        },
      );
    }
    return outcome('fail', `${text}: there is nobody to escalate to.`, {
      evidence,
      value: levels.size,
    });
  },
};

export const ONCALL_RULES = [oc01, oc02];
