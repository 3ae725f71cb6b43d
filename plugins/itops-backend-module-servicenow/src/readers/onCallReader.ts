import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  normalizeMappingValue,
  type OnCallShiftRecord,
} from '@backstage-itops/plugin-itops-common';
import type { ItopsRecordReader } from '@backstage-itops/plugin-itops-node';
import type { Escalatee, ServiceNowClient, SnRow } from '../client';
import type { OnCallOptions } from '../config';
import { recordUrl } from '../mapping';
import { encodedQuery } from '../query';

const PAGE = 1000;

/** Who holds one escalation position of one rota of one group, over time. */
type LaneState = Map<string, Escalatee>;

interface ChangePoint {
  at: number;
  state: LaneState;
}

/**
 * Thrown when the instance has no on-call scheduling API, so that the sync
 * status says so instead of showing an empty rota.
 */
export class OnCallUnavailableError extends Error {
  name = 'OnCallUnavailableError';
}

/**
 * On-call shifts of the assignment groups the catalog maps, from
 * `whoisoncall`. The API only says who is on call at a given time, so the
 * reader samples it every `stepMs` around now and bisects each handover to
 * `resolutionMs`; a shift is a stretch in which one person holds one
 * escalation position of one rota. The current and following shifts are
 * kept (within `lookAheadMs`); a shift that began before `lookBackMs` starts
 * there. Changes shorter than a step can be missed, so the step should be
 * shorter than the shortest shift or cover.
 */
export function onCallReader(options: {
  client: ServiceNowClient;
  baseUrl: string;
  config: OnCallOptions;
  now?: () => number;
  logger?: LoggerService;
}): ItopsRecordReader<OnCallShiftRecord> {
  const { client, config } = options;
  const now = options.now ?? Date.now;
  return {
    async *read(request) {
      const { signal } = request;
      const mapped = new Set(await request.mappedKeys('servicenow-group'));
      const groups = new Map<string, string>();
      if (mapped.size > 0) {
        for await (const rows of client.rows('sys_user_group', {
          query: encodedQuery()
            .where('active', '=', 'true')
            .orderBy('sys_id')
            .toString(),
          fields: ['sys_id', 'name'],
          pageSize: PAGE,
          signal,
        })) {
          // Names are matched here rather than in the query: catalog
          // annotations are free text, and the instance may compare case
          // differently.
          for (const group of rows) {
            if (mapped.has(normalizeMappingValue(group.name ?? ''))) {
              groups.set(group.sys_id, group.name);
            }
          }
        }
      }
      if (groups.size === 0) {
        yield { records: [] };
        return;
      }

      const groupIds = [...groups.keys()];
      const sample = async (at: number): Promise<LaneState> => {
        const escalatees = await client.whoIsOnCall(groupIds, at, signal);
        if (!escalatees) {
          throw new OnCallUnavailableError(
            `${client.http.name} has no on-call scheduling API (GET /api/now/on_call_rota/whoisoncall is not there); install the On-Call Scheduling plugin on the instance, or set oncall.enabled: false for it`,
          );
        }
        const state: LaneState = new Map();
        for (const e of escalatees) {
          const lane = `${e.group}|${e.rota}|${e.order}`;
          // Overlapping shifts give several people one position of a rota;
          // the first one answered is kept for that lane.
          if (!state.has(lane)) {
            state.set(lane, e);
          }
        }
        return state;
      };

      const start = Math.floor(now() / 60_000) * 60_000;
      const timeline = await scanTimeline(start, sample, config);
      const shifts = shiftsFrom(timeline, start);

      const users = await client.bySysIds(
        'sys_user',
        shifts.map(s => s.escalatee.userId),
        ['name', 'user_name', 'email', 'phone', 'mobile_phone'],
        signal,
      );
      const rotas = await rotaNames(
        client,
        shifts.map(s => s.escalatee.rota),
        signal,
        options.logger,
      );
      const records: OnCallShiftRecord[] = shifts.map(shift => {
        const e = shift.escalatee;
        const groupName = groups.get(e.group) ?? e.group;
        const user = users.get(e.userId);
        return {
          externalId: `${e.rota}:${e.order}:${e.userId}:${shift.start}`,
          url: e.rota
            ? recordUrl(options.baseUrl, 'cmn_rota', e.rota)
            : undefined,
          keys: [{ type: 'servicenow-group', value: groupName }],
          scheduleName: rotas.get(e.rota) ?? `${groupName} on-call`,
          groupName,
          personName: user?.name || user?.user_name || e.userId,
          personEmail: user?.email || undefined,
          personPhone: user?.mobile_phone || user?.phone || undefined,
          start: new Date(shift.start).toISOString(),
          end: new Date(shift.end).toISOString(),
          escalationLevel: e.order,
        };
      });
      yield { records };
    },
  };
}

