import type { Escalatee } from '../client';
import type { OnCallOptions } from '../config';
import { scanTimeline } from './onCallReader';

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
