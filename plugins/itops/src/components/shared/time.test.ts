import { Settings } from 'luxon';
import {
  formatAge,
  formatDateTime,
  formatDuration,
  formatPercent,
  formatRelative,
} from './time';

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
});
