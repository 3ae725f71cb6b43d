import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DateTime, Settings } from 'luxon';
import { WeekView } from './WeekView';
import type {
  ItopsCalendarChange,
  ItopsCalendarDay,
  ItopsFreezeWindow,
} from './types';

function change(
  number: string,
  plannedStart: string,
  plannedEnd: string,
): ItopsCalendarChange {
  return {
    id: number,
    sourceType: 'servicenow',
    sourceInstance: 'demo',
    externalId: number,
    number,
    title: `Change ${number}`,
    type: 'normal',
    state: 'scheduled',
    plannedStart,
    plannedEnd,
    entityRefs: [],
    conflictCount: 0,
    freezes: [],
  };
}

const CHANGES = [
  change('CHG1', '2026-12-16T10:00:00Z', '2026-12-16T12:00:00Z'),
  change('CHG2', '2026-12-16T11:00:00Z', '2026-12-16T13:00:00Z'),
  // Crosses midnight in every zone tested but Kolkata and LA.
  change('CHG3', '2026-12-16T22:00:00Z', '2026-12-17T02:00:00Z'),
];

/** The year-end freeze from 19 Dec 00:00 Berlin time. */
const FREEZE: ItopsFreezeWindow = {
  sourceType: 'config',
  sourceInstance: 'config',
  externalId: 'year-end',
  name: 'Year-end freeze',
  start: '2026-12-18T23:00:00.000Z',
  end: '2027-01-03T23:00:00.000Z',
  global: true,
  entityRefs: [],
};

/** The week of 14–20 Dec in `zone`, each day with the changes touching it. */
function week(zone: string): ItopsCalendarDay[] {
  return Array.from({ length: 7 }, (_, i) => {
    const start = DateTime.fromISO('2026-12-14', { zone }).plus({ days: i });
    const end = start.plus({ days: 1 });
    const items = CHANGES.filter(
      c =>
        Date.parse(c.plannedStart) < end.toMillis() &&
        Date.parse(c.plannedEnd!) > start.toMillis(),
    );
    return {
      date: start.toISODate()!,
      start: start.toISO()!,
      end: end.toISO()!,
      total: items.length,
      items,
    };
  });
}

const hoursIn = (date: string, testId: string) =>
  within(screen.getByTestId(`day-${date}`))
    .queryAllByTestId(testId)
    .map(el => el.getAttribute('data-hours'));

describe('WeekView', () => {
  const defaults = {
    zone: Settings.defaultZone,
    locale: Settings.defaultLocale,
    now: Settings.now,
  };
  beforeEach(() => {
    Settings.defaultLocale = 'en-US';
    Settings.now = () => Date.parse('2026-12-16T09:00:00Z');
  });
  afterEach(() => {
    Settings.defaultZone = defaults.zone;
    Settings.defaultLocale = defaults.locale;
    Settings.now = defaults.now;
  });

  it.each([
    // zone, CHG1 on the 16th, CHG3 on the 16th and the 17th, freeze on the 18th/19th
    ['UTC', '10-12', ['22-24'], ['0-2'], ['23-24'], ['0-24']],
    ['Europe/Berlin', '11-13', ['23-24'], ['0-3'], [], ['0-24']],
    ['America/Los_Angeles', '2-4', ['14-18'], [], ['15-24'], ['0-24']],
    ['Asia/Kolkata', '15.5-17.5', [], ['3.5-7.5'], [], ['4.5-24']],
  ])(
    'in %s places changes and freezes at their local hours',
    async (zone, chg1, chg3On16, chg3On17, freeze18, freeze19) => {
      Settings.defaultZone = zone;
      await renderInTestApp(
        <WeekView
          days={week(zone)}
          today="2026-12-16"
          zone={zone}
          freezes={[FREEZE]}
          onOpen={() => {}}
          onDay={() => {}}
          onNavigate={() => {}}
        />,
      );
      expect(hoursIn('2026-12-16', 'block-CHG1')).toEqual([chg1]);
      expect(hoursIn('2026-12-16', 'block-CHG3')).toEqual(chg3On16);
      expect(hoursIn('2026-12-17', 'block-CHG3')).toEqual(chg3On17);
      expect(hoursIn('2026-12-18', 'freeze-2026-12-18')).toEqual(freeze18);
      expect(hoursIn('2026-12-19', 'freeze-2026-12-19')).toEqual(freeze19);
      expect(hoursIn('2026-12-17', 'freeze-2026-12-17')).toEqual([]);
      // CHG1 and CHG2 overlap: side by side, half the column each.
      const blocks = ['CHG1', 'CHG2'].map(n =>
        screen.getByTestId(`block-${n}`),
      );
      expect(blocks.map(b => b.getAttribute('data-column'))).toEqual([
        '0/2',
        '1/2',
      ]);
      expect(blocks[1]).toHaveStyle({ left: '50%', width: '50%' });
      expect(
        screen.getByRole('gridcell', {
          name: /^Wednesday, December 16, 2026, today, [23] changes\. .*CHG1 Change CHG1/,
        }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('columnheader', { name: /Wed, Dec 16 · Today/ }),
      ).toBeInTheDocument();
    },
  );

  it('moves the focus by keyboard, one tab stop, into the next week past the edge', async () => {
    Settings.defaultZone = 'UTC';
    const onNavigate = jest.fn();
    const onDay = jest.fn();
    const onOpen = jest.fn();
    await renderInTestApp(
      <>
        <button type="button">before</button>
        <WeekView
          days={week('UTC').map(day =>
            day.date === '2026-12-18' ? { ...day, total: 4 } : day,
          )}
          today="2026-12-16"
          zone="UTC"
          freezes={[FREEZE]}
          selected="2026-12-15"
          onOpen={onOpen}
          onDay={onDay}
          onNavigate={onNavigate}
        />
      </>,
    );
    const cell = (date: string) => screen.getByTestId(`day-${date}`);
    const cells = screen.getAllByRole('gridcell');
    // One cell in the tab order: the selected day.
    expect(cells.filter(c => c.tabIndex === 0)).toEqual([cell('2026-12-15')]);
    await userEvent.click(screen.getByRole('button', { name: 'before' }));
    await userEvent.tab();
    expect(cell('2026-12-15')).toHaveFocus();
    await userEvent.keyboard('{ArrowRight}');
    expect(cell('2026-12-16')).toHaveFocus();
    expect(cell('2026-12-16').tabIndex).toBe(0);
    expect(cell('2026-12-15').tabIndex).toBe(-1);
    expect(
      within(cell('2026-12-16')).queryByRole('button', { name: /more/ }),
    ).toBeNull();
    // Tab goes into the focused day's changes, not to every chip.
    await userEvent.tab();
    expect(screen.getByTestId('change-CHG1')).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onOpen).toHaveBeenCalledWith('CHG1');
    await userEvent.keyboard('{End}');
    expect(cell('2026-12-20')).toHaveFocus();
    await userEvent.keyboard('{Home}');
    expect(cell('2026-12-14')).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onDay).toHaveBeenCalledWith('2026-12-14');
    await userEvent.keyboard('{ArrowLeft}');
    expect(onNavigate).toHaveBeenLastCalledWith('2026-12-13');
    // A day with more changes than the page holds links to the rest.
    await userEvent.click(
      within(cell('2026-12-18')).getByRole('button', { name: '+4 more' }),
    );
    expect(onDay).toHaveBeenLastCalledWith('2026-12-18');
    await userEvent.keyboard('{End}{ArrowDown}');
    expect(onNavigate).toHaveBeenLastCalledWith('2026-12-27');
  });
});
