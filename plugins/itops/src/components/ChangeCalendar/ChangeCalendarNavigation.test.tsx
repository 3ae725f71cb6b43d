import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Settings } from 'luxon';
import { location, render, server, WAIT } from './__testUtils__/calendarApp';

describe('ChangeCalendarContent navigation', () => {
  registerMswTestHooks(server);
  beforeAll(() => {
    Settings.defaultZone = 'UTC';
    Settings.now = () => Date.parse('2026-12-10T08:00:00Z');
  });
  afterAll(() => {
    Settings.defaultZone = 'system';
    Settings.now = () => Date.now();
  });

  it('switches views and periods, keeping them in the URL', async () => {
    const { requests } = await render('?view=month&date=2026-12-10');
    await screen.findByTestId('day-2026-12-10', {}, WAIT);

    await userEvent.click(screen.getByRole('button', { name: 'Week' }));
    await waitFor(() => expect(location().get('view')).toBe('week'), WAIT);
    expect(screen.getByTestId('period')).toHaveTextContent(
      '7 Dec – 13 Dec 2026',
    );
    await waitFor(
      () =>
        expect(requests[requests.length - 1].searchParams.get('perDay')).toBe(
          '20',
        ),
      WAIT,
    );

    await userEvent.click(screen.getByRole('button', { name: 'next period' }));
    await waitFor(
      () => expect(location().get('date')).toBe('2026-12-17'),
      WAIT,
    );
    expect(screen.getByTestId('period')).toHaveTextContent(
      '14 Dec – 20 Dec 2026',
    );

    await userEvent.click(screen.getByRole('button', { name: 'Today' }));
    await waitFor(
      () => expect(location().get('date')).toBe('2026-12-10'),
      WAIT,
    );
  });

  it('moves through the month by keyboard, opens a change with Enter and returns focus on Escape', async () => {
    await render('?view=month&date=2026-12-10');
    const tenth = await screen.findByTestId('day-2026-12-10', {}, WAIT);
    expect(tenth).toHaveAttribute('tabindex', '0');
    // The name starts with the day in words, then what the cell shows.
    expect(tenth).toHaveAccessibleName(
      /^Thursday, December 10, 2026, today, 7 changes, freeze: Payments blackout\. 10:00\sAM CHG0001 Upgrade database/,
    );
    expect(tenth).not.toHaveAttribute('aria-label');
    tenth.focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(screen.getByTestId('day-2026-12-11')).toHaveFocus();
    await userEvent.keyboard('{ArrowUp}');
    expect(screen.getByTestId('day-2026-12-04')).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}{ArrowLeft}');
    expect(tenth).toHaveFocus();

    // Into the change of the focused day, Enter opens it, Escape closes it
    // and gives the focus back to the change.
    await userEvent.tab();
    const chip = within(tenth).getByTestId('change-CHG0001');
    expect(chip).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(location().get('change')).toBe('1'), WAIT);
    await screen.findByRole('region', { name: 'change detail' }, WAIT);
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(location().get('change')).toBeNull(), WAIT);
    await waitFor(() => expect(chip).toHaveFocus(), WAIT);

    // PageDown: the same day next month, drawn and focused.
    await userEvent.keyboard('{Shift>}{Tab}{/Shift}');
    expect(tenth).toHaveFocus();
    await userEvent.keyboard('{PageDown}');
    await waitFor(
      () => expect(location().get('date')).toBe('2027-01-10'),
      WAIT,
    );
    expect(screen.getByTestId('period')).toHaveTextContent('January 2027');
    await waitFor(
      () => expect(screen.getByTestId('day-2027-01-10')).toHaveFocus(),
      WAIT,
    );
    // Enter on a day opens its agenda.
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(location().get('view')).toBe('agenda'), WAIT);
    expect(location().get('date')).toBe('2027-01-10');
  });

  it('goes back and forward through views and dates', async () => {
    await render('?view=month&date=2026-12-10');
    await screen.findByRole('grid', { name: 'month calendar' }, WAIT);
    await userEvent.click(screen.getByRole('button', { name: 'Week' }));
    await screen.findByRole('grid', { name: 'week calendar' }, WAIT);
    await userEvent.click(screen.getByRole('button', { name: 'next period' }));
    await waitFor(
      () => expect(location().get('date')).toBe('2026-12-17'),
      WAIT,
    );

    await userEvent.click(screen.getByRole('button', { name: 'browser back' }));
    await waitFor(
      () => expect(location().get('date')).toBe('2026-12-10'),
      WAIT,
    );
    expect(screen.getByTestId('period')).toHaveTextContent(
      '7 Dec – 13 Dec 2026',
    );
    await userEvent.click(screen.getByRole('button', { name: 'browser back' }));
    await screen.findByRole('grid', { name: 'month calendar' }, WAIT);
    expect(location().get('view')).toBe('month');
    await userEvent.click(
      screen.getByRole('button', { name: 'browser forward' }),
    );
    await screen.findByRole('grid', { name: 'week calendar' }, WAIT);
    expect(location().get('view')).toBe('week');
  });
});
