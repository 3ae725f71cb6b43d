import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  HOUR,
  at,
  entityUrl,
  forbiddenBody,
  incident,
  paymentsApi,
  paymentsTeam,
  sourceHandlers,
  summary,
} from '../../__testUtils__/fixtures';
import { renderItops } from '../../__testUtils__/renderItops';
import { EntityOpenIncidentsCard } from './IncidentsCard';

const server = setupServer();
const ref = 'component:default/payments-api';

describe('EntityOpenIncidentsCard', () => {
  registerMswTestHooks(server);

  it('shows open incidents by priority and the newest, linked to the source', async () => {
    let query: URLSearchParams | undefined;
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(ref, 'summary'), () =>
        HttpResponse.json(summary(ref)),
      ),
      http.get(entityUrl(ref, 'incidents'), ({ request }) => {
        query = new URL(request.url).searchParams;
        return HttpResponse.json({
          items: [
            incident({
              number: 'INC0010042',
              title: 'Card payments time out',
              openedAt: at(-(2 * HOUR + 5 * 60_000)),
            }),
            incident({
              number: 'PAY-17',
              sourceType: 'jira',
              url: undefined,
              title: 'Refunds stuck in pending',
              state: 'on_hold',
              priority: 3,
              openedAt: at(-26 * HOUR),
            }),
          ],
          totalCount: 3,
          limit: 10,
          offset: 0,
        });
      }),
    );
    await renderItops(<EntityOpenIncidentsCard />, { entity: paymentsApi });

    expect(await screen.findByText('3 open incidents')).toBeInTheDocument();
    const priorities = screen.getByRole('list', {
      name: 'Open incidents by priority',
    });
    expect(within(priorities).getByText('P1 critical: 1')).toBeInTheDocument();
    expect(within(priorities).getByText('P3 moderate: 2')).toBeInTheDocument();

    const table = screen.getByRole('table', { name: 'Newest open incidents' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(
      'INC0010042, Opens in a new windowCard payments time outIn progressP12 h 5 min',
    );
    expect(
      within(rows[1]).getByRole('link', { name: /INC0010042/ }),
    ).toHaveAttribute(
      'href',
      'https://sn.example/nav_to.do?uri=incident.do?sys_id=1',
    );
    expect(rows[2]).toHaveTextContent(
      'PAY-17Refunds stuck in pendingOn holdP31 d 2 h',
    );
    expect(within(rows[2]).queryByRole('link')).not.toBeInTheDocument();
    expect(Object.fromEntries(query!)).toEqual({
      state: 'open',
      sort: '-opened_at',
      limit: '10',
    });
  });

  it('rolls up the incidents of what a team owns', async () => {
    const teamRef = 'group:default/payments-team';
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(teamRef, 'summary'), () =>
        HttpResponse.json(
          summary(teamRef, {
            incidents: {
              forbidden: false,
              available: true,
              openCount: 1,
              openByPriority: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 0 },
            },
          }),
        ),
      ),
      http.get(entityUrl(teamRef, 'incidents'), () =>
        HttpResponse.json({
          items: [incident({ number: 'INC0020001', priority: 2 })],
          totalCount: 1,
          limit: 10,
          offset: 0,
        }),
      ),
    );
    await renderItops(<EntityOpenIncidentsCard />, { entity: paymentsTeam });
    expect(await screen.findByText('1 open incident')).toBeInTheDocument();
    expect(screen.getByText('INC0020001')).toBeInTheDocument();
  });

  it('says so when nothing is open', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(ref, 'summary'), () =>
        HttpResponse.json(
          summary(ref, {
            incidents: {
              forbidden: false,
              available: true,
              openCount: 0,
              openByPriority: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
            },
          }),
        ),
      ),
      http.get(entityUrl(ref, 'incidents'), () =>
        HttpResponse.json({ items: [], totalCount: 0, limit: 10, offset: 0 }),
      ),
    );
    await renderItops(<EntityOpenIncidentsCard />, { entity: paymentsApi });
    expect(await screen.findByText('0 open incidents')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('treats a forbidden area or a 403 as a missing permission', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(ref, 'summary'), () =>
        HttpResponse.json(summary(ref, { incidents: { forbidden: true } })),
      ),
      http.get(entityUrl(ref, 'incidents'), () =>
        HttpResponse.json(forbiddenBody, { status: 403 }),
      ),
    );
    await renderItops(<EntityOpenIncidentsCard />, { entity: paymentsApi });
    expect(
      await screen.findByText(/You do not have permission to see incidents/),
    ).toBeInTheDocument();
  });
});
