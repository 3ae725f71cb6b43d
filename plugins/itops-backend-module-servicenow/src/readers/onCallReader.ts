import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  normalizeMappingValue,
  type OnCallShiftRecord,
} from '@backstage-itops/plugin-itops-common';
import {
  type ItopsRecordReader,
  SourceRequestError,
  isKnownTimeZone,
} from '@backstage-itops/plugin-itops-node';
import type { Escalatee, ServiceNowClient, SnRow } from '../client';
import type { OnCallOptions } from '../config';
import { recordUrl } from '../mapping';
import { encodedQuery } from '../query';
import {
  continuousStretch,
  occurrences,
  SPAN_TIMING_FIELDS,
} from '../scheduleSpans';

const PAGE = 1000;
const ID_CHUNK = 100;

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
 * On-call shifts of the assignment groups the catalog maps. `whoisoncall`
 * only says who is on call at a given time, so the reader asks it at the
 * instants where a shift can change hands, which the instance's rota
 * tables give: the spans of each shift's coverage schedule (`cmn_rota` →
 * `cmn_schedule_span`), of each roster member's rotation schedule
 * (`cmn_rota_member.rotation_schedule`) and the roster's covers and time
 * off (`roster_schedule_span`). All mapped groups are read with one query
 * per table and one `whoisoncall` per instant, so a run costs a few
 * requests per team and handover rather than samples per day, and every
 * shift starts and ends where the rota's spans say (a shift that began
 * before the look-back starts when it really began).
 *
 * Without readable rota tables (403/404, or rosters without rotation
 * spans, e.g. another schedule engine) the reader falls back on sampling
 * `whoisoncall` every `stepMs` around now and bisecting each handover to
 * `resolutionMs`; there a shift that began before the look-back starts at
 * it. A shift is a stretch in which one person holds one escalation
 * position of one rota; the current and following ones are kept.
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
      const plan = await rotaPlan(
        client,
        groupIds,
        { from: start - config.lookBackMs, until: start + config.lookAheadMs },
        signal,
      );
      const scanned =
        plan.edges &&
        (await scanBoundaries(
          start,
          [...new Set([...plan.edges.values()].flatMap(e => [...e]))],
          sample,
          config,
        ));
      let shifts: Shift[];
      if (scanned) {
        shifts = shiftsFrom(scanned, start, rota => plan.edges?.get(rota));
      } else {
        options.logger?.warn(
          `${
            client.http.name
          }: on-call handovers located by sampling whoisoncall, because ${
            plan.unavailable ??
            'the rota spans leave no handover before or after now'
          }; shifts that began before the look-back start at it`,
        );
        shifts = shiftsFrom(await scanTimeline(start, sample, config), start);
      }

      const users = await client.bySysIds(
        'sys_user',
        shifts.map(s => s.escalatee.userId),
        ['name', 'user_name', 'email', 'phone', 'mobile_phone'],
        signal,
      );
      const rotas =
        plan.rotaNames ??
        (await rotaNames(
          client,
          shifts.map(s => s.escalatee.rota),
          signal,
          options.logger,
        ));
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
 * The states at `start` and at the rota's boundaries around it, in time
 * order: backwards until every lane has shown the start of its current
 * shift, forwards until every lane has shown the end of its next one, one
 * `whoisoncall` per boundary. A change between the last boundary and
 * `start` that no span explains (a cover the rota tables did not show) is
 * bisected. Undefined when there is no boundary on one side of `start`.
 */
export async function scanBoundaries(
  start: number,
  boundaries: readonly number[],
  sample: (at: number) => Promise<LaneState>,
  config: OnCallOptions,
): Promise<ChangePoint[] | undefined> {
  const past = boundaries.filter(b => b <= start).sort((a, b) => b - a);
  const future = boundaries.filter(b => b > start).sort((a, b) => a - b);
  if (past.length === 0 || future.length === 0) {
    return undefined;
  }
  const initial: ChangePoint = { at: start, state: await sample(start) };
  const points: ChangePoint[] = [initial];
  const lanes = new Set(initial.state.keys());

  const changed = new Set<string>();
  let later = initial;
  for (const at of past) {
    const point = at === start ? initial : { at, state: await sample(at) };
    if (later === initial && point !== initial) {
      // Between the last boundary and now nothing should change.
      const unexplained = await refine(
        point,
        initial,
        sample,
        config.resolutionMs,
        new Set(),
      );
      points.push(...unexplained.map(c => c.point));
    }
    for (const lane of diff(point.state, later.state)) {
      changed.add(lane);
    }
    points.push(point);
    later = point;
    if ([...lanes].every(l => changed.has(l))) {
      break;
    }
  }

  const changes = new Map<string, number>();
  let earlier = initial;
  for (const at of future) {
    const point = { at, state: await sample(at) };
    for (const lane of diff(earlier.state, point.state)) {
      changes.set(lane, (changes.get(lane) ?? 0) + 1);
      lanes.add(lane);
    }
    points.push(point);
    earlier = point;
    // The boundaries end with the spans around the look-ahead: no stop
    // there is needed for the shift running through it to get its end.
    if ([...lanes].every(l => (changes.get(l) ?? 0) >= 2)) {
      break;
    }
  }
  return dedupe(points.sort((a, b) => a.at - b.at));
}

