import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { FeedDialog } from './FeedDialog';

const server = setupServer();

describe('FeedDialog', () => {
  registerMswTestHooks(server);

  it('creates a feed URL for the filters and revokes tokens', async () => {
    let tokens = [
      {
        id: 1,
        name: 'Old laptop',
        createdAt: '2026-11-01T00:00:00.000Z',
        // Expired: the dialog says so.
        expiresAt: '2026-11-30T00:00:00.000Z',
      },
    ];
    const revoked: string[] = [];
    server.use(
      http.get(`${ITOPS_BASE_URL}/calendar/feed-tokens`, () =>
        HttpResponse.json({ items: tokens }),
      ),
      http.post(
        `${ITOPS_BASE_URL}/calendar/feed-tokens`,
        async ({ request }) => {
          const body = (await request.json()) as { name: string };
          const created = {
            id: 2,
            name: body.name,
            createdAt: '2026-11-25T00:00:00.000Z',
            expiresAt: '2099-02-23T00:00:00.000Z',
          };
          tokens = [...tokens, created];
          return HttpResponse.json(
            { ...created, token: 'itopscal_secret' },
            { status: 201 },
          );
        },
      ),
      http.delete(
        `${ITOPS_BASE_URL}/calendar/feed-tokens/:id`,
        ({ params }) => {
          revoked.push(String(params.id));
          tokens = tokens.filter(t => String(t.id) !== params.id);
          return new HttpResponse(null, { status: 204 });
        },
      ),
    );
    await renderItops(
      <FeedDialog
        filters={{
          owner: ['group:default/payments-team'],
          type: ['emergency'],
        }}
      />,
    );

    await userEvent.click(screen.getByRole('button', { name: 'Subscribe' }));
    expect(await screen.findByText('Old laptop')).toBeInTheDocument();
    expect(
      screen.getByText('created 2026-11-01, expired 2026-11-30'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Create feed URL' }),
    );
    const url = new URL(
      ((await screen.findByLabelText('Feed URL')) as HTMLInputElement).value,
    );
    expect(url.pathname).toBe('/api/itops/calendar.ics');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      owner: 'group:default/payments-team',
      type: 'emergency',
      token: 'itopscal_secret',
    });

    await userEvent.click(
      screen.getByRole('button', { name: 'revoke Old laptop 1' }),
    );
    await waitFor(() => expect(screen.queryByText('Old laptop')).toBeNull());
    expect(revoked).toEqual(['1']);
  });
});
