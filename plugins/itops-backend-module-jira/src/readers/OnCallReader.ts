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
  OpsParticipant,
  OpsSchedule,
  OpsTeam,
} from '../client/JsmOpsClient';
import type { JiraUser } from '../client/types';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * The timeline clips shifts to the requested start, so the current shift's
 * real start (the last handover) shows only when the window begins before
 * it; a week back covers weekly rotations, the most common kind.
 */
const LOOKBACK_DAYS = 7;

export interface OnCallReaderOptions {
  ops(signal: AbortSignal): Promise<JsmOpsClient>;
  jira: JiraClient;
  horizonDays: number;
  now?: () => number;
}

/**
 * On-call from JSM Operations: for the teams the catalog maps (by name or
 * id, `itops.io/jsm-ops-team`), the shifts of their schedules from a week
 * ago to the horizon, as the schedule's final timeline (rotations with
 * overrides applied) gives them, so that both "now" and "next" come with
 * their handover times. Responders are Atlassian accounts, resolved to
 * names through Jira.
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
    const from = new Date(now - LOOKBACK_DAYS * DAY_MS);
    const users = new Map<string, Promise<JiraUser | undefined>>();
    for (const schedule of schedules) {
      const records = await this.#shifts(
        ops,
        schedule,
        teams.get(schedule.teamId!)!,
        from,
        users,
        signal,
      );
      yield { records };
    }
  }

  async #shifts(
    ops: JsmOpsClient,
    schedule: OpsSchedule,
    team: OpsTeam,
    from: Date,
    users: Map<string, Promise<JiraUser | undefined>>,
    signal: AbortSignal,
  ): Promise<OnCallShiftRecord[]> {
    const rotations = await ops.timeline(
      schedule.id,
      from,
      LOOKBACK_DAYS + this.#options.horizonDays,
      signal,
    );
    const records: OnCallShiftRecord[] = [];
    for (const rotation of rotations) {
      for (const period of rotation.periods ?? []) {
        const responder = period.responder ?? period.recipient;
        const start = toIso(period.startDate);
        const end = toIso(period.endDate);
        if (!responder?.id || !start || !end) {
          continue;
        }
        const person = await this.#person(responder, users, signal);
        records.push({
          externalId: `${schedule.id}/${
            rotation.id ?? rotation.order ?? 0
          }/${start}`,
          scheduleName: schedule.name,
          groupName: team.name,
          personName: person.displayName ?? responder.name ?? responder.id,
          ...(person.emailAddress ? { personEmail: person.emailAddress } : {}),
          start,
          end,
          // A schedule is the first line; escalation levels come from
          // escalation policies, which map no schedule to a level here.
          escalationLevel: 1,
          keys: [
            { type: 'jsm-team', value: team.name },
            { type: 'jsm-team', value: team.id },
          ],
        });
      }
    }
    return records;
  }

  async #person(
    participant: OpsParticipant,
    users: Map<string, Promise<JiraUser | undefined>>,
    signal: AbortSignal,
  ): Promise<JiraUser> {
    if (participant.type && participant.type !== 'user') {
      return { displayName: participant.name ?? participant.id };
    }
    const id = participant.id!;
    let user = users.get(id);
    if (!user) {
      user = this.#options.jira.user(id, signal);
      users.set(id, user);
    }
    return (await user) ?? {};
  }
}

function toIso(value: string | undefined): string | undefined {
  const epoch = value ? Date.parse(value) : NaN;
  return Number.isNaN(epoch) ? undefined : new Date(epoch).toISOString();
}
