/*
 * The change calendar page in a test app, shared by its page tests: msw
 * answers for the calendar endpoints, a catalog for the pickers, and a probe
 * of the URL with the browser's back and forward.
 */
import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  MockFetchApi,
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation, useNavigate } from 'react-router-dom';
import { ItopsClient, itopsApiRef } from '../../../api';
import { ChangeCalendarContent } from '../ChangeCalendarContent';
import type {
  ItopsCalendarChange,
  ItopsCalendarDay,
  ItopsChangeDetail,
} from '../types';

export const BASE = 'http://itops.test/api/itops';
/**
 * Generous: the first month render draws a few hundred MUI elements, and on
 * a busy CI machine it has taken over five seconds.
 */
export const WAIT = { timeout: 15_000 };
export const server = setupServer();

export function change(
  overrides: Partial<ItopsCalendarChange>,
): ItopsCalendarChange {
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
export function daysOf(
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

export const detail: ItopsChangeDetail = {
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
export function LocationProbe() {
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

/** What the entity pickers find. */
export const CATALOG = [
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

/**
 * Renders the calendar page at `search` against msw handlers for the days,
 * the agenda, the freezes and change 1's detail; returns the requests made.
 */
export async function render(search: string) {
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

export const location = () =>
  new URLSearchParams(screen.getByTestId('location').textContent!);
