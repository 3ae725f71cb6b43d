import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  normalizeMappingValue,
  type OnCallShiftRecord,
} from '@backstage-itops/plugin-itops-common';
import type {
  ItopsRecordReader,
  SyncBatch,
  SyncRequest,
} from '@backstage-itops/plugin-itops-node';
import type { JiraClient } from '../client/JiraClient';
import type {
  JsmOpsClient,
  OpsRotation,
  OpsSchedule,
  OpsTeam,
} from '../client/JsmOpsClient';
import type { JiraUser } from '../client/types';
import { findHandover } from './handover';
import {
  type OnCallPerson,
  onCallSignature,
  resolveOnCallPeople,
} from './onCallParticipants';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * The timeline clips shifts to the requested start, so the current shift's
 * real start (the last handover) shows only when the window begins before
 * it; a week back covers weekly rotations, the most common kind. Without a
 * timeline, the search for the last handover looks back as far.
 */
const LOOKBACK_DAYS = 7;

export interface OnCallReaderOptions {
  ops(signal: AbortSignal): Promise<JsmOpsClient>;
  jira: JiraClient;
  horizonDays: number;
  now?: () => number;
  logger?: LoggerService;
}

interface Shift {
  start: number;
  end: number;
  people: OnCallPerson[];
}

/**
 * On-call from JSM Operations: for the teams the catalog maps (by name or
 * id, `itops.io/jsm-ops-team`), who is on call now and next from the
 * documented `/on-calls` and `/next-on-calls` (`flat=false`, so that teams
 * and escalations resolve to people with their escalation level), with
 * the handover times and the later shifts up to the horizon from the
 * schedule's `/timeline` (rotations with overrides applied). `/timeline`
 * is not in Atlassian's reference: where it answers 404, the handovers are
 * found by asking `/on-calls` at other dates ({@link findHandover}) and
 * only now and next are stored. Responders are Atlassian accounts,
 * resolved to names through Jira.
 */
export class OnCallReader implements ItopsRecordReader<OnCallShiftRecord> {
  readonly #options: OnCallReaderOptions;

  constructor(options: OnCallReaderOptions) {
    this.#options = options;
  }

  async *read(
    request: SyncRequest,
  ): AsyncIterable<SyncBatch<OnCallShiftRecord>> {
    const { signal } = request;
    const mapped = new Set(await request.mappedKeys('jsm-team'));
    if (mapped.size === 0) {
      // Nothing in the catalog asks for JSM on-call: a full run with no
      // records clears shifts of teams no longer mapped.
      yield { records: [] };
      return;
    }
    const ops = await this.#options.ops(signal);
    const teams = new Map<string, OpsTeam>();
    for (const team of await ops.teams(signal)) {
      if (
        mapped.has(normalizeMappingValue(team.name)) ||
        mapped.has(normalizeMappingValue(team.id))
      ) {
        teams.set(team.id, team);
      }
    }
    if (teams.size === 0) {
      yield { records: [] };
      return;
    }
    const schedules = (await ops.schedules(signal)).filter(
      schedule =>
        schedule.enabled !== false &&
        schedule.teamId !== undefined &&
        teams.has(schedule.teamId),
    );
    const now = (this.#options.now ?? Date.now)();
    const users = new Map<string, Promise<JiraUser | undefined>>();
    for (const schedule of schedules) {
      const team = teams.get(schedule.teamId!)!;
      const { shifts, timelineRefused } = await this.#shifts(
        ops,
        schedule,
        now,
        signal,
      );
      const records: OnCallShiftRecord[] = [];
      for (const shift of shifts) {
        for (const person of shift.people) {
          records.push(
            await this.#record(schedule, team, shift, person, users, signal),
          );
        }
      }
      yield {
        records,
        ...(timelineRefused
          ? {
              partial: [
                {
                  call: 'GET /v1/schedules/{id}/timeline',
                  reason: timelineRefused,
                  lost: 'on-call shifts after the next one, and exact handover times where /on-calls cannot tell them',
                  // Now and next are complete from the documented calls.
                  recordsComplete: true,
                },
              ],
            }
          : {}),
      };
    }
  }

