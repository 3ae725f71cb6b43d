import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Settings } from 'luxon';
import { location, render, server, WAIT } from './__testUtils__/calendarApp';

describe('ChangeCalendarContent', () => {
  registerMswTestHooks(server);
  beforeAll(() => {
    Settings.defaultZone = 'UTC';
    Settings.now = () => Date.parse('2026-12-10T08:00:00Z');
  });
  afterAll(() => {
    Settings.defaultZone = 'system';
    Settings.now = () => Date.now();
  });

  it('shows the month with type colours, flags, freeze bands, today and overflow, for my teams', async () => {
    const { requests } = await render('');
    const tenth = await screen.findByTestId('day-2026-12-10', {}, WAIT);
    expect(screen.getByTestId('period')).toHaveTextContent('December 2026');
    expect(within(tenth).getByText('Today')).toBeInTheDocument();
    expect(within(tenth).getByTestId('change-CHG0001')).toHaveStyle({
      borderLeftColor: '#1565c0',
    });
    expect(within(tenth).getByTestId('change-CHG0003')).toHaveStyle({
      borderLeftColor: '#c62828',
    });
    expect(within(tenth).getByLabelText('1 conflicts')).toBeInTheDocument();
    expect(
      within(tenth).getByLabelText('In freeze Payments blackout'),
    ).toBeInTheDocument();
    // The band: the freeze's name on the day it covers, not the next.
    expect(within(tenth).getByText('Payments blackout')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('day-2026-12-11')).queryByText(
        'Payments blackout',
      ),
    ).toBeNull();
    expect(within(tenth).getByText('+5 more')).toBeInTheDocument();
    // Whole weeks: Monday 30 November to Sunday 3 January.
    expect(screen.getByTestId('day-2026-11-30')).toBeInTheDocument();
    expect(screen.getByTestId('day-2027-01-03')).toBeInTheDocument();

    const request = requests[requests.length - 1];
    expect(request.pathname).toBe('/api/itops/calendar/days');
    expect(Object.fromEntries(request.searchParams)).toMatchObject({
      from: '2026-11-30T00:00:00.000Z',
      to: '2027-01-04T00:00:00.000Z',
      owner: 'group:default/payments-team',
      timeZone: 'UTC',
      perDay: '3',
    });
  });

  it('opens the agenda from "+N more" and pages through it', async () => {
    const { requests } = await render('?view=month&date=2026-12-10&owner=all');
    await userEvent.click(await screen.findByText('+5 more', {}, WAIT));
    await waitFor(() => expect(location().get('view')).toBe('agenda'), WAIT);
    expect(await screen.findByTestId('agenda-CHG0001')).toHaveTextContent(
      // The user's locale (en-US here) writes the window, not a fixed 24 h.
      /Dec 10, 10:00\sAM\s–\s12:00\sPM/,
    );
    expect(
      screen.getByText('Thursday, December 10, 2026 · Today'),
    ).toBeInTheDocument();
    const last = requests[requests.length - 1];
    expect(last.pathname).toBe('/api/itops/changes');
    expect(last.searchParams.get('owner')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Load 99 more' }));
    expect(await screen.findByTestId('agenda-CHG0005')).toBeInTheDocument();
    expect(requests[requests.length - 1].searchParams.get('offset')).toBe('2');
  });

  it('filters by type and free text through the URL and the request', async () => {
    const { requests } = await render('?view=month&date=2026-12-10');
    await screen.findByTestId('day-2026-12-10', {}, WAIT);

    fireEvent.mouseDown(screen.getByLabelText('Type'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Emergency' }),
    );
    await waitFor(() => expect(location().get('type')).toBe('emergency'), WAIT);
    await userEvent.keyboard('{Escape}');

    const search = screen.getByLabelText('Search');
    await userEvent.type(search, 'database{Enter}');
    await waitFor(() => expect(location().get('q')).toBe('database'), WAIT);
    await waitFor(() => {
      const params = requests[requests.length - 1].searchParams;
      expect(params.get('type')).toBe('emergency');
      expect(params.get('q')).toBe('database');
    }, WAIT);
  });

  it('picks a system from the catalog by its title, into the URL and the request', async () => {
    const { requests } = await render('?view=month&date=2026-12-10');
    await screen.findByTestId('day-2026-12-10', {}, WAIT);
    await userEvent.type(screen.getByLabelText('System'), 'Paym');
    await userEvent.click(
      await screen.findByRole(
        'option',
        { name: 'Payments (system:default/payments)' },
        WAIT,
      ),
    );
    await waitFor(
      () => expect(location().get('system')).toBe('system:default/payments'),
      WAIT,
    );
    await waitFor(() => {
      const params = requests[requests.length - 1].searchParams;
      expect(params.get('system')).toBe('system:default/payments');
    }, WAIT);
  });

  it('picks teams from the catalog as the owner filter, into the URL and the request', async () => {
    const { requests } = await render('?view=month&date=2026-12-10');
    await screen.findByTestId('day-2026-12-10', {}, WAIT);
    await userEvent.type(screen.getByLabelText('Teams'), 'DBA');
    await userEvent.click(
      await screen.findByRole(
        'option',
        { name: 'DBA team (group:default/dba-team)' },
        WAIT,
      ),
    );
    await waitFor(
      () => expect(location().get('owner')).toBe('group:default/dba-team'),
      WAIT,
    );
    await waitFor(() => {
      const params = requests[requests.length - 1].searchParams;
      expect(params.get('owner')).toBe('group:default/dba-team');
    }, WAIT);
  });

  it('opens the detail drawer with approval, implementer, entities and conflict reasons', async () => {
    await render('?view=month&date=2026-12-10');
    await userEvent.click(
      await screen.findByTestId('change-CHG0001', {}, WAIT),
    );
    await waitFor(() => expect(location().get('change')).toBe('1'), WAIT);
    const drawer = await screen.findByRole('region', { name: 'change detail' });
    expect(within(drawer).getByText('Approved')).toBeInTheDocument();
    expect(within(drawer).getByText('DBA team')).toBeInTheDocument();
    expect(within(drawer).getByText('Payments API')).toBeInTheDocument();
    expect(
      within(drawer).getByText(/depends on resource:default\/payments-db/),
    ).toBeInTheDocument();
    expect(
      within(drawer).getByRole('link', { name: /CHG0001/ }),
    ).toHaveAttribute('href', 'https://sn.example/CHG1');
    await userEvent.click(
      within(drawer).getByRole('button', { name: 'close' }),
    );
    await waitFor(() => expect(location().get('change')).toBeNull(), WAIT);
  });
});
