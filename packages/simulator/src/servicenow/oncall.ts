import { ORG_TEAMS, stableSysId, type OrgTeam } from '../world/org';
import type { SimResponse } from '../types';
import {
  DAY,
  parseSnDateTime,
  scheduleDateTime,
  snDateTime,
  startOfUtcDay,
} from './format';
import { systemFields } from './records';
import { errorBody, jsonResponse } from './responses';
import type { SnRow } from './store';
import { groupSysId, userSysId } from './world-org';

const WEEK = 7 * DAY;
/** Rotations are anchored in the past so handovers do not depend on when the simulator starts. */
const ANCHOR = Date.UTC(2024, 0, 1, 9); // a Monday, 09:00 UTC

interface Rotation {
  team: OrgTeam;
  rotaId: string;
  rosterId: string;
  /** Member row sys_id per user, in rotation order. */
  memberIds: string[];
  start: number;
}

/** Someone covering another's primary shift for a while. */
interface Override {
  rotation: Rotation;
  user: string;
  from: number;
  to: number;
}

/**
 * Weekly on-call rotations, one per team, each handing over on its own
 * weekday at 09:00 UTC; the escalation chain is the rest of the team in
 * rotation order.
 *
 * The rotations are also there as an instance keeps them in its tables: a
 * shift (`cmn_rota`) per team whose schedule covers around the clock (a
 * daily span from 09:00 to 09:00), a roster (`cmn_rota_roster`) rotating
 * weekly, its members (`cmn_rota_member`) each with a rotation schedule
 * whose span (`roster_schedule_span`, a `cmn_schedule_span`) repeats every
 * team-size weeks, and the planned cover as an `on_call` roster span on the
 * covering user's own schedule.
 */
export class OnCall {
  readonly rotas: SnRow[] = [];
  readonly rosters: SnRow[] = [];
  readonly members: SnRow[] = [];
  /** Coverage, rotation and personal schedules (`cmn_schedule`). */
  readonly schedules: SnRow[] = [];
  /** Spans of the coverage schedules (plain `cmn_schedule_span`). */
  readonly coverageSpans: SnRow[] = [];
  /** Member rotation spans and overrides (`roster_schedule_span`). */
  readonly rosterSpans: SnRow[] = [];
  readonly #rotations: Rotation[] = [];
  readonly #overrides: Override[] = [];

  constructor(now: Date) {
    const created = new Date(ANCHOR);
    const sys = (sysId: string, className: string) =>
      systemFields({
        sysId,
        className,
        createdOn: created,
        updatedOn: created,
      });
    const schedule = (name: string, extra: SnRow = {}) => {
      const id = stableSysId('cmn_schedule', name);
      this.schedules.push({
        ...sys(id, 'cmn_schedule'),
        name,
        description: '',
        time_zone: 'UTC',
        type: '',
        condition: '',
        ...extra,
      });
      return id;
    };
    const span = (
      className: 'cmn_schedule_span' | 'roster_schedule_span',
      name: string,
      fields: SnRow,
    ): SnRow => ({
      ...sys(stableSysId(className, name), className),
      name,
      all_day: 'false',
      repeat_type: '',
      repeat_count: '1',
      repeat_until: '',
      days_of_week: '',
      type: '',
      show_as: 'busy',
      ...fields,
    });
    ORG_TEAMS.forEach((team, teamIndex) => {
      const rotaId = stableSysId('cmn_rota', team.name);
      const rosterId = stableSysId('cmn_rota_roster', team.name);
      const start = ANCHOR + teamIndex * DAY;
      const coverage = schedule(`${team.name} on-call coverage`);
      this.coverageSpans.push(
        span('cmn_schedule_span', `${team.name} around the clock`, {
          schedule: coverage,
          start_date_time: scheduleDateTime(new Date(start)),
          end_date_time: scheduleDateTime(new Date(start + DAY)),
          repeat_type: 'daily',
        }),
      );
      this.rotas.push({
        ...sys(rotaId, 'cmn_rota'),
        name: `${team.name} on-call`,
        group: groupSysId(team.name),
        active: 'true',
        schedule: coverage,
      });
      this.rosters.push({
        ...sys(rosterId, 'cmn_rota_roster'),
        name: 'Primary',
        rota: rotaId,
        active: 'true',
        rotation_start_date: snDateTime(new Date(start)).slice(0, 10),
        rotation_interval_count: '1',
        rotation_interval_type: 'weekly',
      });
      const memberIds = team.members.map((user, order) => {
        const id = stableSysId('cmn_rota_member', `${team.name}:${user}`);
        const rotation = schedule(`${team.name} rotation: ${user}`);
        // Week `order` of every team-size weeks, from the rotation's start.
        this.rosterSpans.push(
          span('roster_schedule_span', `${team.name} rotation: ${user}`, {
            schedule: rotation,
            roster: rosterId,
            group: groupSysId(team.name),
            start_date_time: scheduleDateTime(new Date(start + order * WEEK)),
            end_date_time: scheduleDateTime(
              new Date(start + (order + 1) * WEEK),
            ),
            repeat_type: 'weekly',
            repeat_count: String(team.members.length),
            type: 'rotation',
            show_as: 'on_call',
          }),
        );
        this.members.push({
          ...sys(id, 'cmn_rota_member'),
          roster: rosterId,
          member: userSysId(user),
          order: String(order + 1),
          rotation_schedule: rotation,
          from: '',
          to: '',
        });
        return id;
      });
      this.#rotations.push({ team, rotaId, rosterId, memberIds, start });
    });
    // One planned cover, so that clients see an override in the coming days.
    const sre = this.#rotations[0];
    const from = startOfUtcDay(now).getTime() + 2 * DAY;
    const cover: Override = {
      rotation: sre,
      user: sre.team.members[sre.team.members.length - 1],
      from,
      to: from + DAY,
    };
    this.#overrides.push(cover);
    const personal = schedule(`${cover.user} personal`, {
      document: 'sys_user',
      document_key: userSysId(cover.user),
    });
    this.rosterSpans.push(
      span('roster_schedule_span', `${sre.team.name} cover by ${cover.user}`, {
        schedule: personal,
        roster: sre.rosterId,
        group: groupSysId(sre.team.name),
        start_date_time: scheduleDateTime(new Date(cover.from)),
        end_date_time: scheduleDateTime(new Date(cover.to)),
        type: 'on_call',
        show_as: 'on_call',
      }),
    );
  }

