import { parseIsoDuration } from './durations';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('parseIsoDuration', () => {
  it.each([
    ['PT24H', DAY],
    ['P1D', DAY],
    ['P1W', 7 * DAY],
    ['P2W', 14 * DAY],
    ['P1DT12H', 1.5 * DAY],
    ['PT90M', 1.5 * HOUR],
    ['PT1.5H', 1.5 * HOUR],
    ['PT30S', 30_000],
    [' PT4H ', 4 * HOUR],
    ['P30D', 30 * DAY],
  ])('reads %p', (value, ms) => {
    expect(parseIsoDuration(value, 'itops.io/rpo')).toEqual({ ok: true, ms });
  });

  it.each(['daily', '24h', 'P', 'PT', 'P1X', '1D', 'PT4H garbage', ''])(
    'refuses %p, naming the key',
    value => {
      const parsed = parseIsoDuration(value, 'itops.io/rto');
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.problem).toBe(
        `itops.io/rto '${value}' is not an ISO 8601 duration such as PT4H, P1D or P1W`,
      );
    },
  );

  it('refuses months and years, whose length varies', () => {
    for (const value of ['P1M', 'P1Y', 'P1Y2D']) {
      const parsed = parseIsoDuration(value, 'itops.io/rpo');
      expect(!parsed.ok && parsed.problem).toMatch(
        /^itops\.io\/rpo '.*' counts months or years/,
      );
    }
    // PT1M is a minute, not a month.
    expect(parseIsoDuration('PT1M', 'k')).toEqual({ ok: true, ms: 60_000 });
  });

  it('refuses zero and negative durations', () => {
    for (const value of ['PT0S', 'P0D', '-PT1H']) {
      expect(parseIsoDuration(value, 'itops.io/rpo')).toEqual({
        ok: false,
        problem: `itops.io/rpo '${value}' is not longer than zero`,
      });
    }
  });
});