/** What the rota tables say about the mapped groups' shifts. */
interface RotaPlan {
  /** Shift (`cmn_rota`) names by sys_id. */
  rotaNames?: Map<string, string>;
  /** Per shift (`cmn_rota` sys_id), the instants it may change hands. */
  edges?: Map<string, Set<number>>;
  /** Why there are no boundaries. */
  unavailable?: string;
}

/** Columns of the on-call tables the plan reads. */
const ROTA_FIELDS = ['sys_id', 'name', 'group', 'schedule'];
const SPAN_FIELDS = ['sys_id', 'schedule', 'type', ...SPAN_TIMING_FIELDS];
/** Covers and time off name their roster. */
const ROSTER_SPAN_FIELDS = [...SPAN_FIELDS, 'roster'];

/**
 * The instants in and around `window` at which a mapped group's shift may
 * change hands: the edges of each shift's coverage (a coverage around the
 * clock has none), of each member's rotation span and of each cover or
 * time off, expanded in the schedules' time zones. Occurrences that
 * straddle the window's edges count whole, so that shifts get their real
 * start and end. A rota table the integration user cannot read, or a
 * roster member without a rotation schedule, leaves only the rota names.
 */
async function rotaPlan(
  client: ServiceNowClient,
  groupIds: readonly string[],
  window: { from: number; until: number },
  signal: AbortSignal,
): Promise<RotaPlan> {
  const read = async (
    table: string,
    field: string,
    ids: readonly string[],
    fields: readonly string[],
    extra = '',
  ): Promise<SnRow[]> => {
    const rows: SnRow[] = [];
    const unique = [...new Set(ids.filter(Boolean))];
    for (let i = 0; i < unique.length; i += ID_CHUNK) {
      const query = encodedQuery()
        .whereIn(field, unique.slice(i, i + ID_CHUNK))
        .and(extra || undefined)
        .orderBy('sys_id')
        .toString();
      for await (const page of client.rows(table, {
        query,
        fields,
        pageSize: PAGE,
        signal,
      })) {
        // One by one: a page may hold more than a call takes as arguments.
        for (const row of page) rows.push(row);
      }
    }
    return rows;
  };
  try {
    const rotas = await read(
      'cmn_rota',
      'group',
      groupIds,
      ROTA_FIELDS,
      'active=true',
    );
    const names = new Map(rotas.map(r => [r.sys_id, r.name]));
    if (rotas.length === 0) {
      return {
        rotaNames: names,
        unavailable: 'cmn_rota has no active shift for the mapped groups',
      };
    }
    const rosters = await read(
      'cmn_rota_roster',
      'rota',
      rotas.map(r => r.sys_id),
      ['sys_id', 'rota'],
      'active=true',
    );
    const members = await read(
      'cmn_rota_member',
      'roster',
      rosters.map(r => r.sys_id),
      ['sys_id', 'roster', 'rotation_schedule'],
    );
    if (members.length === 0 || members.some(m => !m.rotation_schedule)) {
      return {
        rotaNames: names,
        unavailable: 'cmn_rota_member has members without a rotation schedule',
      };
    }
    // Covers and time off sit on the members' own schedules.
    const rosterSpans = await read(
      'roster_schedule_span',
      'roster',
      rosters.map(r => r.sys_id),
      ROSTER_SPAN_FIELDS,
      'typeINon_call,time_off',
    );
    const coverage = new Set(rotas.map(r => r.schedule).filter(Boolean));
    const rotations = new Set(members.map(m => m.rotation_schedule));
    const spans = [
      ...(await read(
        'cmn_schedule_span',
        'schedule',
        [...coverage, ...rotations],
        SPAN_FIELDS,
      )),
      ...rosterSpans,
    ];
    const rotated = new Set(spans.map(s => s.schedule));
    if (![...rotations].every(id => rotated.has(id))) {
      return {
        rotaNames: names,
        unavailable: 'rotation schedules without spans',
      };
    }
    const zones = new Map(
      (
        await read(
          'cmn_schedule',
          'sys_id',
          spans.map(s => s.schedule),
          ['sys_id', 'time_zone'],
        )
      ).map(s => [s.sys_id, s.time_zone]),
    );
    // Which shift each schedule's spans belong to.
    const rotaOfRoster = new Map(rosters.map(r => [r.sys_id, r.rota]));
    const rotaOfSchedule = new Map<string, string>([
      ...rotas.map(r => [r.schedule, r.sys_id] as [string, string]),
      ...members.map(
        m =>
          [m.rotation_schedule, rotaOfRoster.get(m.roster) ?? ''] as [
            string,
            string,
          ],
      ),
    ]);
    // The member rotation shifts running at the window's edges count
    // whole, and so does every cover or time off within them.
    let { from, until } = window;
    for (const span of spans) {
      if (rotations.has(span.schedule)) {
        const zone = scheduleZone(zones.get(span.schedule));
        for (const o of occurrences(span, zone, window.from, window.until)) {
          from = Math.min(from, o.start);
          until = Math.max(until, o.end);
        }
      }
    }
    const edges = new Map<string, Set<number>>();
    for (const span of spans) {
      const rota = span.roster
        ? rotaOfRoster.get(span.roster)
        : rotaOfSchedule.get(span.schedule);
      const zone = scheduleZone(zones.get(span.schedule));
      const stretch = coverage.has(span.schedule)
        ? continuousStretch(span, zone)
        : undefined;
      const spanEdges = stretch
        ? [stretch.start, stretch.end]
        : occurrences(span, zone, from, until).flatMap(o => [o.start, o.end]);
      for (const edge of spanEdges) {
        if (rota && Number.isFinite(edge)) {
          const minute = Math.floor(edge / 60_000) * 60_000;
          edges.set(rota, (edges.get(rota) ?? new Set()).add(minute));
        }
      }
    }
    return { rotaNames: names, edges };
  } catch (error) {
    if (
      error instanceof SourceRequestError &&
      [400, 403, 404].includes(error.status ?? 0)
    ) {
      return { unavailable: `a rota table answered ${error.status}` };
    }
    throw error;
  }
}

