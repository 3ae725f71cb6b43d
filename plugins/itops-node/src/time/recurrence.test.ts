import {
  MAX_OCCURRENCES,
  type RecurringWindow,
  occurrencesBetween,
} from './recurrence';
import type { WallTime } from './zones';

const iso = (ms: number) => new Date(ms).toISOString();
const range = (from: string, to: string) => ({
  from: Date.parse(from),
  to: Date.parse(to),
});
const ALL = range('1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z');

/** `2026-10-16T18:00` as wall-clock fields. */
function wall(text: string): WallTime {
  const [date, time = '00:00'] = text.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute, second = 0] = time.split(':').map(Number);
  return { year, month, day, hour, minute, second };
}

function window(
  start: string,
  end: string,
  timeZone: string,
  recurrence?: RecurringWindow['recurrence'],
): RecurringWindow {
  return { start: wall(start), end: wall(end), timeZone, recurrence };
}

const starts = (w: RecurringWindow, r = ALL) =>
  occurrencesBetween(w, r).map(o => iso(o.start));

describe('occurrencesBetween', () => {
  it('gives a one-off window only when it overlaps the range', () => {
    const launch = window('2026-05-01T08:00', '2026-05-01T20:00', 'UTC');
    expect(
      occurrencesBetween(
        launch,
        range('2026-05-01T19:00:00Z', '2026-05-02T00:00:00Z'),
      ),
    ).toEqual([
      {
        start: Date.parse('2026-05-01T08:00:00Z'),
        end: Date.parse('2026-05-01T20:00:00Z'),
      },
    ]);
    expect(
      occurrencesBetween(
        launch,
        range('2026-05-01T20:00:00Z', '2026-05-02T00:00:00Z'),
      ),
    ).toEqual([]);
    expect(
      occurrencesBetween(
        window('2026-05-01T08:00', '2026-05-01T08:00', 'UTC'),
        ALL,
      ),
    ).toEqual([]);
  });

  it('keeps a weekly window at its wall-clock times across the end of DST', () => {
    const weekend = window(
      '2026-10-16T18:00',
      '2026-10-19T06:00',
      'Europe/Berlin',
      {
        frequency: 'weekly',
      },
    );
    const found = occurrencesBetween(
      weekend,
      range('2026-10-20T00:00:00Z', '2026-11-03T00:00:00Z'),
    );
    expect(found.map(o => [iso(o.start), iso(o.end)])).toEqual([
      // Friday 18:00 CEST (UTC+2) to Monday 06:00 CET (UTC+1): 61 hours.
      ['2026-10-23T16:00:00.000Z', '2026-10-26T05:00:00.000Z'],
      ['2026-10-30T17:00:00.000Z', '2026-11-02T05:00:00.000Z'],
    ]);
  });

  it('keeps a daily window at its wall-clock time across the start of DST', () => {
    const nightly = window(
      '2026-03-01T22:00',
      '2026-03-01T23:30',
      'America/New_York',
      {
        frequency: 'daily',
      },
    );
    expect(
      starts(nightly, range('2026-03-07T00:00:00Z', '2026-03-09T12:00:00Z')),
    ).toEqual([
      '2026-03-07T03:00:00.000Z', // 22:00 EST on the 6th
      '2026-03-08T03:00:00.000Z', // 22:00 EST on the 7th
      '2026-03-09T02:00:00.000Z', // 22:00 EDT on the 8th
    ]);
  });

  it('keeps the wall-clock end on the night the clocks go forward', () => {
    // 01:00 to 04:00 every night: three hours, but two on 2026-03-29 in Berlin.
    const found = occurrencesBetween(
      window('2026-03-27T01:00', '2026-03-27T04:00', 'Europe/Berlin', {
        frequency: 'daily',
      }),
      range('2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z'),
    );
    expect(found.map(o => [iso(o.start), iso(o.end)])).toEqual([
      ['2026-03-29T00:00:00.000Z', '2026-03-29T02:00:00.000Z'],
      ['2026-03-29T23:00:00.000Z', '2026-03-30T02:00:00.000Z'],
    ]);
  });

  it('honours an interval and an exclusive until, and finds occurrences far from the first', () => {
    const everyOtherMonday = window(
      '2026-01-05T09:00',
      '2026-01-05T10:00',
      'UTC',
      {
        frequency: 'weekly',
        interval: 2,
        until: Date.parse('2027-01-18T09:00:00Z'),
      },
    );
    expect(
      starts(
        everyOtherMonday,
        range('2026-12-20T00:00:00Z', '2027-02-01T00:00:00Z'),
      ),
    ).toEqual(['2026-12-21T09:00:00.000Z', '2027-01-04T09:00:00.000Z']);
    // One millisecond later, 2027-01-18 starts before until.
    expect(
      starts(
        {
          ...everyOtherMonday,
          recurrence: {
            ...everyOtherMonday.recurrence!,
            until: Date.parse('2027-01-18T09:00:00.001Z'),
          },
        },
        range('2027-01-10T00:00:00Z', '2027-02-01T00:00:00Z'),
      ),
    ).toEqual(['2027-01-18T09:00:00.000Z']);
  });

  it('compares until with the zoned start of each occurrence', () => {
    // 22:00 in New York is 03:00 UTC the next day: until 2026-03-04T00:00Z
    // lets the 3rd's occurrence (03:00Z on the 4th) no longer through.
    const nightly = window(
      '2026-03-01T22:00',
      '2026-03-01T23:00',
      'America/New_York',
      {
        frequency: 'daily',
        until: Date.parse('2026-03-04T00:00:00Z'),
      },
    );
    expect(starts(nightly)).toEqual([
      '2026-03-02T03:00:00.000Z',
      '2026-03-03T03:00:00.000Z',
    ]);
  });

  it('leaves out excepted occurrences (EXDATE), at their wall-clock start', () => {
    const fridays = window(
      '2026-12-04T18:00',
      '2026-12-04T23:00',
      'Europe/Berlin',
      {
        frequency: 'weekly',
        except: [wall('2026-12-25T18:00'), wall('2026-12-26T18:00')],
      },
    );
    expect(
      starts(fridays, range('2026-12-01T00:00:00Z', '2027-01-05T00:00:00Z')),
    ).toEqual([
      '2026-12-04T17:00:00.000Z',
      '2026-12-11T17:00:00.000Z',
      '2026-12-18T17:00:00.000Z',
      // 2026-12-25 excepted; 2026-12-26 is no occurrence anyway.
      '2027-01-01T17:00:00.000Z',
    ]);
  });

  it('repeats weekly on the weekdays given, counting interval weeks from the first', () => {
    // Friday 2026-11-27 18:00 to Saturday 06:00, on Fridays and Saturdays.
    const fridaysAndSaturdays = window(
      '2026-11-27T18:00',
      '2026-11-28T06:00',
      'UTC',
      { frequency: 'weekly', weekdays: [5, 6] },
    );
    expect(
      starts(
        fridaysAndSaturdays,
        range('2026-11-01T00:00:00Z', '2026-12-06T00:00:00Z'),
      ),
    ).toEqual([
      '2026-11-27T18:00:00.000Z',
      '2026-11-28T18:00:00.000Z',
      '2026-12-04T18:00:00.000Z',
      '2026-12-05T18:00:00.000Z',
    ]);
    // Every other week from Wednesday 2026-12-02, on Mondays and Wednesdays.
    expect(
      starts(
        window('2026-12-02T09:00', '2026-12-02T10:00', 'UTC', {
          frequency: 'weekly',
          interval: 2,
          weekdays: [1, 3],
        }),
        range('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'),
      ),
    ).toEqual([
      '2026-12-02T09:00:00.000Z',
      '2026-12-07T09:00:00.000Z',
      '2026-12-16T09:00:00.000Z',
      '2026-12-21T09:00:00.000Z',
      '2026-12-30T09:00:00.000Z',
    ]);
  });

  it('keeps the first occurrence when the rule would not pick its day, once', () => {
    // A Wednesday start repeating on Fridays.
    expect(
      starts(
        window('2026-12-02T09:00', '2026-12-02T10:00', 'UTC', {
          frequency: 'weekly',
          weekdays: [5],
        }),
        range('2026-12-01T00:00:00Z', '2026-12-12T00:00:00Z'),
      ),
    ).toEqual([
      '2026-12-02T09:00:00.000Z',
      '2026-12-04T09:00:00.000Z',
      '2026-12-11T09:00:00.000Z',
    ]);
  });

  it('puts monthly windows on the 29th to 31st on the last day of shorter months', () => {
    const monthEnd = window('2026-01-31T00:00', '2026-02-01T00:00', 'UTC', {
      frequency: 'monthly',
    });
    expect(
      starts(monthEnd, range('2026-01-01T00:00:00Z', '2026-05-01T00:00:00Z')),
    ).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      '2026-04-30T00:00:00.000Z',
    ]);
    expect(
      starts(
        window('2026-01-30T00:00', '2026-01-30T12:00', 'UTC', {
          frequency: 'monthly',
        }),
        range('2026-02-01T00:00:00Z', '2026-04-01T00:00:00Z'),
      ),
    ).toEqual(['2026-02-28T00:00:00.000Z', '2026-03-30T00:00:00.000Z']);
    // Yearly on 29 February: the 28th in common years.
    expect(
      starts(
        window('2028-02-29T08:00', '2028-02-29T09:00', 'UTC', {
          frequency: 'yearly',
        }),
        range('2028-01-01T00:00:00Z', '2032-12-31T00:00:00Z'),
      ).map(s => s.slice(0, 10)),
    ).toEqual([
      '2028-02-29',
      '2029-02-28',
      '2030-02-28',
      '2031-02-28',
      '2032-02-29',
    ]);
  });

  it('includes an occurrence that started before the range and still runs', () => {
    const week = window('2026-11-23T09:00', '2026-11-30T09:00', 'UTC', {
      frequency: 'weekly',
      interval: 3,
    });
    expect(
      starts(week, range('2026-11-29T00:00:00Z', '2027-01-01T00:00:00Z')),
    ).toEqual(['2026-11-23T09:00:00.000Z', '2026-12-14T09:00:00.000Z']);
  });

  it(`stops at ${MAX_OCCURRENCES} occurrences`, () => {
    const hourlyish = window('2000-01-01T00:00', '2000-01-01T01:00', 'UTC', {
      frequency: 'daily',
    });
    expect(occurrencesBetween(hourlyish, ALL)).toHaveLength(MAX_OCCURRENCES);
  });
});
