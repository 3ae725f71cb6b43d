import { freezeSegments, layoutDay } from './weekLayout';
import type { ItopsCalendarChange, ItopsFreezeWindow } from './types';

function change(
  number: string,
  plannedStart: string,
  plannedEnd?: string,
): ItopsCalendarChange {
  return {
    id: number,
    sourceType: 'servicenow',
    sourceInstance: 'demo',
    externalId: number,
    number,
    title: number,
    type: 'normal',
    state: 'scheduled',
    plannedStart,
    plannedEnd,
    entityRefs: [],
    conflictCount: 0,
    freezes: [],
  };
}

function freeze(start: string, end: string): ItopsFreezeWindow {
  return {
    sourceType: 'config',
    sourceInstance: 'config',
    externalId: 'f',
    name: 'Freeze',
    start,
    end,
    global: true,
    entityRefs: [],
  };
}

/** `number top-bottom` per block, the shape a reader checks the axis by. */
const hours = (changes: ItopsCalendarChange[], date: string, zone: string) =>
  layoutDay(changes, date, zone).map(
    s => `${s.change.number} ${s.top}-${s.bottom}`,
  );

describe('layoutDay', () => {
  const deploy = change(
    'CHG1',
    '2026-12-10T10:00:00.000Z',
    '2026-12-10T12:00:00.000Z',
  );

  it.each([
    ['UTC', '2026-12-10', 'CHG1 10-12'],
    ['Europe/Berlin', '2026-12-10', 'CHG1 11-13'],
    ['America/Los_Angeles', '2026-12-10', 'CHG1 2-4'],
    ['Asia/Kolkata', '2026-12-10', 'CHG1 15.5-17.5'],
  ])('places a change at its local hours in %s', (zone, date, expected) => {
    expect(hours([deploy], date, zone)).toEqual([expected]);
  });

  it.each([
    // zone, [day, blocks on it] for the 10th and the 11th
    ['UTC', ['CHG2 22-24'], ['CHG2 0-2']],
    ['Europe/Berlin', ['CHG2 23-24'], ['CHG2 0-3']],
    ['America/Los_Angeles', ['CHG2 14-18'], []],
    ['Asia/Kolkata', [], ['CHG2 3.5-7.5']],
  ])(
    'splits a change crossing midnight in %s at local midnight',
    (zone, tenth, eleventh) => {
      const overnight = change(
        'CHG2',
        '2026-12-10T22:00:00.000Z',
        '2026-12-11T02:00:00.000Z',
      );
      expect(hours([overnight], '2026-12-10', zone)).toEqual(tenth);
      expect(hours([overnight], '2026-12-11', zone)).toEqual(eleventh);
    },
  );

  it('keeps wall-clock hours on the spring-forward day in Berlin (2026-03-29)', () => {
    // 01:30 CET to 03:30 CEST: one hour elapsed, drawn from 1.5 to 3.5 so
    // that it lines up with the axis; 02:00–03:00 does not exist that day.
    const overGap = change(
      'CHG3',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
    );
    const evening = change(
      'CHG4',
      '2026-03-29T20:00:00.000Z',
      '2026-03-29T21:00:00.000Z',
    );
    expect(hours([overGap, evening], '2026-03-29', 'Europe/Berlin')).toEqual([
      'CHG3 1.5-3.5',
      'CHG4 22-23',
    ]);
  });

  it('keeps wall-clock hours on the fall-back day in Los Angeles (2026-11-01)', () => {
    const zone = 'America/Los_Angeles';
    // 01:30 PDT and 01:30 PST are an hour apart but the same on the axis;
    // drawn in the same place they overlap and so sit side by side.
    const first = change('CHG5', '2026-11-01T08:30:00.000Z');
    const second = change('CHG6', '2026-11-01T09:30:00.000Z');
    const afterShift = change(
      'CHG7',
      '2026-11-01T10:00:00.000Z',
      '2026-11-01T11:00:00.000Z',
    );
    const blocks = layoutDay([first, second, afterShift], '2026-11-01', zone);
    expect(blocks.map(b => `${b.change.number} ${b.top}-${b.bottom}`)).toEqual([
      'CHG5 1.5-2',
      'CHG6 1.5-2',
      'CHG7 2-3',
    ]);
    expect(blocks.map(b => `${b.column}/${b.columns}`)).toEqual([
      '0/2',
      '1/2',
      '0/1',
    ]);
  });

  it('puts overlapping changes side by side and others full width', () => {
    const blocks = layoutDay(
      [
        change('A', '2026-12-10T10:00:00Z', '2026-12-10T12:00:00Z'),
        change('B', '2026-12-10T11:00:00Z', '2026-12-10T13:00:00Z'),
        change('C', '2026-12-10T12:00:00Z', '2026-12-10T14:00:00Z'),
        change('D', '2026-12-10T15:00:00Z', '2026-12-10T16:00:00Z'),
        change('E', '2026-12-10T09:00:00Z', '2026-12-10T17:00:00Z'),
      ],
      '2026-12-10',
      'UTC',
    );
    expect(
      Object.fromEntries(
        blocks.map(b => [b.change.number, `${b.column}/${b.columns}`]),
      ),
    ).toEqual({ E: '0/3', A: '1/3', B: '2/3', C: '1/3', D: '1/3' });
  });

  it('draws a change without an end as half an hour, inside the day', () => {
    expect(
      hours([change('P', '2026-12-10T23:50:00Z')], '2026-12-10', 'UTC'),
    ).toEqual(['P 23.5-24']);
  });
});

describe('freezeSegments', () => {
  it('shades the hours a freeze covers in the zone', () => {
    const window = freeze('2026-12-10T14:00:00Z', '2026-12-11T06:00:00Z');
    const of = (date: string, zone: string) =>
      freezeSegments([window], date, zone).map(s => `${s.top}-${s.bottom}`);
    expect(of('2026-12-10', 'UTC')).toEqual(['14-24']);
    expect(of('2026-12-11', 'UTC')).toEqual(['0-6']);
    expect(of('2026-12-10', 'Europe/Berlin')).toEqual(['15-24']);
    expect(of('2026-12-10', 'America/Los_Angeles')).toEqual(['6-22']);
    expect(of('2026-12-11', 'America/Los_Angeles')).toEqual([]);
    expect(of('2026-12-10', 'Asia/Kolkata')).toEqual(['19.5-24']);
    expect(of('2026-12-11', 'Asia/Kolkata')).toEqual(['0-11.5']);
  });

  it('shades a whole 23-hour and 25-hour day, and not its neighbours', () => {
    // Local midnight to midnight over each DST change.
    const berlin = freeze('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z');
    const la = freeze('2026-11-01T07:00:00Z', '2026-11-02T08:00:00Z');
    const of = (w: ItopsFreezeWindow, date: string, zone: string) =>
      freezeSegments([w], date, zone).map(s => `${s.top}-${s.bottom}`);
    expect(of(berlin, '2026-03-28', 'Europe/Berlin')).toEqual([]);
    expect(of(berlin, '2026-03-29', 'Europe/Berlin')).toEqual(['0-24']);
    expect(of(berlin, '2026-03-30', 'Europe/Berlin')).toEqual([]);
    expect(of(la, '2026-10-31', 'America/Los_Angeles')).toEqual([]);
    expect(of(la, '2026-11-01', 'America/Los_Angeles')).toEqual(['0-24']);
    expect(of(la, '2026-11-02', 'America/Los_Angeles')).toEqual([]);
  });
});
