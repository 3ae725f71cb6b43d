import {
  filtersOf,
  parseCalendarState,
  periodLabel,
  periodOf,
  serializeCalendarState,
  shiftDate,
} from './calendarState';

describe('calendar URL state', () => {
  it('defaults to this month and my teams, and survives a round trip', () => {
    const state = parseCalendarState(new URLSearchParams(''), '2026-12-10');
    expect(state).toMatchObject({
      view: 'month',
      date: '2026-12-10',
      owner: 'mine',
      q: '',
    });
    const params = new URLSearchParams(
      'view=week&date=2026-11-03&owner=all&type=emergency,normal&q=db&change=42&system=system:default/payments',
    );
    const parsed = parseCalendarState(params, '2026-12-10');
    expect(parsed).toMatchObject({
      view: 'week',
      owner: 'all',
      type: ['emergency', 'normal'],
      system: ['system:default/payments'],
      q: 'db',
      change: '42',
    });
    expect(parseCalendarState(serializeCalendarState(parsed), 'x')).toEqual(
      parsed,
    );
  });

  it('ignores an unknown view or an invalid date', () => {
    const state = parseCalendarState(
      new URLSearchParams('view=year&date=soon'),
      '2026-12-10',
    );
    expect(state).toMatchObject({ view: 'month', date: '2026-12-10' });
  });

  it('turns "my teams" into the user groups, and none into every owner', () => {
    const state = parseCalendarState(new URLSearchParams(''), '2026-12-10');
    expect(filtersOf(state, ['group:default/sre']).owner).toEqual([
      'group:default/sre',
    ]);
    expect(filtersOf(state, []).owner).toEqual([]);
    expect(
      filtersOf({ ...state, owner: 'all' }, ['group:default/sre']).owner,
    ).toEqual([]);
  });

  it('shows whole weeks from Monday for a month, and navigates by period', () => {
    const { start, end } = periodOf('month', '2026-12-10', 'Europe/Berlin');
    expect(start.toISO()).toBe('2026-11-30T00:00:00.000+01:00');
    expect(end.toISO()).toBe('2027-01-04T00:00:00.000+01:00');
    expect(periodOf('week', '2026-12-10', 'UTC').start.toISODate()).toBe(
      '2026-12-07',
    );
    expect(shiftDate('month', '2026-01-31', 1)).toBe('2026-02-28');
    expect(shiftDate('week', '2026-12-10', -1)).toBe('2026-12-03');
    expect(shiftDate('agenda', '2026-12-10', 1)).toBe('2026-12-24');
    expect(periodLabel('month', '2026-12-10', 'UTC')).toBe('December 2026');
    expect(periodLabel('week', '2026-12-10', 'UTC')).toBe(
      '7 Dec – 13 Dec 2026',
    );
  });
});