/** A schedule's zone; floating or unknown ones are read as UTC. */
function scheduleZone(zone: string | undefined): string {
  const name = zone?.trim();
  return name && name.toLowerCase() !== 'floating' && isKnownTimeZone(name)
    ? name
    : 'UTC';
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

/**
 * Per lane, the stretches with one person that end after `now`. With
 * `edgesOf` (the instants at which a rota's spans begin or end), a stretch
 * that runs into the first or last point of the scan starts and ends at
 * the outermost edge of its own rota that the scan sampled, not at a point
 * another rota needed; without one sampled it is left out. Without
 * `edgesOf` (sampling), it starts and ends at the scan's ends.
 */
export function shiftsFrom(
  points: ChangePoint[],
  now: number,
  edgesOf?: (rota: string) => ReadonlySet<number> | undefined,
): Shift[] {
  const shifts: Shift[] = [];
  const open = new Map<string, Shift>();
  const sampled = new Set(points.map(p => p.at));
  /** The own edges of a rota the scan sampled, in time order. */
  const ownEdges = (rota: string) =>
    [...(edgesOf?.(rota) ?? [])]
      .filter(at => sampled.has(at))
      .sort((a, b) => a - b);
  const first = points[0]?.at;
  const close = (lane: string, at: number) => {
    const shift = open.get(lane);
    if (!shift) {
      return;
    }
    open.delete(lane);
    shift.end = at;
    if (edgesOf && shift.start === first) {
      // Held since the scan's first point: it began at an edge of its
      // own rota at or before the first change seen.
      const start = ownEdges(shift.escalatee.rota).find(e => e >= first);
      if (start === undefined || start >= shift.end) {
        return;
      }
      shift.start = start;
    }
    if (shift.end > now && shift.end > shift.start) {
      shifts.push(shift);
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
  // Shifts still running where the scan stopped end at their rota's last
  // edge sampled (sampling: where the scan stopped).
  const horizon = points.length > 0 ? points[points.length - 1].at : now;
  for (const [lane, shift] of [...open]) {
    const end = edgesOf
      ? ownEdges(shift.escalatee.rota)
          .filter(e => e > shift.start)
          .pop()
      : horizon;
    if (end === undefined) {
      open.delete(lane);
    } else {
      close(lane, end);
    }
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
