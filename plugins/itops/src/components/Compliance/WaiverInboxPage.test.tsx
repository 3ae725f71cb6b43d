import type { ComplianceWaiver } from '@backstage-itops/plugin-itops-common';
import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { WaiverInboxPage } from './WaiverInboxPage';

const server = setupServer();
const DAY = 86_400_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

const waiver = (partial: Partial<ComplianceWaiver>): ComplianceWaiver => ({
  id: 'w',
  checkId: 'BKP-04',
  entityRef: 'component:default/payments-api',
  justification: 'Restore lab is being rebuilt',
  requestedBy: 'user:default/bob',
  requestedAt: at(-2 * DAY),
  expiresAt: at(60 * DAY),
  status: 'pending',
  events: [],
  ...partial,
});

const othersRequest = waiver({ id: 'w-bob' });
// The same person as the signed-in alice, in another case.
const ownRequest = waiver({
  id: 'w-alice',
  checkId: 'CHG-04',
  requestedBy: 'user:default/Alice',
});
const expiring = waiver({
  id: 'w-soon',
  checkId: 'INC-02',
  status: 'approved',
  expiresAt: at(10 * DAY),
  events: [
    {
      event: 'approve',
      actor: 'user:default/carol',
      at: at(-DAY),
      comment: 'Compensated by weekly manual restore',
    },
  ],
});
const expired = waiver({
  id: 'w-old',
  checkId: 'OC-01',
  status: 'expired',
  expiresAt: at(-DAY),
});

function serve(onPost: (path: string, body: any) => Response | undefined) {
  server.use(
    http.get(`${ITOPS_BASE_URL}/compliance/waivers`, ({ request }) => {
      const status = new URL(request.url).searchParams.get('status');
      return HttpResponse.json({
        items: status === 'pending' ? [othersRequest, ownRequest] : [expired],
      });
    }),
    http.get(`${ITOPS_BASE_URL}/compliance/waivers/expiring`, ({ request }) => {
      expect(new URL(request.url).searchParams.get('days')).toBe('30');
      return HttpResponse.json({ days: 30, items: [expiring] });
    }),
    http.post(
      `${ITOPS_BASE_URL}/compliance/waivers/:id/:action`,
      async ({ request }) =>
        onPost(new URL(request.url).pathname, await request.json()) ??
        HttpResponse.json(othersRequest),
    ),
  );
}

const asAlice: Array<[any, any]> = [
  [identityApiRef, mockApis.identity({ userEntityRef: 'user:default/alice' })],
];

describe('WaiverInboxPage', () => {
  registerMswTestHooks(server);

  it('lists pending, expiring and expired waivers; approve only for others’ requests', async () => {
    serve(() => undefined);
    await renderItops(<WaiverInboxPage />, { apis: asAlice });
    const pending = await screen.findByRole('table', {
      name: 'Pending approval',
    });
    const rows = within(pending).getAllByRole('row');
    const bob = rows.find(r => r.textContent?.includes('BKP-04'))!;
    const alice = rows.find(r => r.textContent?.includes('CHG-04'))!;
    expect(within(bob).getByRole('button', { name: 'Approve' })).toBeEnabled();
    expect(within(bob).getByRole('button', { name: 'Reject' })).toBeEnabled();
    await waitFor(() =>
      expect(within(alice).getByText(/\(you\)/)).toBeInTheDocument(),
    );
    expect(
      within(alice).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      within(alice).getByText('You requested it: another approver decides.'),
    ).toBeInTheDocument();
    expect(
      within(alice).getByRole('button', { name: 'Revoke' }),
    ).toBeInTheDocument();

    const soon = screen.getByRole('table', {
      name: 'Expiring in the next 30 days',
    });
    expect(within(soon).getByText('INC-02')).toBeInTheDocument();
    await userEvent.click(
      within(soon).getByRole('button', { name: 'History (2)' }),
    );
    expect(
      screen.getByRole('list', { name: 'History of waiver w-soon' }),
    ).toHaveTextContent(
      /Approved by user:default\/carol .*: Compensated by weekly manual restore/,
    );
    const old = screen.getByRole('table', { name: 'Expired' });
    expect(within(old).getByText('OC-01')).toBeInTheDocument();
    expect(
      within(old).queryByRole('button', { name: 'Revoke' }),
    ).not.toBeInTheDocument();
  });

  it('confirms an approval with its comment and shows the backend’s refusal', async () => {
    const posts: Array<{ path: string; body: any }> = [];
    serve((path, body) => {
      posts.push({ path, body });
      return HttpResponse.json(
        {
          error: {
            name: 'ConflictError',
            message: 'Waiver w-bob is approved, not pending',
          },
          response: { statusCode: 409 },
        },
        { status: 409 },
      );
    });
    await renderItops(<WaiverInboxPage />, { apis: asAlice });
    const pending = await screen.findByRole('table', {
      name: 'Pending approval',
    });
    const bob = within(pending)
      .getAllByRole('row')
      .find(r => r.textContent?.includes('BKP-04'))!;
    await userEvent.click(within(bob).getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog', {
      name: /Approve waiver: BKP-04/,
    });
    expect(posts).toHaveLength(0);
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Comment' }),
      'Manual restore weekly',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm approve' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /^Waiver w-bob is approved, not pending$/,
    );
    expect(posts).toEqual([
      {
        path: '/api/itops/compliance/waivers/w-bob/approve',
        body: { comment: 'Manual restore weekly' },
      },
    ]);
  });

  it('needs a reason to revoke', async () => {
    const posts: Array<{ path: string; body: any }> = [];
    serve((path, body) => {
      posts.push({ path, body });
      return undefined;
    });
    await renderItops(<WaiverInboxPage />, { apis: asAlice });
    const soon = await screen.findByRole('table', {
      name: 'Expiring in the next 30 days',
    });
    await userEvent.click(within(soon).getByRole('button', { name: 'Revoke' }));
    const dialog = await screen.findByRole('dialog');
    const confirm = within(dialog).getByRole('button', {
      name: 'Confirm revoke',
    });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /^Reason/ }),
      'Restore lab is back',
    );
    await userEvent.click(confirm);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(posts).toEqual([
      {
        path: '/api/itops/compliance/waivers/w-soon/revoke',
        body: { reason: 'Restore lab is back' },
      },
    ]);
  });
});
