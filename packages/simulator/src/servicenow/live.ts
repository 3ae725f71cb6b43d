import { Random } from '../world/random';
import { DAY, HOUR, parseSnDateTime, snDateTime } from './format';
import { incidentRow } from './incidents';
import { taskNumber } from './records';
import type { SnRow } from './store';
import type { WorldContext } from './world';

/** New, In Progress, On Hold: what the demo counts as open. */
const OPEN_STATES = new Set(['1', '2', '3']);

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
  /**
   * Incidents opened by live mode minus those it resolved. Kept at or below
   * zero, so that the open count stays where the seeded world put it and
   * the KPIs stay meaningful however long the demo runs.
   */
  #openedNotResolved = 0;

  constructor(world: WorldContext, seed: number) {
    this.#world = world;
    this.#random = Random.derive(seed, 'servicenow', 'live');
  }

  /**
   * One step of live mode: maybe a new incident, progress on open ones,
   * changes whose window came. Incidents resolve as they arrive: when more
   * opened than resolved, the longest-open ones are resolved.
   */
  tick(now: Date): void {
    this.#progressChanges(now);
    const random = this.#random;
    if (random.chance(0.5)) {
      const row = this.#newIncident(now, now);
      row.sys_id = `f${(++this.#added).toString(16).padStart(31, '0')}`;
      this.#world.incidents.add(row);
      this.#openedNotResolved++;
    }
    const active = this.#world.incidents.mutable();
    for (let i = 0; i < Math.min(2, active.length); i++) {
      this.#progress(random.pick(active), now);
    }
    if (this.#openedNotResolved > 0) {
      const open = active
        .filter(row => OPEN_STATES.has(row.state))
        .sort((a, b) => a.opened_at.localeCompare(b.opened_at));
      for (const row of open) {
        if (this.#openedNotResolved <= 0) break;
        if (row.state === '1') this.#assign(row);
        this.#resolve(row, now);
        this.#touch(row, now);
      }
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

  /** New → In Progress, assigned to someone of the assignment group. */
  #assign(row: SnRow): void {
    const targets = this.#world.targets.find(
      t => t.groupSysId === row.assignment_group,
    );
    row.state = '2';
    row.assigned_to = targets ? this.#random.pick(targets.memberSysIds) : '';
  }

  #resolve(row: SnRow, now: Date): void {
    row.state = '6';
    row.resolved_at = snDateTime(now);
    row.resolved_by = row.assigned_to;
    row.close_code = 'Solution provided';
    row.close_notes = 'Solution provided.';
    this.#openedNotResolved--;
  }

  #touch(row: SnRow, now: Date): void {
    row.incident_state = row.state;
    row.sys_updated_on = snDateTime(now);
    row.sys_updated_by = 'itops.integration';
    row.sys_mod_count = String(Number(row.sys_mod_count) + 1);
    this.#world.incidents.touched(row);
  }

  /** New → In Progress → Resolved → Closed, with work notes in between. */
  #progress(row: SnRow, now: Date): void {
    const random = this.#random;
    const stamp = snDateTime(now);
    switch (row.state) {
      case '1':
        this.#assign(row);
        break;
      case '2':
      case '3':
        // Only as many resolve as arrived, or the open count would drain.
        if (this.#openedNotResolved > 0 && random.chance(0.4)) {
          this.#resolve(row, now);
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
    this.#touch(row, now);
  }
}
