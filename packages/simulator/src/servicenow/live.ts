import { Random } from '../world/random';
import { DAY, HOUR, parseSnDateTime, snDateTime } from './format';
import { incidentRow } from './incidents';
import { taskNumber } from './records';
import type { SnRow } from './store';
import type { WorldContext } from './world';

/**
 * The world moving on: live mode's ticks (incidents and changes) and the
 * shifting-record fault. Ids of added rows are chosen to keep `sys_id`
 * ordered like the rows themselves: live rows sort last, shifted rows first.
 */
export class LiveActivity {
  readonly #world: WorldContext;
  readonly #random: Random;
  #added = 0;
  #shifted = 0;

  constructor(world: WorldContext, seed: number) {
    this.#world = world;
    this.#random = Random.derive(seed, 'servicenow', 'live');
  }

  /** One step of live mode: maybe a new incident, progress on open ones, changes whose window came. */
  tick(now: Date): void {
    this.#progressChanges(now);
    const random = this.#random;
    if (random.chance(0.5)) {
      const row = this.#newIncident(now, now);
      row.sys_id = `f${(++this.#added).toString(16).padStart(31, '0')}`;
      this.#world.incidents.add(row);
    }
    const open = this.#world.incidents.mutable();
    for (let i = 0; i < Math.min(2, open.length); i++) {
      this.#progress(random.pick(open), now);
    }
  }

  /**
   * Adds an incident dated before every other one (a late import), so
   * that it sorts first by `sys_updated_on`, `sys_id` and natural order and
   * shifts every offset-based page by one.
   */
  insertShiftingRecord(now: Date): SnRow {
    const earliest = this.#world.incidents.earliestUpdate();
    const at = new Date(
      (earliest ? parseSnDateTime(earliest)! : now).getTime() - 1000,
    );
    const row = this.#newIncident(new Date(at.getTime() - 2 * HOUR), at);
    row.sys_updated_on = snDateTime(at);
    // Below every derived and random id: 0 followed by a shrinking counter.
    row.sys_id = `0${(2 ** 52 - ++this.#shifted)
      .toString(16)
      .padStart(31, '0')}`;
    this.#world.incidents.addFirst(row);
    return row;
  }

  #newIncident(openedAt: Date, asOf: Date): SnRow {
    const world = this.#world;
    return incidentRow({
      random: Random.derive(this.#random.int(0, 2 ** 31), 'live-incident'),
      sysId: '',
      number: taskNumber('INC', world.nextIncidentNumber()),
      openedAt,
      asOf,
      target: this.#random.pick(world.targets),
      callerSysId: this.#random.pick(world.callers),
    });
  }

  /**
   * Scheduled → Implement when the planned window opens, → Review when it
   * ends, → Closed two hours later, as the demo's change board would.
   */
  #progressChanges(now: Date): void {
    const stamp = snDateTime(now);
    const hoursAgo = (text: string) =>
      (now.getTime() - parseSnDateTime(text)!.getTime()) / HOUR;
    for (const change of this.#world.liveChanges) {
      if (change.state === '-2' && change.start_date <= stamp) {
        change.state = '-1';
        change.work_start = stamp;
      } else if (change.state === '-1' && change.end_date <= stamp) {
        change.state = '0';
        change.work_end = stamp;
      } else if (
        change.state === '0' &&
        change.work_end &&
        hoursAgo(change.work_end) >= 2
      ) {
        change.state = '3';
        change.active = 'false';
        change.close_code = 'successful';
        change.close_notes = 'Change successful.';
        change.closed_at = stamp;
        change.closed_by = change.assigned_to;
      } else {
        continue;
      }
      change.sys_updated_on = stamp;
      change.sys_mod_count = String(Number(change.sys_mod_count) + 1);
    }
  }

  /** New → In Progress → Resolved → Closed, with work notes in between. */
  #progress(row: SnRow, now: Date): void {
    const random = this.#random;
    const stamp = snDateTime(now);
    const targets = this.#world.targets.find(
      t => t.groupSysId === row.assignment_group,
    );
    switch (row.state) {
      case '1':
        row.state = '2';
        row.assigned_to = targets ? random.pick(targets.memberSysIds) : '';
        break;
      case '2':
      case '3':
        if (random.chance(0.4)) {
          row.state = '6';
          row.resolved_at = stamp;
          row.resolved_by = row.assigned_to;
          row.close_code = 'Solution provided';
          row.close_notes = 'Solution provided.';
        }
        break;
      case '6':
        if (
          random.chance(0.3) ||
          now.getTime() - parseSnDateTime(row.resolved_at)!.getTime() > 7 * DAY
        ) {
          row.state = '7';
          row.active = 'false';
          row.closed_at = stamp;
          row.closed_by = row.resolved_by;
        }
        break;
      default:
        return;
    }
    row.incident_state = row.state;
    row.sys_updated_on = stamp;
    row.sys_updated_by = 'itops.integration';
    row.sys_mod_count = String(Number(row.sys_mod_count) + 1);
    this.#world.incidents.touched(row);
  }
}
