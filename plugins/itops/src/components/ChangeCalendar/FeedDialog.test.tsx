import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { FeedDialog } from './FeedDialog';

const server = setupServer();

type Token = {
  id: number;
  name: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt?: string;
};

const oldLaptop: Token = {
  id: 1,
  name: 'Old laptop',
  createdAt: '2026-11-01T00:00:00.000Z',
  // Expired: the dialog says so.
  expiresAt: '2026-11-30T00:00:00.000Z',
};
const phone: Token = {
  id: 3,
  name: 'Phone',
  createdAt: '2026-11-20T00:00:00.000Z',
  lastUsedAt: '2026-11-24T00:00:00.000Z',
  expiresAt: '2099-02-18T00:00:00.000Z',
};

/** A fake backend holding `initial` tokens; records revocations and rotations. */
function tokenBackend(initial: Token[]) {
  const state = { tokens: [...initial], revoked: [] as string[], nextId: 10 };
  server.use(
    http.get(`${ITOPS_BASE_URL}/calendar/feed-tokens`, () =>
      HttpResponse.json({ items: state.tokens }),
    ),
    http.post(`${ITOPS_BASE_URL}/calendar/feed-tokens`, async ({ request }) => {
      const body = (await request.json()) as { name: string };
      const created = {
        id: state.nextId++,
        name: body.name,
        createdAt: '2026-11-25T00:00:00.000Z',
        expiresAt: '2099-02-23T00:00:00.000Z',
      };
      state.tokens = [...state.tokens, created];
      return HttpResponse.json(
        { ...created, token: 'itopscal_secret' },
        { status: 201 },
      );
    }),
    http.post(
      `${ITOPS_BASE_URL}/calendar/feed-tokens/:id/rotate`,
      ({ params }) => {
        const old = state.tokens.find(t => String(t.id) === params.id);
        if (!old) {
          return HttpResponse.json(
            { error: { name: 'NotFoundError', message: 'gone' } },
            { status: 404 },
          );
        }
        const created = {
          id: state.nextId++,
          name: old.name,
          createdAt: '2026-11-26T00:00:00.000Z',
          expiresAt: '2099-02-24T00:00:00.000Z',
        };
        state.tokens = [...state.tokens.filter(t => t !== old), created];
        return HttpResponse.json(
          { ...created, token: `itopscal_rotated_${old.id}` },
          { status: 201 },
        );
      },
    ),
    http.delete(`${ITOPS_BASE_URL}/calendar/feed-tokens/:id`, ({ params }) => {
      state.revoked.push(String(params.id));
      state.tokens = state.tokens.filter(t => String(t.id) !== params.id);
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return state;
}

async function openDialog() {
  await renderItops(
    <FeedDialog
      filters={{
        owner: ['group:default/payments-team'],
        type: ['emergency'],
      }}
    />,
  );
  await userEvent.click(screen.getByRole('button', { name: 'Subscribe' }));
}

function feedUrl(): URL {
  return new URL((screen.getByLabelText('Feed URL') as HTMLInputElement).value);
}

describe('FeedDialog', () => {
  registerMswTestHooks(server);

  it('lists the tokens with created, last use, expiry or expired, and scope', async () => {
    tokenBackend([oldLaptop, phone]);
    await openDialog();

    const list = await screen.findByRole('list', { name: 'feed tokens' });
    const items = await within(list).findAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(
      within(items[0]).getByText('created 2026-11-01, expired 2026-11-30'),
    ).toBeInTheDocument();
    expect(
      within(items[1]).getByText(
        'created 2026-11-20, last used 2026-11-24, expires 2099-02-18',
      ),
    ).toBeInTheDocument();
    for (const item of items) {
      expect(
        within(item).getByText('Scope: read the change calendar feed, as you'),
      ).toBeInTheDocument();
    }
    // No secret is on display until one is created or rotated.
    expect(screen.queryByLabelText('Feed URL')).toBeNull();
  });

  it('creates a feed URL for the filters, shown once with a copy button', async () => {
    tokenBackend([oldLaptop]);
    await openDialog();
    await screen.findByText('Old laptop');

    await userEvent.click(
      screen.getByRole('button', { name: 'Create feed URL' }),
    );
    await screen.findByLabelText('Feed URL');
    expect(feedUrl().pathname).toBe('/api/itops/calendar.ics');
    expect(Object.fromEntries(feedUrl().searchParams)).toEqual({
      owner: 'group:default/payments-team',
      type: 'emergency',
      token: 'itopscal_secret',
    });
    expect(
      screen.getByRole('button', { name: 'Copy feed URL' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Calendar subscription'),
    ).toBeInTheDocument();

    // Reopened, the dialog no longer shows the secret.
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await userEvent.click(screen.getByRole('button', { name: 'Subscribe' }));
    expect(
      await screen.findByRole('button', { name: 'Create feed URL' }),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Feed URL')).toBeNull();
  });

  it('revokes a token', async () => {
    const backend = tokenBackend([oldLaptop, phone]);
    await openDialog();

    await userEvent.click(
      await screen.findByRole('button', { name: 'revoke Old laptop 1' }),
    );
    await waitFor(() => expect(screen.queryByText('Old laptop')).toBeNull());
    expect(backend.revoked).toEqual(['1']);
    expect(screen.getByText('Phone')).toBeInTheDocument();
  });

  it('rotates a token: the new URL is shown and the old token is gone from the list', async () => {
    const backend = tokenBackend([phone]);
    await openDialog();

    await userEvent.click(
      await screen.findByRole('button', { name: 'rotate Phone 3' }),
    );
    await screen.findByLabelText('Feed URL');
    expect(feedUrl().searchParams.get('token')).toBe('itopscal_rotated_3');
    expect(feedUrl().searchParams.get('owner')).toBe(
      'group:default/payments-team',
    );
    expect(
      screen.getByText(
        'New URL for Phone: shown only now, copy it before closing.',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'rotate Phone 10' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'rotate Phone 3' })).toBeNull();
    expect(backend.tokens.map(t => t.id)).toEqual([10]);
  });

  it("shows the backend's message when rotating or revoking fails", async () => {
    tokenBackend([phone]);
    server.use(
      http.post(`${ITOPS_BASE_URL}/calendar/feed-tokens/:id/rotate`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'Missing permission itops.change.read',
            },
            request: { method: 'POST', url: '/api/itops/calendar/feed-tokens' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
      http.delete(`${ITOPS_BASE_URL}/calendar/feed-tokens/:id`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No calendar feed token 3',
            },
            request: {
              method: 'DELETE',
              url: '/api/itops/calendar/feed-tokens',
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await openDialog();

    await userEvent.click(
      await screen.findByRole('button', { name: 'rotate Phone 3' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /^Missing permission itops\.change\.read$/,
    );
    expect(screen.queryByLabelText('Feed URL')).toBeNull();

    await userEvent.click(
      screen.getByRole('button', { name: 'revoke Phone 3' }),
    );
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        /^No calendar feed token 3$/,
      ),
    );
    expect(screen.getByText('Phone')).toBeInTheDocument();
  });
});
