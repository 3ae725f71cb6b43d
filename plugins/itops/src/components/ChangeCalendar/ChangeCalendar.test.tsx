import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Settings } from 'luxon';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation, useNavigate } from 'react-router-dom';
import { ItopsClient, itopsApiRef } from '../../api';
import { ChangeCalendarContent } from './ChangeCalendarContent';
import type {
  ItopsCalendarChange,
  ItopsCalendarDay,
  ItopsChangeDetail,
} from './types';

const BASE = 'http://itops.test/api/itops';
/**
 * Generous: the first month render draws a few hundred MUI elements, and on
 * a busy CI machine it has taken over five seconds.
 */
const WAIT = { timeout: 15_000 };
const server = setupServer();

function change(overrides: Partial<ItopsCalendarChange>): ItopsCalendarChange {
  return {
    id: '1',
    sourceType: 'servicenow',
    sourceInstance: 'production',
    externalId: 'abc',
    url: 'https://sn.example/CHG1',
    number: 'CHG0001',
    title: 'Upgrade database',
    type: 'normal',
    state: 'scheduled',
    risk: 'high',
    plannedStart: '2026-12-10T10:00:00.000Z',
    plannedEnd: '2026-12-10T12:00:00.000Z',
    entityRefs: ['component:default/payments-api'],
    conflictCount: 0,
    freezes: [],
    ...overrides,
  };
}

/** The days of the requested range in UTC, with the given changes on the 10th. */
function daysOf(
  from: string,
  to: string,
  onTenth: ItopsCalendarChange[],
  total: number,
) {
  const days: ItopsCalendarDay[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const tenth = date === '2026-12-10';
    days.push({
      date,
      start: new Date(t).toISOString(),
      end: new Date(t + 86_400_000).toISOString(),
      total: tenth ? total : 0,
      items: tenth ? onTenth : [],
    });
  }
  return days;
}

const detail: ItopsChangeDetail = {
  change: {
    id: '1',
    sourceType: 'servicenow',
    sourceInstance: 'production',
    externalId: 'abc',
    url: 'https://sn.example/CHG1',
    number: 'CHG0001',
    title: 'Upgrade database',
    type: 'normal',
    state: 'scheduled',
    risk: 'high',
    plannedStart: '2026-12-10T10:00:00.000Z',
    plannedEnd: '2026-12-10T12:00:00.000Z',
    approval: 'approved',
    implementerGroup: 'DBA team',
  },
  entities: [
    {
      entityRef: 'component:default/payments-api',
      kind: 'component',
      title: 'Payments API',
      ownerRef: 'group:default/payments-team',
    },
  ],
  conflicts: [
    {
      changeId: '2',
      number: 'CHG0002',
      title: 'Patch DB',
      plannedStart: '2026-12-10T11:00:00.000Z',
      kind: 'related-entity',
      entityRef: 'component:default/payments-api',
      otherEntityRef: 'resource:default/payments-db',
      reason:
        'CHG0002 changes resource:default/payments-db in an overlapping window, and component:default/payments-api depends on resource:default/payments-db.',
    },
  ],
  freezes: [],
};

/** The URL's query, and the browser's back and forward buttons. */
function LocationProbe() {
  const navigate = useNavigate();
  return (
    <>
      <span data-testid="location">{useLocation().search}</span>
      <button type="button" onClick={() => navigate(-1)}>
        browser back
      </button>
      <button type="button" onClick={() => navigate(1)}>
        browser forward
      </button>
    </>
  );
}

/**
 * Renders the calendar and waits for the test app to settle: a test that
 * starts waiting while the render's own act() is still pending overlaps
 * the two, and React may then never commit the month.
 */
/** What the entity pickers find. */
const CATALOG = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
    spec: { owner: 'payments-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'storefront', namespace: 'default' },
    spec: { owner: 'storefront-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'dba-team', namespace: 'default', title: 'DBA team' },
    spec: { type: 'team', children: [] },
  },
];

async function render(search: string) {
  const requests: URL[] = [];
  server.use(
    http.get(`${BASE}/calendar/days`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url);
      return HttpResponse.json({
        timeZone: 'UTC',
        totalCount: 7,
        days: daysOf(
          url.searchParams.get('from')!,
          url.searchParams.get('to')!,
          [
            change({ conflictCount: 1 }),
            change({
              id: '3',
              number: 'CHG0003',
              title: 'Hotfix',
              type: 'emergency',
              freezes: ['Payments blackout'],
            }),
          ],
          7,
        ),
      });
    }),
    http.get(`${BASE}/changes`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url);
      const offset = Number(url.searchParams.get('offset'));
      return HttpResponse.json({
        items:
          offset === 0
            ? [
                change({}),
                change({
                  id: '4',
                  number: 'CHG0004',
                  plannedStart: '2026-12-11T09:00:00.000Z',
                  plannedEnd: undefined,
                }),
              ]
            : [
                change({
                  id: '5',
                  number: 'CHG0005',
                  plannedStart: '2026-12-12T09:00:00.000Z',
                }),
              ],
        totalCount: 101,
        limit: 100,
        offset,
      });
    }),
    http.get(`${BASE}/freeze-windows`, () =>
      HttpResponse.json({
        items: [
          {
            sourceType: 'config',
            sourceInstance: 'app-config',
            externalId: 'x',
            name: 'Payments blackout',
            start: '2026-12-10T00:00:00.000Z',
            end: '2026-12-11T00:00:00.000Z',
            global: true,
            entityRefs: [],
          },
        ],
      }),
    ),
    http.get(`${BASE}/calendar/changes/1`, () => HttpResponse.json(detail)),
  );
  const client = new ItopsClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: new MockFetchApi(),
  });
  const identity = mockApis.identity({
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/payments-team'],
  });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [itopsApiRef, client],
        [identityApiRef, identity],
        [catalogApiRef, catalogApiMock({ entities: CATALOG })],
      ]}
    >
      <ChangeCalendarContent />
      <LocationProbe />
    </TestApiProvider>,
    {
      routeEntries: [`/itops/changes${search}`],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return { requests };
}

const location = () =>
  new URLSearchParams(screen.getByTestId('location').textContent!);

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

  it('moves through the month by keyboard, opens a change with Enter and returns focus on Escape', async () => {
    await render('?view=month&date=2026-12-10');
    const tenth = await screen.findByTestId('day-2026-12-10', {}, WAIT);
    expect(tenth).toHaveAttribute('tabindex', '0');
    expect(tenth).toHaveAccessibleName(
      'Thursday, December 10, 2026, today, 7 changes, freeze: Payments blackout',
    );
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
