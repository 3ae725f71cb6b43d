import type { SimResponse } from '../types';
import { ORG_TEAMS } from '../world/org';
import { Random } from '../world/random';
import { json } from './responses';
import type { Site, SiteUser } from './site';
import { HOUR, WEEK } from './time';

/**
 * JSM Operations on-call (`/jsm/ops/api/{cloudId}/v1`) for the org teams
 * that run their on-call there: one schedule per team with one weekly
 * rotation through the team's members, handing over on Mondays at a
 * seeded hour (UTC), and a second rotation whose participant is the
 * team's escalation policy: it reaches the member after the current one
 * 15 minutes into an alert. `/on-calls` with `flat=false` (the default)
 * nests the escalation's people; `flat=true` answers names only.
 */

/** Switches of the JSM Ops simulation. */
export interface OpsOptions {
  /**
   * `GET …/schedules/{id}/timeline`, a path Atlassian's reference does not
   * list: served by default; `false` answers it 404 as an unknown path.
   */
  timeline?: boolean;
}

/** Minutes into an alert at which the escalation reaches its person. */
const ESCALATION_MINUTES = 15;

export interface OpsSchedule {
  id: string;
  name: string;
  teamId: string;
  teamName: string;
  rotationId: string;
  escalationId: string;
  escalationRotationId: string;
  /** First handover of the rotation; later ones follow weekly. */
  rotationStart: number;
  participants: SiteUser[];
}

/** A Monday well before any simulated "now". */
const ROTATION_EPOCH = Date.UTC(2024, 0, 1);

export function createSchedules(seed: number, site: Site): OpsSchedule[] {
  return ORG_TEAMS.filter(team => team.jsmOps).map(team => {
    const random = Random.derive(seed, 'ops', team.catalogName);
    const participants = [...site.teamUsers(team.catalogName)];
    for (let i = participants.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [participants[i], participants[j]] = [participants[j], participants[i]];
    }
    return {
      id: random.uuid(),
      name: `${team.name}_schedule`,
      teamId: random.uuid(),
      teamName: team.name,
      rotationId: random.uuid(),
      escalationId: random.uuid(),
      escalationRotationId: random.uuid(),
      rotationStart: ROTATION_EPOCH + random.int(8, 10) * HOUR,
      participants,
    };
  });
}

/**
 * The shift containing `at`: who is on call, who the escalation reaches
 * (the member after them; themselves in a team of one) and from when to when.
 */
function shiftAt(schedule: OpsSchedule, at: number) {
  const index = Math.floor((at - schedule.rotationStart) / WEEK);
  const start = schedule.rotationStart + index * WEEK;
  const count = schedule.participants.length;
  const member = (i: number) =>
    schedule.participants[((i % count) + count) % count];
  return {
    start,
    end: start + WEEK,
    user: member(index),
    backup: member(index + 1),
  };
}

/** `/on-calls` participants at a shift: `flat=false` nests, `flat=true` names. */
function participantsOf(
  schedule: OpsSchedule,
  shift: ReturnType<typeof shiftAt>,
  flat: boolean,
) {
  if (flat) {
    return [...new Set([shift.user.email, shift.backup.email])];
  }
  return [
    { id: shift.user.accountId, name: shift.user.email, type: 'user' },
    {
      id: schedule.escalationId,
      name: `${schedule.teamName}_escalation`,
      type: 'escalation',
      onCallParticipants: [
        {
          id: shift.backup.accountId,
          name: shift.backup.email,
          type: 'user',
          escalationTime: ESCALATION_MINUTES,
          notifyType: 'default',
        },
      ],
    },
  ];
}

const iso = (time: number) => new Date(time).toISOString();

function renderSchedule(schedule: OpsSchedule) {
  return {
    id: schedule.id,
    name: schedule.name,
    description: `On-call of ${schedule.teamName}`,
    timezone: 'Etc/UTC',
    enabled: true,
    teamId: schedule.teamId,
  };
}

function renderRotation(schedule: OpsSchedule) {
  return {
    id: schedule.rotationId,
    name: 'Weekly',
    order: 0,
    type: 'weekly',
    length: 1,
    startDate: iso(schedule.rotationStart),
    participants: schedule.participants.map(user => ({
      id: user.accountId,
      type: 'user',
    })),
  };
}

function opsError(status: number, message: string): SimResponse {
  return json(status, { message, code: status });
}

/**
 * Answers `path` (after `/v1/`). Unknown ids give 404 with the message the
 * service uses; a team id is not a schedule id.
 */
