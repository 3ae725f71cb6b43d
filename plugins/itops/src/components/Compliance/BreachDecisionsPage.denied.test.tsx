import type { ComplianceBreachList } from '@backstage-itops/plugin-itops-common';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { BreachDecisionsPage } from './BreachDecisionsPage';

// A file of its own: usePermission caches decisions for the whole file.
const server = setupServer();

const list: ComplianceBreachList = {
  deadlineHours: 72,
  total: 1,
  offset: 0,
  limit: 25,
  items: [
    {
      breachRef: 'INC0042',
      title: 'Mail sent to the wrong customer',
      priority: 2,
      state: 'resolved',
      openedAt: '2026-12-01T09:00:00.000Z',
      decisionState: 'undecided',
      overdue: true,
      entityRefs: [],
      decisions: [],
    },
  ],
};

describe('BreachDecisionsPage without the decide permission', () => {
  registerMswTestHooks(server);

  it('lists breaches but offers no decision, and says which permission is needed', async () => {
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/breaches`, () =>
        HttpResponse.json(list),
      ),
    );
    await renderItops(<BreachDecisionsPage />, {
      deny: ['itops.compliance.breach.decide'],
    });
    expect(await screen.findByText(/INC0042/)).toBeInTheDocument();
    expect(
      screen.getByText('Unknown: awareness time not recorded'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        /needs the itops.compliance.breach.decide permission/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Record decision' }),
    ).not.toBeInTheDocument();
  });

  it('shows the backend’s 403 when reading is not allowed', async () => {
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/breaches`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'Missing permission itops.compliance.read',
            },
            request: { method: 'GET', url: '/api/itops/compliance/breaches' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await renderItops(<BreachDecisionsPage />, {
      deny: ['itops.compliance.breach.decide'],
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /Permission needed: Missing permission itops\.compliance\.read/,
    );
  });
});
