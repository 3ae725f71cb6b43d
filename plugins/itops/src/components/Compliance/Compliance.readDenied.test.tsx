import type { Entity } from '@backstage/catalog-model';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { ComplianceOverviewPage } from './ComplianceOverviewPage';
import { EntityComplianceCard } from './EntityComplianceCard';

// A file of its own: usePermission caches decisions per permission for the
// whole test file, so a denial cannot share a file with allowed renders.
const server = setupServer();

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
};

describe('compliance without the read permission', () => {
  registerMswTestHooks(server);

  it('explains the missing permission on the card without asking the backend', async () => {
    // No handler: msw fails the test if the card requests the scorecard.
    await renderItops(<EntityComplianceCard />, {
      entity,
      deny: ['itops.compliance.read'],
    });
    expect(
      await screen.findByText(
        /You do not have permission to see compliance scorecards/,
      ),
    ).toBeInTheDocument();
  });

  it('explains the backend’s 403 on the overview page', async () => {
    const forbidden = () =>
      HttpResponse.json(
        {
          error: {
            name: 'NotAllowedError',
            message: 'Missing permission itops.compliance.read',
          },
        },
        { status: 403 },
      );
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/overview`, forbidden),
      http.get(`${ITOPS_BASE_URL}/compliance/frameworks`, forbidden),
    );
    await renderItops(<ComplianceOverviewPage />);
    expect(
      await screen.findByText(
        /You do not have permission to see compliance scorecards/,
      ),
    ).toBeInTheDocument();
  });
});
