import { JqlError } from './errors';
import { parseDateValue, resolveDate } from './dates';

// A Tuesday.
const now = Date.parse('2026-03-10T12:34:56.000Z');
const at = (iso: string) => Date.parse(iso);

describe('JQL dates', () => {
  it.each([
    ['2026-01-02', '2026-01-02T00:00:00Z'],
    ['2026/1/2', '2026-01-02T00:00:00Z'],
    ['2026-01-02 10:00', '2026-01-02T10:00:00Z'],
    ['-7d', '2026-03-03T12:34:56Z'],
    ['-4w', '2026-02-10T12:34:56Z'],
    ['-1h', '2026-03-10T11:34:56Z'],
    ['2d', '2026-03-12T12:34:56Z'],
    ['-1w 2d', '2026-03-01T12:34:56Z'],
  ])('reads %j', (value, expected) => {
    expect(parseDateValue(value, now, 'created')).toBe(at(expected));
  });

  it.each(['yesterday', '2026-02-30', '2026-01-02 25:00', '-7x'])(
    'rejects %j',
    value => {
      expect(() => parseDateValue(value, now, 'created')).toThrow(JqlError);
    },
  );

  it.each([
    ['now', [], '2026-03-10T12:34:56Z'],
    ['startOfDay', [], '2026-03-10T00:00:00Z'],
    ['startOfDay', ['-1'], '2026-03-09T00:00:00Z'],
    ['endOfDay', [], '2026-03-10T23:59:59.999Z'],
    ['startOfWeek', [], '2026-03-09T00:00:00Z'],
    ['startOfMonth', ['-1'], '2026-02-01T00:00:00Z'],
    ['startOfDay', ['-2h'], '2026-03-09T22:00:00Z'],
  ])('resolves %s(%j)', (name, args, expected) => {
    expect(
      resolveDate(
        { kind: 'function', name, args, position: 0 },
        now,
        'created',
      ),
    ).toBe(at(expected));
  });

  it('names unknown functions as Jira does', () => {
    expect(() =>
      resolveDate(
        { kind: 'function', name: 'someday', args: ['1'], position: 0 },
        now,
        'created',
      ),
    ).toThrow("Unable to find JQL function 'someday(1)'.");
  });
});
