import { stableSysId } from '../world/org';
import { DAY, scheduleDateTime, startOfUtcDay } from './format';
import { systemFields } from './records';
import type { SnRow } from './store';

/** A change freeze, as the demo world's changes avoid it. */
export interface Freeze {
  name: string;
  start: Date;
  end: Date;
  /** Encoded query on CIs the freeze applies to; empty = all. */
  condition: string;
}

/**
 * The year-end freeze around now (Dec 15 – Jan 5) and a short upcoming
 * campaign freeze on the payment and checkout services.
 */
export function freezes(now: Date): Freeze[] {
  const early = now.getUTCMonth() === 0 && now.getUTCDate() <= 5;
  const year = now.getUTCFullYear() - (early ? 1 : 0);
  const campaign = new Date(startOfUtcDay(now).getTime() + 9 * DAY);
  return [
    {
      name: 'Year-end change freeze',
      start: new Date(Date.UTC(year, 11, 15)),
      end: new Date(Date.UTC(year + 1, 0, 6) - 1000),
      condition: '',
    },
    {
      name: 'Campaign launch freeze',
      start: campaign,
      end: new Date(campaign.getTime() + 2 * DAY - 1000),
      condition: 'nameINPayments API,Payments Ledger,Checkout Web',
    },
  ];
}

export function scheduleSysId(freeze: Freeze): string {
  return stableSysId('cmn_schedule', freeze.name);
}

export function inFreeze(all: readonly Freeze[], at: Date): boolean {
  return all.some(f => f.start <= at && at <= f.end);
}

export function scheduleRows(all: readonly Freeze[], now: Date) {
  const created = new Date(now.getTime() - 60 * DAY);
  const schedules: SnRow[] = [];
  const spans: SnRow[] = [];
  for (const freeze of all) {
    const scheduleId = scheduleSysId(freeze);
    schedules.push({
      ...systemFields({
        sysId: scheduleId,
        className: 'cmn_schedule_blackout',
        createdOn: created,
        updatedOn: created,
      }),
      name: freeze.name,
      description: `${freeze.name}: only emergency changes.`,
      time_zone: 'UTC',
      type: 'blackout',
      condition: freeze.condition,
    });
    spans.push({
      ...systemFields({
        sysId: stableSysId('cmn_schedule_span', freeze.name),
        className: 'cmn_schedule_span',
        createdOn: created,
        updatedOn: created,
      }),
      schedule: scheduleId,
      name: freeze.name,
      start_date_time: scheduleDateTime(freeze.start),
      end_date_time: scheduleDateTime(freeze.end),
      all_day: 'false',
      repeat_type: '',
      repeat_until: '',
      days_of_week: '',
      type: 'exclude',
      show_as: 'busy',
    });
  }
  return { schedules, spans };
}
