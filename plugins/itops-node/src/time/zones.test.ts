import {
  formatInZone,
  isKnownTimeZone,
  millisToWallTime,
  wallTimeToMillis,
} from './zones';

const iso = (ms: number) => new Date(ms).toISOString();

describe('time zones', () => {
  it('knows which time zones exist', () => {
    for (const zone of ['Europe/Berlin', 'UTC', 'GMT', 'US/Pacific']) {
      expect(isKnownTimeZone(zone)).toBe(true);
    }
    for (const zone of ['Mars/Olympus', '', 'floating', 'Europe/Berlin ']) {
      expect(isKnownTimeZone(zone)).toBe(false);
    }
  });

  it('places wall-clock times in their zone, in winter and summer', () => {
    const wall = { year: 2026, month: 12, day: 15, hour: 22 };
    expect(iso(wallTimeToMillis(wall, 'Europe/Berlin'))).toBe(
      '2026-12-15T21:00:00.000Z',
    );
    expect(iso(wallTimeToMillis({ ...wall, month: 7 }, 'Europe/Berlin'))).toBe(
      '2026-07-15T20:00:00.000Z',
    );
    expect(iso(wallTimeToMillis(wall, 'UTC'))).toBe('2026-12-15T22:00:00.000Z');
    expect(wallTimeToMillis(wall, 'Mars/Olympus')).toBeNaN();
  });

  it('moves a wall time that DST skips forward, and takes the later of a repeated one', () => {
    // 2026-03-08 02:30 does not exist in New York: 03:30 EDT.
    expect(
      iso(
        wallTimeToMillis(
          { year: 2026, month: 3, day: 8, hour: 2, minute: 30 },
          'America/New_York',
        ),
      ),
    ).toBe('2026-03-08T07:30:00.000Z');
    // 2026-10-25 02:30 happens twice in Berlin: taken as CET (UTC+1).
    expect(
      iso(
        wallTimeToMillis(
          { year: 2026, month: 10, day: 25, hour: 2, minute: 30 },
          'Europe/Berlin',
        ),
      ),
    ).toBe('2026-10-25T01:30:00.000Z');
  });

  it('reads the wall clock of an instant', () => {
    expect(
      millisToWallTime(Date.parse('2026-03-10T00:30:00Z'), 'America/New_York'),
    ).toEqual({
      year: 2026,
      month: 3,
      day: 9,
      hour: 20,
      minute: 30,
      second: 0,
      millisecond: 0,
    });
  });

  it('formats instants in a zone, cutting what is not shown', () => {
    const at = Date.parse('2026-03-10T11:59:59.900Z');
    expect(formatInZone(at, 'UTC', 'yyyy/MM/dd HH:mm')).toBe(
      '2026/03/10 11:59',
    );
    expect(formatInZone(at, 'Europe/Berlin', 'yyyy/MM/dd HH:mm')).toBe(
      '2026/03/10 12:59',
    );
    expect(
      formatInZone(
        Date.parse('2026-03-10T00:30:00Z'),
        'America/New_York',
        'yyyy/MM/dd HH:mm',
      ),
    ).toBe('2026/03/09 20:30');
  });
});
