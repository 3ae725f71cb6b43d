import { formatJqlDate, parseJiraTime } from './time';

describe('Jira times', () => {
  it('reads offsets without a colon and normalizes to UTC', () => {
    expect(parseJiraTime('2025-03-04T10:20:30.123+0000')).toBe(
      '2025-03-04T10:20:30.123Z',
    );
    expect(parseJiraTime('2025-03-04T12:20:30.123+0200')).toBe(
      '2025-03-04T10:20:30.123Z',
    );
    expect(parseJiraTime('2025-03-04T05:50:30.000-0430')).toBe(
      '2025-03-04T10:20:30.000Z',
    );
  });

  it('gives undefined for null, empty and unreadable values', () => {
    expect(parseJiraTime(null)).toBeUndefined();
    expect(parseJiraTime('')).toBeUndefined();
    expect(parseJiraTime('yesterday')).toBeUndefined();
    // Lenient platform parsing would read these; Jira never writes them.
    expect(parseJiraTime('03/01/2026')).toBeUndefined();
    expect(parseJiraTime('2026-03-01')).toBeUndefined();
    expect(parseJiraTime('2026-03-01T10:00:00.000Z')).toBe(
      '2026-03-01T10:00:00.000Z',
    );
  });

  it('writes JQL dates in the user time zone, rounded down to the minute', () => {
    const at = Date.parse('2026-03-10T11:59:59.900Z');
    expect(formatJqlDate(at, 'UTC')).toBe('2026/03/10 11:59');
    expect(formatJqlDate(at, 'Europe/Berlin')).toBe('2026/03/10 12:59');
    expect(
      formatJqlDate(Date.parse('2026-03-10T00:30:00Z'), 'America/New_York'),
    ).toBe('2026/03/09 20:30');
  });
});
