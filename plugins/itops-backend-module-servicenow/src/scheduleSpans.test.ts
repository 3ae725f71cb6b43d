import { continuousStretch, occurrences } from './scheduleSpans';

const span = (extra: Record<string, string>) => ({
  sys_id: 's1',
  name: 'Freeze',
  start_date_time: '20261215T000000',
  end_date_time: '20270105T235959',
  repeat_type: '',
  repeat_until: '',
  days_of_week: '',
  ...extra,
});

const iso = (ms: number) => new Date(ms).toISOString();
const ALL = [0, Date.parse('2100-01-01T00:00:00Z')] as const;

describe('occurrences', () => {
  it('reads a one-off span in UTC', () => {
    expect(
      occurrences(span({}), 'UTC', ...ALL).map(o => [
        o.id,
        iso(o.start),
        iso(o.end),
      ]),
    ).toEqual([['s1', '2026-12-15T00:00:00.000Z', '2027-01-05T23:59:59.000Z']]);
  });

  it('places wall-clock times in the schedule time zone, across DST', () => {
    const winter = occurrences(
      span({
        start_date_time: '20261215T220000',
        end_date_time: '20261216T060000',
      }),
      'Europe/Berlin',
      ...ALL,
    );
    expect(iso(winter[0].start)).toBe('2026-12-15T21:00:00.000Z');
    const summer = occurrences(
      span({
        start_date_time: '20260715T220000',
        end_date_time: '20260716T060000',
      }),
      'Europe/Berlin',
      ...ALL,
    );
    expect(iso(summer[0].start)).toBe('2026-07-15T20:00:00.000Z');
    expect(summer[0].end - summer[0].start).toBe(8 * 3_600_000);
  });

  it('expands weekly spans on their weekdays until repeat_until', () => {
    const list = occurrences(
      span({
        // Friday 2026-11-27 18:00 to Saturday 06:00, Fridays and Saturdays.
        start_date_time: '20261127T180000',
        end_date_time: '20261128T060000',
        repeat_type: 'weekly',
        days_of_week: '56',
        repeat_until: '20261206',
      }),
      'UTC',
      ...ALL,
    );
    expect(list.map(o => iso(o.start))).toEqual([
      '2026-11-27T18:00:00.000Z',
      '2026-11-28T18:00:00.000Z',
      '2026-12-04T18:00:00.000Z',
      '2026-12-05T18:00:00.000Z',
    ]);
    expect(new Set(list.map(o => o.id)).size).toBe(4);
  });

  it('expands daily and monthly spans within the window asked for', () => {
    const daily = occurrences(
      span({
        start_date_time: '20261101T020000',
        end_date_time: '20261101T030000',
        repeat_type: 'daily',
      }),
      'UTC',
      Date.parse('2026-11-10T00:00:00Z'),
      Date.parse('2026-11-12T23:00:00Z'),
    );
    expect(daily.map(o => iso(o.start))).toEqual([
      '2026-11-10T02:00:00.000Z',
      '2026-11-11T02:00:00.000Z',
      '2026-11-12T02:00:00.000Z',
    ]);
    const monthly = occurrences(
      span({
        start_date_time: '20260131T000000',
        end_date_time: '20260131T120000',
        repeat_type: 'monthly',
        repeat_until: '20260430',
      }),
      'UTC',
      ...ALL,
    );
    expect(monthly.map(o => iso(o.start).slice(0, 10))).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
    ]);
  });

  it('skips spans that cannot be read or have no length', () => {
    expect(
      occurrences(span({ start_date_time: 'soon' }), 'UTC', ...ALL),
    ).toEqual([]);
    expect(
      occurrences(span({ end_date_time: '20261215T000000' }), 'UTC', ...ALL),
    ).toEqual([]);
  });
});

describe('repeat_count and continuous stretches', () => {
  const rotation = span({
    start_date_time: '20261123T090000',
    end_date_time: '20261130T090000',
    repeat_type: 'weekly',
    repeat_count: '3',
  });

  it('repeats every repeat_count weeks', () => {
    expect(
      occurrences(
        rotation,
        'UTC',
        Date.parse('2026-11-20T00:00:00Z'),
        Date.parse('2027-01-01T00:00:00Z'),
      ).map(o => iso(o.start)),
    ).toEqual(['2026-11-23T09:00:00.000Z', '2026-12-14T09:00:00.000Z']);
  });

  it('reads a span repeating without gaps as one stretch', () => {
    const aroundTheClock = span({
      start_date_time: '20240101T090000',
      end_date_time: '20240102T090000',
      repeat_type: 'daily',
    });
    expect(continuousStretch(aroundTheClock, 'UTC')).toEqual({
      start: Date.parse('2024-01-01T09:00:00Z'),
      end: Infinity,
    });
    // 23:59:59 a day is around the clock too; repeat_until ends it.
    expect(
      continuousStretch(
        span({
          start_date_time: '20240101T000000',
          end_date_time: '20240101T235959',
          repeat_type: 'daily',
          repeat_until: '20240110',
        }),
        'UTC',
      ),
    ).toEqual({
      start: Date.parse('2024-01-01T00:00:00Z'),
      end: Date.parse('2024-01-10T23:59:59Z'),
    });
    // Business hours and every-third-week rotations leave gaps.
    expect(
      continuousStretch(
        span({
          start_date_time: '20240101T090000',
          end_date_time: '20240101T170000',
          repeat_type: 'daily',
        }),
        'UTC',
      ),
    ).toBeUndefined();
    expect(continuousStretch(rotation, 'UTC')).toBeUndefined();
  });
});
