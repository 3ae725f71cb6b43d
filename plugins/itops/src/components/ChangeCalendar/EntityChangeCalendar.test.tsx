import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { paymentsApi } from '../../__testUtils__/fixtures';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { EntityChangeCalendar } from './EntityChangeCalendar';

const server = setupServer();

describe('EntityChangeCalendar', () => {
  registerMswTestHooks(server);

  it("lists the entity's next 30 days of changes with flags and opens the detail", async () => {
    let requested: URL | undefined;
    const start = new Date(Date.now() + 2 * 86_400_000).toISOString();
    server.use(
      http.get(`${ITOPS_BASE_URL}/changes`, ({ request }) => {
        requested = new URL(request.url);
        return HttpResponse.json({
          items: [
            {
              id: '7',
              sourceType: 'jira',
              sourceInstance: 'cloud',
              externalId: 'PAY-7',
              number: 'PAY-7',
              title: 'Rotate keys',
              type: 'emergency',
              state: 'scheduled',
              plannedStart: start,
              entityRefs: ['component:default/payments-api'],
              conflictCount: 2,
              freezes: [],
            },
          ],
          totalCount: 1,
          limit: 200,
          offset: 0,
        });
      }),
      http.get(`${ITOPS_BASE_URL}/calendar/changes/7`, () =>
        HttpResponse.json({
          change: {
            id: '7',
            sourceType: 'jira',
            sourceInstance: 'cloud',
            externalId: 'PAY-7',
            number: 'PAY-7',
            title: 'Rotate keys',
            type: 'emergency',
            state: 'scheduled',
            plannedStart: start,
            approval: 'requested',
          },
          entities: [],
          conflicts: [],
          freezes: [],
        }),
      ),
    );
    await renderItops(<EntityChangeCalendar />, { entity: paymentsApi });

    const row = await screen.findByTestId('agenda-PAY-7');
    expect(row).toHaveTextContent('Rotate keys');
    expect(screen.getByLabelText('2 conflicts')).toBeInTheDocument();
    expect(requested!.searchParams.get('entityRef')).toBe(
      'component:default/payments-api',
    );
    const days =
      (Date.parse(requested!.searchParams.get('to')!) -
        Date.parse(requested!.searchParams.get('from')!)) /
      86_400_000;
    expect(Math.round(days)).toBe(30);

    await userEvent.click(row);
    expect(await screen.findByText('Requested')).toBeInTheDocument();
  });
});