  /** `GET /api/now/on_call_rota/whoisoncall` */
  whoIsOnCall(url: URL, now: Date): SimResponse {
    const list = (name: string) =>
      url.searchParams
        .get(name)
        ?.split(',')
        .map(s => s.trim())
        .filter(Boolean);
    const groups = list('group_ids');
    const rotas = list('rota_ids');
    const rosters = list('roster_ids');
    const dateTime = url.searchParams.get('date_time');
    const at = dateTime ? parseSnDateTime(dateTime) : now;
    if (!at) {
      return jsonResponse(
        400,
        errorBody('Invalid date_time', 'Expected yyyy-MM-dd HH:mm:ss'),
      );
    }
    const result = this.#rotations
      .filter(r => !groups || groups.includes(groupSysId(r.team.name)))
      .filter(r => !rotas || rotas.includes(r.rotaId))
      .filter(r => !rosters || rosters.includes(r.rosterId))
      .flatMap(r => this.#escalation(r, at.getTime()));
    return jsonResponse(200, { result });
  }

  #escalation(rotation: Rotation, at: number) {
    const { team } = rotation;
    const n = team.members.length;
    const shift = Math.floor((at - rotation.start) / WEEK);
    const index = (k: number) => (((shift + k) % n) + n) % n;
    const override = this.#overrides.find(
      o => o.rotation === rotation && o.from <= at && at < o.to,
    );
    // Escalation follows the rotation: whoever is next in line backs up the primary.
    const inLine = team.members.map((_, k) => team.members[index(k)]);
    const chain = override
      ? [
          { user: override.user, isOverride: true },
          ...inLine
            .filter(user => user !== override.user)
            .map(user => ({ user, isOverride: false })),
        ]
      : inLine.map(user => ({ user, isOverride: false }));
    return chain.map((step, i) => {
      const memberId = rotation.memberIds[team.members.indexOf(step.user)];
      return {
        memberId,
        memberIds: [],
        userId: userSysId(step.user),
        userIds: [],
        roster: rotation.rosterId,
        rota: rotation.rotaId,
        group: groupSysId(team.name),
        escalationGroups: [],
        deviceId: '',
        deviceIds: [],
        isDevice: false,
        order: i + 1,
        isOverride: step.isOverride,
        rotationScheduleId: stableSysId('rotation_schedule', rotation.rotaId),
        memberScheduleId: stableSysId('member_schedule', memberId),
      };
    });
  }
}
