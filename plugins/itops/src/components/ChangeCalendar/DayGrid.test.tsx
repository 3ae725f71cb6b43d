import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { DateTime, Settings } from 'luxon';
import { DayGrid } from './DayGrid';
import type {
  ItopsCalendarChange,
  ItopsCalendarDay,
  ItopsFreezeWindow,
} from './types';

/** The year-end freeze of the demo config: 19 Dec 00:00 Berlin time. */
const freeze: ItopsFreezeWindow = {
  sourceType: 'config',
  sourceInstance: 'config',
  externalId: 'year-end',
  name: 'Year-end freeze',
  start: '2026-12-18T23:00:00.000Z',
  end: '2027-01-03T23:00:00.000Z',
  global: true,
  entityRefs: [],
  timeZone: 'Europe/Berlin',
};

const change: ItopsCalendarChange = {
  id: '1',
  sourceType: 'servicenow',
  sourceInstance: 'demo',
  externalId: 'c1',
  number: 'CHG0000001',
  title: 'Late deploy',
  type: 'normal',
  state: 'scheduled',
  plannedStart: '2026-12-18T23:30:00.000Z',
  entityRefs: [],
  conflictCount: 0,
  freezes: [],
};

/**
 * The week of 14–20 Dec as the API lays it out, with the change on the day
 * it starts in `zone`; start and end deliberately in UTC, as an answer
 * computed for another zone would be.
 */
function week(zone: string): ItopsCalendarDay[] {
  const changeDay = DateTime.fromISO(change.plannedStart, { zone }).toISODate();
  return Array.from({ length: 7 }, (_, i) => {
    const date = DateTime.fromISO('2026-12-14', { zone: 'UTC' }).plus({
      days: i,
    });
    const iso = date.toISODate()!;
    return {
      date: iso,
      start: date.toISO()!,
      end: date.plus({ days: 1 }).toISO()!,
      total: iso === changeDay ? 1 : 0,
      items: iso === changeDay ? [change] : [],
    };
  });
}

const plain = (text: string | null) =>
  (text ?? '').replace(/[\u202f\u2009]/g, ' ');

describe('DayGrid in the user time zone', () => {
  const defaults = {
    zone: Settings.defaultZone,
    locale: Settings.defaultLocale,
  };
  afterEach(() => {
    Settings.defaultZone = defaults.zone;
    Settings.defaultLocale = defaults.locale;
  });

  it.each([
    // zone, first frozen day, where the change sits and its time there
    ['UTC', '2026-12-18', '2026-12-18', '11:30 PM'],
    ['Europe/Berlin', '2026-12-19', '2026-12-19', '12:30 AM'],
    ['America/Los_Angeles', '2026-12-18', '2026-12-18', '3:30 PM'],
    ['Asia/Kolkata', '2026-12-19', '2026-12-19', '5:00 AM'],
  ])(
    'in %s shades the freeze from %s and shows the change on %s at %s',
    async (zone, firstFrozen, changeDay, time) => {
      Settings.defaultZone = zone;
      Settings.defaultLocale = 'en-US';
      await renderInTestApp(
        <DayGrid
          variant="week"
          days={week(zone)}
          today="2026-12-14"
          zone={zone}
          freezes={[freeze]}
          onOpen={() => {}}
          onMore={() => {}}
        />,
      );
      const frozenDays = week(zone)
        .map(day => day.date)
        .filter(date =>
          within(screen.getByTestId(`day-${date}`)).queryByText(
            'Year-end freeze',
          ),
        );
      expect(frozenDays[0]).toBe(firstFrozen);
      expect(frozenDays).toEqual(
        week(zone)
          .map(day => day.date)
          .filter(date => date >= firstFrozen),
      );
      const chip = within(screen.getByTestId(`day-${changeDay}`)).getByTestId(
        'change-CHG0000001',
      );
      expect(plain(chip.textContent)).toContain(`${time} CHG0000001`);
      expect(plain(chip.textContent)).not.toContain('since');
    },
  );
});
