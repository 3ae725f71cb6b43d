import { formatDuration, formatVeeamDate, parseVeeamDate } from './dates';

describe('Veeam dates', () => {
  it('formats in server time with offset and only the fraction digits needed', () => {
    expect(formatVeeamDate(Date.parse('2026-03-10T12:00:00.000Z'))).toBe(
      '2026-03-10T13:00:00+01:00',
    );
    expect(formatVeeamDate(Date.parse('2026-03-10T23:30:00.520Z'))).toBe(
      '2026-03-11T00:30:00.52+01:00',
    );
    expect(formatVeeamDate(Date.parse('2026-03-10T12:00:00.007Z'))).toBe(
      '2026-03-10T13:00:00.007+01:00',
    );
  });

  it('parses what clients send as filters', () => {
    const instant = Date.parse('2026-03-10T12:00:00Z');
    expect(parseVeeamDate('2026-03-10T13:00:00+01:00')).toBe(instant);
    expect(parseVeeamDate('2026-03-10T12:00:00.0000000Z')).toBe(instant);
    expect(parseVeeamDate('2026-03-10T13:00:00')).toBe(instant); // server local time
    expect(parseVeeamDate('2026-03-10')).toBe(
      Date.parse('2026-03-09T23:00:00Z'),
    );
    expect(parseVeeamDate('yesterday')).toBeUndefined();
    expect(parseVeeamDate('2026-13-45T00:00:00Z')).toBeUndefined();
  });

  it('formats durations as hh:mm:ss', () => {
    expect(formatDuration((26 * 60 + 4) * 1000)).toBe('00:26:04');
    expect(formatDuration(-5)).toBe('00:00:00');
  });
});