  /** The current and next shift, then the timeline's later ones. */
  async #shifts(
    ops: JsmOpsClient,
    schedule: OpsSchedule,
    now: number,
    signal: AbortSignal,
  ): Promise<{ shifts: Shift[]; timelineRefused?: string }> {
    const { horizonDays } = this.#options;
    const [current, next, timeline] = [
      resolveOnCallPeople(
        await ops.onCalls(schedule.id, new Date(now), signal),
      ),
      resolveOnCallPeople(
        await ops.nextOnCalls(schedule.id, new Date(now), signal),
      ),
      await ops.timeline(
        schedule.id,
        new Date(now - LOOKBACK_DAYS * DAY_MS),
        LOOKBACK_DAYS + horizonDays,
        signal,
      ),
    ];
    const rotations = 'rotations' in timeline ? timeline.rotations : undefined;
    const timelineRefused =
      'refused' in timeline ? timeline.refused : undefined;
    const periods = rotations ? timelinePeriods(rotations) : undefined;
    let currentSpan = periods && spanAt(periods, now, current);
    let nextSpan =
      currentSpan && periods && spanAt(periods, currentSpan.end, next);
    if (!currentSpan || !nextSpan) {
      if (rotations) {
        this.#options.logger?.warn(
          `JSM Ops schedule ${schedule.name}: the timeline does not agree with /on-calls; handovers are looked up through /on-calls`,
        );
      }
      const probed = await this.#probeSpans(ops, schedule.id, now, signal);
      currentSpan = probed.current;
      nextSpan = probed.next;
    }
    const shifts: Shift[] = [];
    if (currentSpan && current.length > 0) {
      shifts.push({ ...currentSpan, people: current });
    }
    if (nextSpan && next.length > 0) {
      shifts.push({ ...nextSpan, people: next });
    }
    const horizon = now + horizonDays * DAY_MS;
    const after = nextSpan?.end ?? currentSpan?.end ?? now;
    // Later shifts: first responders of the timeline only, as escalations
    // in it name a policy, not the person it will reach then.
    for (const period of periods ?? []) {
      if (period.start >= after && period.start < horizon) {
        shifts.push({
          start: period.start,
          end: period.end,
          people: [{ id: period.responderId, escalationLevel: 1 }],
        });
      }
    }
    return { shifts, timelineRefused };
  }

  /**
   * Handovers from `/on-calls` alone: the current shift from the last
   * change before now (at most a week back, else it is shown as starting
   * then) to the next change, and the next shift to the change after.
   */
  async #probeSpans(
    ops: JsmOpsClient,
    scheduleId: string,
    now: number,
    signal: AbortSignal,
  ): Promise<{ current?: Span; next?: Span }> {
    const answers = new Map<number, Promise<string>>();
    const whoAt = (at: number) => {
      let answer = answers.get(at);
      if (!answer) {
        answer = ops
          .onCalls(scheduleId, new Date(at), signal)
          .then(participants =>
            onCallSignature(resolveOnCallPeople(participants)),
          );
        answers.set(at, answer);
      }
      return answer;
    };
    const horizonMs = this.#options.horizonDays * DAY_MS;
    const lookbackMs = LOOKBACK_DAYS * DAY_MS;
    const end = await findHandover(whoAt, now, 1, horizonMs);
    if (end === undefined) {
      // Nobody hands over within the horizon: one shift to its end.
      const start =
        (await findHandover(whoAt, now, -1, lookbackMs)) ?? now - lookbackMs;
      return { current: { start, end: now + horizonMs } };
    }
    const start =
      (await findHandover(whoAt, now, -1, lookbackMs)) ?? now - lookbackMs;
    // Rotas repeat: the next shift most likely lasts as long as this one,
    // which two questions confirm; else it is searched for.
    const length = end - start;
    const guess = end + length;
    const nextAt = await whoAt(end);
    const confirmed =
      start > now - lookbackMs &&
      guess <= now + horizonMs &&
      (await whoAt(guess - 60_000)) === nextAt &&
      (await whoAt(guess)) !== nextAt;
    const nextEnd = confirmed
      ? guess
      : (await findHandover(
          whoAt,
          end,
          1,
          Math.max(0, now + horizonMs - end),
        )) ?? now + horizonMs;
    return { current: { start, end }, next: { start: end, end: nextEnd } };
  }

  async #record(
    schedule: OpsSchedule,
    team: OpsTeam,
    shift: Shift,
    person: OnCallPerson,
    users: Map<string, Promise<JiraUser | undefined>>,
    signal: AbortSignal,
  ): Promise<OnCallShiftRecord> {
    const user = await this.#person(person.id, users, signal);
    const start = new Date(shift.start).toISOString();
    return {
      externalId: `${schedule.id}/${person.escalationLevel}/${start}/${person.id}`,
      scheduleName: schedule.name,
      groupName: team.name,
      personName: user.displayName ?? person.name ?? person.id,
      ...(user.emailAddress ? { personEmail: user.emailAddress } : {}),
      start,
      end: new Date(shift.end).toISOString(),
      escalationLevel: person.escalationLevel,
      keys: [
        { type: 'jsm-team', value: team.name },
        { type: 'jsm-team', value: team.id },
      ],
    };
  }

  async #person(
    accountId: string,
    users: Map<string, Promise<JiraUser | undefined>>,
    signal: AbortSignal,
  ): Promise<JiraUser> {
    let user = users.get(accountId);
    if (!user) {
      user = this.#options.jira.user(accountId, signal);
      users.set(accountId, user);
    }
    return (await user) ?? {};
  }
}

interface Span {
  start: number;
  end: number;
}

interface TimelinePeriod extends Span {
  responderId: string;
}

/** The timeline's shifts of people (escalation and team periods left out), by start. */
function timelinePeriods(rotations: readonly OpsRotation[]): TimelinePeriod[] {
  const periods: TimelinePeriod[] = [];
  for (const rotation of rotations) {
    for (const period of rotation.periods ?? []) {
      const responder = period.responder ?? period.recipient;
      const start = toEpoch(period.startDate);
      const end = toEpoch(period.endDate);
      if (
        responder?.id &&
        (responder.type ?? 'user') === 'user' &&
        start !== undefined &&
        end !== undefined &&
        start < end
      ) {
        periods.push({ start, end, responderId: responder.id });
      }
    }
  }
  return periods.sort((a, b) => a.start - b.start);
}

/**
 * The span of the shift running at `at` whose first responder `/on-calls`
 * names: the timeline's period of that person containing `at`. Undefined
 * when the timeline shows none (an override it does not reflect).
 */
function spanAt(
  periods: readonly TimelinePeriod[],
  at: number,
  people: readonly OnCallPerson[],
): Span | undefined {
  const first = new Set(
    people.filter(p => p.escalationLevel === 1).map(p => p.id),
  );
  const period = periods.find(
    p => p.start <= at && at < p.end && first.has(p.responderId),
  );
  return period ? { start: period.start, end: period.end } : undefined;
}

function toEpoch(value: string | undefined): number | undefined {
  const epoch = value ? Date.parse(value) : NaN;
  return Number.isNaN(epoch) ? undefined : epoch;
}
