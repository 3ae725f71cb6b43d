import { bucketByDay, daysOf } from './days';

const HOUR = 3_600_000;

describe('daysOf', () => {
  it('cuts days in the time zone, 25 hours long when DST ends', () => {
    const days = daysOf(
      {
        from: Date.parse('2026-10-24T10:00:00Z'),
        to: Date.parse('2026-10-26T12:00:00Z'),
      },
      'Europe/Berlin',
    );
    expect(days.map(d => d.date)).toEqual([
      '2026-10-24',
      '2026-10-25',
      '2026-10-26',
    ]);
    expect(new Date(days[0].start).toISOString()).toBe(
      '2026-10-23T22:00:00.000Z',
    );
    expect(days[1].end - days[1].start).toBe(25 * HOUR);
  });
});

describe('bucketByDay', () => {
  const days = daysOf(
    {
      from: Date.parse('2026-11-01T00:00:00Z'),
      to: Date.parse('2026-11-04T00:00:00Z'),
    },
    'UTC',
  );
  const at = (day: number, hour: number) =>
    Date.parse('2026-11-01T00:00:00Z') + day * 24 * HOUR + hour * HOUR;

  it("counts changes on every day they overlap and keeps the day's own first", () => {
    const buckets = bucketByDay(
      days,
      [
        { id: 1, start: at(-3, 0), end: at(5, 0) }, // covers the whole range
        { id: 2, start: at(0, 1), end: at(0, 2) },
        { id: 3, start: at(0, 3), end: at(1, 2) }, // spans into the 2nd
        { id: 4, start: at(0, 5) }, // a point
        { id: 5, start: at(1, 0), end: at(2, 0) }, // ends at midnight: not on the 3rd
      ],
      2,
    );
    expect(
      buckets.map(b => ({ date: b.day.date, total: b.total, ids: b.ids })),
    ).toEqual([
      // Three start on the 1st: they take both places from the long one.
      { date: '2026-11-01', total: 4, ids: [2, 3] },
      // One starts on the 2nd; the longest-running carried-over change
      // fills the other place.
      { date: '2026-11-02', total: 3, ids: [1, 5] },
      { date: '2026-11-03', total: 1, ids: [1] },
    ]);
  });

  it("shows a busy day its own changes, not the previous evening's", () => {
    const evening = [1, 2, 3].map(id => ({
      id,
      start: at(0, 20 + id),
      end: at(1, 6),
    }));
    const morning = [4, 5].map(id => ({ id, start: at(1, id), end: at(1, 9) }));
    const buckets = bucketByDay(days, [...evening, ...morning], 3);
    expect(buckets[1]).toMatchObject({ total: 5, ids: [1, 4, 5] });
  });

  it('ignores changes outside the days', () => {
    const buckets = bucketByDay(
      days,
      [{ id: 1, start: at(5, 0), end: at(6, 0) }],
      3,
    );
    expect(buckets.every(b => b.total === 0)).toBe(true);
  });
});
