import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { AttestationsPanel, ExpiringAttestations } from './AttestationsPanel';
import { SoaPage } from './SoaPage';

// A file of its own: usePermission caches decisions per test file.
const server = setupServer();

const attestation = {
  id: '2',
  framework: 'iso27001-2022',
  control: 'A.5.1',
  entityRef: 'component:default/payments',
  statement: 'Policies reviewed by the board',
  evidenceUrl: 'https://wiki.example/policies',
  attestedBy: 'user:default/alice',
  attestedAt: '2026-11-01T10:00:00.000Z',
  expiresAt: '2027-05-01T10:00:00.000Z',
  state: 'active',
  events: [],
};

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

describe('attestations and SoA views', () => {
  registerMswTestHooks(server);

  it("shows a control's attestation status and history, and posts an attestation from the dialog", async () => {
    const posted: any[] = [];
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/controls/iso27001-2022/A.5.1/attestations`,
        () =>
          HttpResponse.json({
            framework: 'iso27001-2022',
            control: 'A.5.1',
            checks: [],
            entities: [
              {
                entityRef: 'component:default/payments',
                status: 'no_data',
                automatedStatus: 'manual',
                reason: 'attestation expired',
              },
            ],
            history: [attestation],
          }),
      ),
      http.post(
        `${ITOPS_BASE_URL}/compliance/controls/iso27001-2022/A.5.1/attestations`,
        async ({ request }) => {
          const body = await request.json();
          posted.push(body);
          return HttpResponse.json(
            {
              error: {
                name: 'InputError',
                message: "Body field 'entityRef' is required",
              },
            },
            { status: 400 },
          );
        },
      ),
    );
    await renderItops(
      <AttestationsPanel framework="iso27001-2022" control="A.5.1" />,
    );
    expect(
      await screen.findByText('No data (attestation expired)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Policies reviewed by the board'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Attest' }));
    // Named by its title, as screen readers and the e2e find it.
    expect(
      screen.getByRole('dialog', { name: 'Attest A.5.1' }),
    ).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Statement'), {
      target: { value: 'Reviewed' },
    });
    fireEvent.change(screen.getByLabelText('Evidence link (URL)'), {
      target: { value: 'https://wiki.example/x' },
    });
    const dialogButtons = screen.getAllByRole('button', { name: 'Attest' });
    fireEvent.click(dialogButtons[dialogButtons.length - 1]);
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toMatchObject({
      statement: 'Reviewed',
      evidenceUrl: 'https://wiki.example/x',
    });
    // The backend's message is shown, naming the field.
    expect(
      await screen.findByText(/Body field 'entityRef' is required/),
    ).toBeInTheDocument();
  });

  it('lists expiring attestations', async () => {
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/attestations/expiring`, () =>
        HttpResponse.json({ days: 30, items: [attestation] }),
      ),
    );
    await renderItops(<ExpiringAttestations />);
    expect(await screen.findByText('iso27001-2022 A.5.1')).toBeInTheDocument();
  });

  it('shows the SoA draft counts, integrity and versions, and approves a new version', async () => {
    let approved = 0;
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/attestations/expiring`, () =>
        HttpResponse.json({ days: 30, items: [] }),
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/soa/draft`, () =>
        HttpResponse.json({
          framework: 'iso27001-2022',
          frameworkVersion: '2022',
          snapshotId: 's',
          entries,
        }),
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/soa/verify`, () =>
        HttpResponse.json({
          ok: false,
          checked: 1,
          broken: [{ version: 1, problem: 'its content does not match' }],
        }),
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/soa/versions`, () =>
        HttpResponse.json({
          items: [
            {
              id: '1',
              version: 1,
              approvedBy: 'user:default/alice',
              approvedAt: '2026-11-01T10:00:00.000Z',
              contentHash: 'a'.repeat(64),
              prevHash: null,
              chainHash: 'b'.repeat(64),
            },
          ],
        }),
      ),
      http.post(`${ITOPS_BASE_URL}/compliance/soa/versions`, () => {
        approved++;
        return HttpResponse.json({}, { status: 201 });
      }),
    );
    await renderItops(<SoaPage />);
    expect(
      await screen.findByText(
        /4 Annex A controls: 1 with automated checks, 1 attested, 1 needing manual evidence, 1 excluded/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Verification FAILED: v1: its content does not match/),
    ).toBeInTheDocument();
    expect(screen.getByText('user:default/alice')).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Approve as new version' }),
    );
    await waitFor(() => expect(approved).toBe(1));
  });
});
