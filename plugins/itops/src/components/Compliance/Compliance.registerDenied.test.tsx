import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
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

  it('hides the Attest button from those without the permission', async () => {
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/controls/iso27001-2022/A.5.1/attestations`,
        () =>
          HttpResponse.json({
            framework: 'iso27001-2022',
            control: 'A.5.1',
            checks: [],
            entities: [],
            history: [],
          }),
      ),
    );
    await renderItops(
      <AttestationsPanel framework="iso27001-2022" control="A.5.1" />,
      { deny: ['itops.compliance.attest'] },
    );
    expect(
      await screen.findByText('Not attested for any entity.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Attest' })).toBeNull();
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
