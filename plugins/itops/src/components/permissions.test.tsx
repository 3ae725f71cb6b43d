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

  it('explains each denied area and never asks the API for it', async () => {
    const entityRequests: string[] = [];
    server.use(
      ...sourceHandlers(),
      http.get(`${ITOPS_BASE_URL}/entities/*`, ({ request }) => {
        entityRequests.push(new URL(request.url).pathname);
        return HttpResponse.json({}, { status: 500 });
      }),
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
    // Only the KPI card asks (its 403 covers every KPI area at once).
    expect(entityRequests.filter(path => !path.endsWith('/kpis'))).toEqual([]);
  });
});
