import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { paymentsApi, sourceHandlers } from '../__testUtils__/fixtures';
import { renderItops, ITOPS_BASE_URL } from '../__testUtils__/renderItops';
import { EntityItopsContent } from './EntityItopsContent';

// A file of its own: usePermission caches decisions per permission for the
// whole module, so allowing and denying tests must not share one.
const server = setupServer();

describe('ITOps tab without read permissions', () => {
  registerMswTestHooks(server);

  // Cards ask for their data alongside the permission check (a round trip
  // less on the tab), so the API may be asked; the permission answer still
  // decides what is shown, and the backend's 403 for a denied area must not
  // surface as an error panel.
  it('explains each denied area and shows nothing of what the API answered', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(`${ITOPS_BASE_URL}/entities/*`, () =>
        HttpResponse.json(
          { error: { name: 'NotAllowedError', message: 'denied by the api' } },
          { status: 403 },
        ),
      ),
    );
    await renderItops(<EntityItopsContent />, {
      entity: paymentsApi,
      deny: [
        'itops.oncall.read',
        'itops.incident.read',
        'itops.change.read',
        'itops.backup.read',
      ],
    });

    for (const area of ['on-call', 'incidents', 'changes', 'backups']) {
      expect(
        await screen.findByText(
          new RegExp(`You do not have permission to see ${area}$`),
        ),
      ).toBeInTheDocument();
    }
    expect(
      screen.queryByText(/denied by the api|Request failed/),
    ).not.toBeInTheDocument();
  });
});
