import type { ComplianceWaiver } from '@backstage-itops/plugin-itops-common';
import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { WaiverInboxPage } from './WaiverInboxPage';

// A file of its own: usePermission caches decisions for the whole file.
const server = setupServer();

const pending = (id: string, requestedBy: string): ComplianceWaiver => ({
  id,
  checkId: id === 'w-own' ? 'CHG-04' : 'BKP-04',
  entityRef: 'component:default/payments-api',
  justification: 'Restore lab is being rebuilt',
  requestedBy,
  requestedAt: '2026-12-01T10:00:00.000Z',
  expiresAt: '2027-02-01T10:00:00.000Z',
  status: 'pending',
  events: [],
});

describe('WaiverInboxPage without the approve permission', () => {
  registerMswTestHooks(server);

  it('offers no approval, and revoke only on the user’s own request', async () => {
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/waivers`, ({ request }) =>
        HttpResponse.json({
          items:
            new URL(request.url).searchParams.get('status') === 'pending'
              ? [
                  pending('w-bob', 'user:default/bob'),
                  pending('w-own', 'user:default/ALICE'),
                ]
              : [],
        }),
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/waivers/expiring`, () =>
        HttpResponse.json({ days: 30, items: [] }),
      ),
    );
    await renderItops(<WaiverInboxPage />, {
      deny: ['itops.compliance.waiver.approve'],
      apis: [
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: 'user:default/alice' }),
        ],
      ],
    });
    const table = await screen.findByRole('table', {
      name: 'Pending approval',
    });
    expect(
      screen.getByText(/needs the itops.compliance.waiver.approve permission/),
    ).toBeInTheDocument();
    const rows = within(table).getAllByRole('row');
    const bob = rows.find(r => r.textContent?.includes('BKP-04'))!;
    const own = rows.find(r => r.textContent?.includes('CHG-04'))!;
    await waitFor(() =>
      expect(within(own).getByRole('button', { name: 'Revoke' })).toBeEnabled(),
    );
    expect(within(table).queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(within(table).queryByRole('button', { name: 'Reject' })).toBeNull();
    expect(within(bob).queryByRole('button', { name: 'Revoke' })).toBeNull();
    expect(
      screen.getByText('No approved waiver expires in the next 30 days.'),
    ).toBeInTheDocument();
  });
});