/**
 * The states at `start` and at every change found backwards to the start of
 * the current shifts and forwards to the end of the next ones, in time
 * order. Scanning stops early once every lane has shown the handovers
 * needed.
 */
export async function scanTimeline(
  start: number,
  sample: (at: number) => Promise<LaneState>,
  config: OnCallOptions,
): Promise<ChangePoint[]> {
  const initial = await sample(start);
  const lanes = new Set(initial.keys());
  const handoverTimes = new Set<number>();

  const backward: ChangePoint[] = [];
  {
    let later: ChangePoint = { at: start, state: initial };
    const changed = new Set<string>();
    for (let at = start - config.stepMs; ; at -= config.stepMs) {
      const bounded = Math.max(at, start - config.lookBackMs);
      const point = { at: bounded, state: await sample(bounded) };
      const changes = await refine(
        point,
        later,
        sample,
        config.resolutionMs,
        handoverTimes,
      );
      for (const change of changes) {
        diff(change.before, change.point.state).forEach(l => changed.add(l));
      }
      backward.unshift(point, ...changes.map(c => c.point));
      later = point;
      if (
        bounded <= start - config.lookBackMs ||
        [...lanes].every(l => changed.has(l))
      ) {
        break;
      }
    }
  }

  const forward: ChangePoint[] = [];
  {
    let earlier: ChangePoint = { at: start, state: initial };
    const changes = new Map<string, number>();
    for (let at = start + config.stepMs; ; at += config.stepMs) {
      const bounded = Math.min(at, start + config.lookAheadMs);
      const point = { at: bounded, state: await sample(bounded) };
      for (const change of await refine(
        earlier,
        point,
        sample,
        config.resolutionMs,
        handoverTimes,
      )) {
        for (const lane of diff(change.before, change.point.state)) {
          changes.set(lane, (changes.get(lane) ?? 0) + 1);
          lanes.add(lane);
        }
        forward.push(change.point);
      }
      forward.push(point);
      earlier = point;
      if (
        bounded >= start + config.lookAheadMs ||
        [...lanes].every(l => (changes.get(l) ?? 0) >= 2)
      ) {
        break;
      }
    }
  }
  const points = [...backward, { at: start, state: initial }, ...forward].sort(
    (a, b) => a.at - b.at,
  );
  return dedupe(points);
}

/**
 * The change points strictly after `a` up to `b`, each the first instant
 * (to `resolution`) at which the state differs from the one before it.
 * Rotations hand over at the same time of day, so the times of day of the
 * handovers found so far (`handoverTimes`) are tried first: confirming one
 * takes two requests, bisecting a step about ten.
 */