export function handleOps(
  path: string[],
  url: URL,
  schedules: OpsSchedule[],
  now: number,
  options: OpsOptions = {},
): SimResponse | undefined {
  if (path.length === 1 && path[0] === 'teams') {
    return json(
      200,
      schedules.map(s => ({ teamId: s.teamId, teamName: s.teamName })),
    );
  }
  if (path[0] !== 'schedules') {
    return undefined;
  }
  if (path.length === 1) {
    const offset = Math.max(
      0,
      Number(url.searchParams.get('offset') ?? 0) || 0,
    );
    const size = Math.max(1, Number(url.searchParams.get('size') ?? 50) || 50);
    const values = schedules.slice(offset, offset + size).map(renderSchedule);
    const next = offset + size < schedules.length ? new URL(url) : undefined;
    next?.searchParams.set('offset', String(offset + size));
    next?.searchParams.set('size', String(size));
    return json(200, {
      values,
      links: { next: next ? `${next.pathname}${next.search}` : null },
    });
  }
  const schedule = schedules.find(s => s.id === path[1]);
  if (!schedule) {
    return opsError(404, `No schedule exists with id [${path[1]}].`);
  }
  const dateParam = url.searchParams.get('date');
  const at = dateParam === null ? now : Date.parse(dateParam);
  if (Number.isNaN(at)) {
    return opsError(400, `Invalid date [${dateParam}].`);
  }
  const flatParam = url.searchParams.get('flat');
  if (flatParam !== null && flatParam !== 'true' && flatParam !== 'false') {
    return opsError(400, `Invalid flat [${flatParam}].`);
  }
  const flat = flatParam === 'true';
  switch (path.slice(2).join('/')) {
    case '':
      return json(200, renderSchedule(schedule));
    case 'rotations':
      return json(200, {
        values: [
          renderRotation(schedule),
          {
            ...renderRotation(schedule),
            id: schedule.escalationRotationId,
            name: 'Escalation',
            order: 1,
            participants: [
              {
                id: schedule.escalationId,
                name: `${schedule.teamName}_escalation`,
                type: 'escalation',
              },
            ],
          },
        ],
        links: { next: null },
      });
    case 'on-calls':
      return json(
        200,
        flat
          ? {
              onCallRecipients: participantsOf(
                schedule,
                shiftAt(schedule, at),
                true,
              ),
            }
          : {
              onCallParticipants: participantsOf(
                schedule,
                shiftAt(schedule, at),
                false,
              ),
            },
      );
    case 'next-on-calls': {
      const next = shiftAt(schedule, shiftAt(schedule, at).end);
      return json(
        200,
        flat
          ? { nextOnCallRecipients: participantsOf(schedule, next, true) }
          : { nextOnCallParticipants: participantsOf(schedule, next, false) },
      );
    }
    case 'timeline':
      return options.timeline === false
        ? undefined
        : json(200, timeline(schedule, at, url));
    default:
      return undefined;
  }
}

/**
 * The shifts overlapping [date, date + interval): the explicit handover
 * times. `interval` counts `intervalUnit`s of days, weeks or months.
 */
function timeline(schedule: OpsSchedule, from: number, url: URL) {
  const interval = Math.max(
    1,
    Number(url.searchParams.get('interval') ?? 1) || 1,
  );
  const unitDays: Record<string, number> = { days: 1, weeks: 7, months: 30 };
  const days = unitDays[url.searchParams.get('intervalUnit') ?? 'weeks'] ?? 7;
  const to = from + interval * days * 24 * HOUR;
  const periods = [];
  const escalationPeriods = [];
  for (
    let shift = shiftAt(schedule, from);
    shift.start < to;
    shift = shiftAt(schedule, shift.end)
  ) {
    const span = {
      startDate: iso(Math.max(shift.start, from)),
      endDate: iso(Math.min(shift.end, to)),
      type: 'default',
    };
    periods.push({
      ...span,
      responder: { id: shift.user.accountId, type: 'user' },
    });
    // The timeline names the escalation policy, not whom it reaches.
    escalationPeriods.push({
      ...span,
      responder: {
        id: schedule.escalationId,
        name: `${schedule.teamName}_escalation`,
        type: 'escalation',
      },
    });
  }
  return {
    startDate: iso(from),
    endDate: iso(to),
    finalTimeline: {
      rotations: [
        { id: schedule.rotationId, name: 'Weekly', order: 0, periods },
        {
          id: schedule.escalationRotationId,
          name: 'Escalation',
          order: 1,
          periods: escalationPeriods,
        },
      ],
    },
  };
}
