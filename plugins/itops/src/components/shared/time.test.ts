import { Settings } from 'luxon';
import {
  formatAge,
  formatDateTime,
  formatDuration,
  formatPercent,
  formatRelative,
  formatTime,
  formatTimeRange,
  todayIn,
} from './time';

/** ICU writes narrow and thin no-break spaces around "PM" and "–". */
const plain = (text: string) => text.replace(/[\u202f\u2009]/g, ' ');

describe('time formatting', () => {
  const zone = Settings.defaultZone;
  const locale = Settings.defaultLocale;
  afterEach(() => {
    Settings.defaultZone = zone;
    Settings.defaultLocale = locale;
  });

  it('shows date-times in the user zone', () => {
    Settings.defaultLocale = 'en-US';
    Settings.defaultZone = 'Europe/Berlin';
    expect(formatDateTime('2026-11-25T09:00:00Z')).toBe(
      'Nov 25, 2026, 10:00 AM',
    );
    Settings.defaultZone = 'America/New_York';
    expect(formatDateTime('2026-11-25T09:00:00Z')).toBe(
      'Nov 25, 2026, 4:00 AM',
    );
  });

  it('keeps the two largest units of a duration', () => {
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration((3 * 60 + 20) * 60_000)).toBe('3 h 20 min');
    expect(formatDuration(((2 * 24 + 4) * 60 + 59) * 60_000)).toBe('2 d 4 h');
    expect(formatDuration(2 * 24 * 3_600_000 + 5 * 60_000)).toBe('2 d');
  });

  it('describes ages and relative times from now', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(formatAge('2026-11-25T10:30:00Z', now)).toBe('1 h 30 min');
    Settings.defaultLocale = 'en-US';
    expect(formatRelative('2026-11-25T15:00:00Z', now)).toBe('in 3 hours');
    expect(formatRelative('2026-11-23T12:00:00Z', now)).toBe('2 days ago');
  });

  it('rounds percentages', () => {
    expect(formatPercent(0.9749)).toBe('97 %');
    expect(formatPercent(0)).toBe('0 %');
  });

  it('takes the hour cycle from the locale alone', () => {
    Settings.defaultZone = 'UTC';
    Settings.defaultLocale = 'en-US';
    expect(plain(formatTime('2026-12-07T14:05:00Z'))).toBe('2:05 PM');
    expect(plain(formatDateTime('2026-12-07T14:05:00Z'))).toMatch(/2:05 PM$/);
    Settings.defaultLocale = 'de-DE';
    expect(formatTime('2026-12-07T14:05:00Z')).toBe('14:05');
    expect(formatDateTime('2026-12-07T14:05:00Z')).toMatch(/14:05$/);
    expect(formatDateTime('2026-12-07T14:05:00Z')).not.toMatch(/PM/);
  });

  it.each([
    ['UTC', 'Dec 18, 11:00 PM – Dec 19, 1:00 AM', '2026-12-18'],
    ['Europe/Berlin', 'Dec 19, 12:00 – 2:00 AM', '2026-12-19'],
    ['America/Los_Angeles', 'Dec 18, 3:00 – 5:00 PM', '2026-12-18'],
    ['Asia/Kolkata', 'Dec 19, 4:30 – 6:30 AM', '2026-12-19'],
  ])(
    'writes a window across midnight UTC in %s on the local days',
    (userZone, text, startDay) => {
      Settings.defaultLocale = 'en-US';
      Settings.defaultZone = userZone;
      const start = '2026-12-18T23:00:00Z';
      expect(plain(formatTimeRange(start, '2026-12-19T01:00:00Z'))).toBe(text);
      expect(todayIn(userZone)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(
        formatTimeRange(start, undefined).startsWith(
          startDay === '2026-12-18' ? 'Dec 18' : 'Dec 19',
        ),
      ).toBe(true);
    },
  );
});