async function refine(
  a: ChangePoint,
  b: ChangePoint,
  sample: (at: number) => Promise<LaneState>,
  resolution: number,
  handoverTimes: Set<number>,
): Promise<Array<{ before: LaneState; point: ChangePoint }>> {
  if (sameState(a.state, b.state)) {
    return [];
  }
  if (b.at - a.at <= resolution) {
    handoverTimes.add(timeOfDay(b.at));
    return [{ before: a.state, point: b }];
  }
  let from = a;
  for (const candidate of candidatesBetween(a.at, b.at, handoverTimes)) {
    if (candidate - resolution <= from.at) {
      continue;
    }
    const justBefore = await sample(candidate - resolution);
    if (!sameState(justBefore, from.state)) {
      // The change came earlier: bisect up to here.
      break;
    }
    const at = { at: candidate, state: await sample(candidate) };
    if (!sameState(at.state, from.state)) {
      return [
        { before: from.state, point: at },
        ...(await refine(at, b, sample, resolution, handoverTimes)),
      ];
    }
    from = at;
  }
  const middle =
    from.at +
    Math.max(
      resolution,
      Math.floor((b.at - from.at) / 2 / resolution) * resolution,
    );
  const m = { at: middle, state: await sample(middle) };
  return [
    ...(await refine(from, m, sample, resolution, handoverTimes)),
    ...(await refine(m, b, sample, resolution, handoverTimes)),
  ];
}

const DAY_MS = 24 * 3_600_000;

function timeOfDay(at: number): number {
  return ((at % DAY_MS) + DAY_MS) % DAY_MS;
}

/** Instants in `(from, to]` at one of the given times of day, in order. */
function candidatesBetween(
  from: number,
  to: number,
  times: Set<number>,
): number[] {
  const result: number[] = [];
  const dayStart = from - timeOfDay(from);
  for (let day = dayStart; day <= to; day += DAY_MS) {
    for (const time of times) {
      const at = day + time;
      if (at > from && at <= to) {
        result.push(at);
      }
    }
  }
  return result.sort((x, y) => x - y);
}

interface Shift {
  escalatee: Escalatee;
  start: number;
  end: number;
}

/** Per lane, the stretches with one person that end after `now`. */
function shiftsFrom(points: ChangePoint[], now: number): Shift[] {
  const shifts: Shift[] = [];
  const open = new Map<string, Shift>();
  const close = (lane: string, at: number) => {
    const shift = open.get(lane);
    if (shift) {
      shift.end = at;
      if (shift.end > now && shift.end > shift.start) {
        shifts.push(shift);
      }
      open.delete(lane);
    }
  };
  for (const point of points) {
    for (const [lane, shift] of open) {
      const holder = point.state.get(lane);
      if (!holder || holder.userId !== shift.escalatee.userId) {
        close(lane, point.at);
      }
    }
    for (const [lane, escalatee] of point.state) {
      if (!open.has(lane)) {
        open.set(lane, { escalatee, start: point.at, end: point.at });
      }
    }
  }
  // Shifts still running where the scan stopped end there.
  const horizon = points.length > 0 ? points[points.length - 1].at : now;
  for (const lane of [...open.keys()]) {
    close(lane, horizon);
  }
  return shifts;
}

function sameState(a: LaneState, b: LaneState): boolean {
  return diff(a, b).length === 0;
}

function diff(a: LaneState, b: LaneState): string[] {
  const lanes = new Set([...a.keys(), ...b.keys()]);
  return [...lanes].filter(l => a.get(l)?.userId !== b.get(l)?.userId);
}

function dedupe(points: ChangePoint[]): ChangePoint[] {
  return points.filter((p, i) => i === 0 || p.at !== points[i - 1].at);
}

async function rotaNames(
  client: ServiceNowClient,
  rotaIds: string[],
  signal: AbortSignal,
  logger?: LoggerService,
): Promise<Map<string, string>> {
  try {
    const rows = await client.bySysIds('cmn_rota', rotaIds, ['name'], signal);
    return new Map(
      [...rows].map(([id, row]: [string, SnRow]) => [id, row.name]),
    );
  } catch (error) {
    // Rota names only label the schedule; the group name stands in.
    logger?.warn(
      `${client.http.name}: could not read rota names, labelling schedules by group: ${error}`,
    );
    return new Map();
  }
}
