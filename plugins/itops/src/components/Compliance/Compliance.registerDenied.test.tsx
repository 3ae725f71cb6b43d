import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { AttestationsPanel } from './AttestationsPanel';
import { SoaPage } from './SoaPage';

// Apart from Compliance.register.test.tsx: usePermission caches decisions per test file.
const server = setupServer();

const entries = [
  { control: 'A.5.1', implementation: 'attested' },
  { control: 'A.7.5', implementation: 'excluded' },
  { control: 'A.8.13', implementation: 'automated' },
  { control: 'A.5.4', implementation: 'manual' },
].map(e => ({
  label: '',
  theme: 'x',
  applicable: e.implementation !== 'excluded',
  checks: [],
  score: null,
  judgedResults: 0,
  attestations: [],
  ...e,
}));

describe('attestations and SoA views, denied', () => {
  registerMswTestHooks(server);

  const PATH = `${ITOPS_BASE_URL}/compliance/controls/iso27001-2022/A.5.1/attestations`;
  const view = (entities: object[]) => ({
    framework: 'iso27001-2022',
    control: 'A.5.1',
    checks: [],
    entities,
    history: [],
  });
  const asUser = (ownershipEntityRefs: string[]) =>
    [
      identityApiRef,
      mockApis.identity({
        userEntityRef: 'user:default/alice',
        ownershipEntityRefs,
      }),
    ] as [any, any];

  it('hides the Attest button from those without the permission', async () => {
    server.use(http.get(PATH, () => HttpResponse.json(view([]))));
    await renderItops(
      <AttestationsPanel framework="iso27001-2022" control="A.5.1" />,
      { deny: ['itops.compliance.attest'] },
    );
    expect(
      await screen.findByText('Not attested for any entity.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Attest' })).toBeNull();
  });

  it('hides it from a user who neither holds the permission nor owns an entity of the control', async () => {
    server.use(
      http.get(PATH, () =>
        HttpResponse.json(
          view([
            {
              entityRef: 'component:default/payments',
              ownerRef: 'group:default/payments-team',
              status: 'manual',
              automatedStatus: 'manual',
            },
          ]),
        ),
      ),
    );
    await renderItops(
      <AttestationsPanel framework="iso27001-2022" control="A.5.1" />,
      {
        deny: ['itops.compliance.attest'],
        apis: [asUser(['user:default/alice', 'group:default/storefront'])],
      },
    );
    expect(
      await screen.findByText('component:default/payments'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Attest' })).toBeNull();
  });

  it("offers Attest to an owner without the permission, and shows the backend's refusal", async () => {
    const posted: any[] = [];
    server.use(
      http.get(PATH, () =>
        HttpResponse.json(
          view([
            {
              entityRef: 'component:default/payments',
              // Refs compare case-insensitively, as in the backend.
              ownerRef: 'group:default/Payments-Team',
              status: 'manual',
              automatedStatus: 'manual',
            },
          ]),
        ),
      ),
      http.post(PATH, async ({ request }) => {
        posted.push(await request.json());
        return HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'Only an owner of component:default/checkout or a holder of itops.compliance.attest may attest for it',
            },
          },
          { status: 403 },
        );
      }),
    );
    await renderItops(
      <AttestationsPanel framework="iso27001-2022" control="A.5.1" />,
      {
        deny: ['itops.compliance.attest'],
        apis: [asUser(['user:default/alice', 'group:default/payments-team'])],
      },
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Attest' }));
    fireEvent.change(screen.getByLabelText('Statement'), {
      target: { value: 'Reviewed' },
    });
    const buttons = screen.getAllByRole('button', { name: 'Attest' });
    fireEvent.click(buttons[buttons.length - 1]);
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(
      await screen.findByText(
        /Only an owner of component:default\/checkout or a holder of itops.compliance.attest may attest for it/,
      ),
    ).toBeInTheDocument();
  });

  it('offers approval only to approvers', async () => {
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/attestations/expiring`, () =>
        HttpResponse.json({ days: 30, items: [] }),
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/soa/draft`, () =>
        HttpResponse.json({
          framework: 'iso27001-2022',
          frameworkVersion: '2022',
          snapshotId: null,
          entries,
        }),
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/soa/verify`, () =>
        HttpResponse.json({ ok: true, checked: 0, broken: [] }),
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/soa/versions`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await renderItops(<SoaPage />, {
      deny: ['itops.compliance.waiver.approve'],
    });
    expect(
      await screen.findByText('No version approved yet.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Hash chain verified over 0 version(s).'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve as new version' }),
    ).toBeNull();
  });
});
