import type { Escalatee } from '../client';
import type { OnCallOptions } from '../config';
import { scanBoundaries, scanTimeline } from './onCallReader';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-11-25T12:00:00Z');

const CONFIG: OnCallOptions = {
  enabled: true,
  lookBackMs: 7 * DAY,
  lookAheadMs: 14 * DAY,
  stepMs: 6 * HOUR,
  resolutionMs: MINUTE,
};

/** A weekly rotation of three people handing over on Mondays at 09:00 UTC. */
function rotation(at: number): Escalatee[] {
  const anchor = Date.parse('2026-11-23T09:00:00Z');
  const week = Math.floor((at - anchor) / (7 * DAY));
  const people = ['ana', 'ben', 'cem'];
  const pick = (k: number) => people[(((week + k) % 3) + 3) % 3];
  return [1, 2].map(order => ({
    userId: pick(order - 1),
    group: 'g',
    rota: 'r',
    order,
  }));
}

function sampler(who: (at: number) => Escalatee[]) {
  const calls: number[] = [];
  return {
    calls,
    sample: async (at: number) => {
      calls.push(at);
      return new Map(who(at).map(e => [`${e.group}|${e.rota}|${e.order}`, e]));
    },
  };
}

describe('scanTimeline', () => {
  it('finds the handovers before and after now to the minute', async () => {
    const { sample, calls } = sampler(rotation);
    const points = await scanTimeline(NOW, sample, CONFIG);
    const changes = points
      .filter(
        (p, i) =>
          i > 0 &&
          p.state.get('g|r|1')?.userId !==
            points[i - 1].state.get('g|r|1')?.userId,
      )
      .map(p => new Date(p.at).toISOString());
    expect(changes).toEqual([
      '2026-11-23T09:00:00.000Z',
      '2026-11-30T09:00:00.000Z',
      '2026-12-07T09:00:00.000Z',
    ]);
    // Samples every 6 hours (about 50), one bisection (about 10) and two
    // handovers confirmed at the time of day already found (2 each).
    expect(calls.length).toBeLessThan(75);
  });

  it('stops at the look-back and look-ahead limits when nobody hands over', async () => {
    const { sample } = sampler(() => [
      { userId: 'solo', group: 'g', rota: 'r', order: 1 },
    ]);
    const points = await scanTimeline(NOW, sample, CONFIG);
    expect(points[0].at).toBe(NOW - CONFIG.lookBackMs);
    expect(points[points.length - 1].at).toBe(NOW + CONFIG.lookAheadMs);
  });

  it('finds a one-day cover inside a week', async () => {
    const coverFrom = Date.parse('2026-11-27T00:00:00Z');
    const { sample } = sampler(at =>
      at >= coverFrom && at < coverFrom + DAY
        ? [
            {
              userId: 'dana',
              group: 'g',
              rota: 'r',
              order: 1,
              isOverride: true,
            },
          ]
        : rotation(at).slice(0, 1),
    );
    const points = await scanTimeline(NOW, sample, CONFIG);
    const holders = points.map(p => [
      new Date(p.at).toISOString(),
      p.state.get('g|r|1')?.userId,
    ]);
    expect(holders).toContainEqual(['2026-11-27T00:00:00.000Z', 'dana']);
    expect(holders).toContainEqual(['2026-11-28T00:00:00.000Z', 'ana']);
  });
});

describe('scanBoundaries', () => {
  const monday = (weeks: number) =>
    Date.parse('2026-11-23T09:00:00Z') + weeks * 7 * DAY;
  /** Weekly handovers from three weeks back to three ahead. */
  const HANDOVERS = [-3, -2, -1, 0, 1, 2, 3].map(monday);
  const primary = (points: Array<{ at: number; state: Map<string, any> }>) =>
    points.map(p => [
      new Date(p.at).toISOString(),
      p.state.get('g|r|1')?.userId,
    ]);

  it('asks whoisoncall only at the handovers it needs', async () => {
    const { sample, calls } = sampler(rotation);
    const points = (await scanBoundaries(NOW, HANDOVERS, sample, CONFIG))!;
    expect(primary(points)).toEqual([
      ['2026-11-16T09:00:00.000Z', 'cem'],
      ['2026-11-23T09:00:00.000Z', 'ana'],
      ['2026-11-25T12:00:00.000Z', 'ana'],
      ['2026-11-30T09:00:00.000Z', 'ben'],
      ['2026-12-07T09:00:00.000Z', 'cem'],
    ]);
    // Now, two handovers back (the current shift's start shows as a
    // change), two ahead.
    expect(calls).toHaveLength(5);
  });

  it('goes back past the look-back for the real start of a long shift', async () => {
    const { sample } = sampler(rotation);
    const points = (await scanBoundaries(NOW, HANDOVERS, sample, {
      ...CONFIG,
      lookBackMs: HOUR,
      lookAheadMs: HOUR,
    }))!;
    expect(points[0].at).toBeLessThan(Date.parse('2026-11-23T09:00:00Z'));
    // On to the end of the next shift: the boundaries given are the ones
    // to scan, whatever the look-ahead.
    expect(points[points.length - 1].at).toBe(monday(2));
  });

  it('bisects a change the boundaries do not explain', async () => {
    const cover = Date.parse('2026-11-25T10:00:00Z');
    const { sample } = sampler(at =>
      at >= cover && at < cover + DAY
        ? [{ userId: 'dana', group: 'g', rota: 'r', order: 1 }]
        : rotation(at).slice(0, 1),
    );
    const points = (await scanBoundaries(NOW, HANDOVERS, sample, CONFIG))!;
    expect(primary(points)).toContainEqual([
      '2026-11-25T10:00:00.000Z',
      'dana',
    ]);
  });

  it('declines without a boundary on both sides of now', async () => {
    const { sample } = sampler(rotation);
    expect(
      await scanBoundaries(NOW, HANDOVERS.slice(0, 4), sample, CONFIG),
    ).toBeUndefined();
  });
});
