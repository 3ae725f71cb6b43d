import type { EntityComplianceScorecard } from '@backstage-itops/plugin-itops-common';
import type { Entity } from '@backstage/catalog-model';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { EntityComplianceCard } from './EntityComplianceCard';

// A file of its own: usePermission caches decisions per test file.
const server = setupServer();

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
};

const scorecard: EntityComplianceScorecard = {
  entityRef: 'component:default/payments-api',
  snapshotId: 's',
  evaluatedAt: new Date().toISOString(),
  score: 0.5,
  scoreIfWaiversHeld: 0.5,
  counts: {
    pass: 1,
    fail: 1,
    warn: 0,
    no_data: 0,
    error: 0,
    exempt: 0,
    not_applicable: 0,
  },
  results: [
    {
      snapshotId: 's',
      takenAt: new Date().toISOString(),
      checkId: 'CHG-04',
      checkVersion: 1,
      entityRef: 'component:default/payments-api',
      status: 'fail',
      reason: '1 change(s) started during a freeze window.',
      evidence: [],
      title: 'Freeze windows respected',
      mappings: [{ framework: 'iso27001-2022', control: 'A.8.32' }],
    },
  ],
  frameworks: [],
  waivers: [
    {
      id: 'w-1',
      checkId: 'BKP-04',
      entityRef: 'component:default/payments-api',
      justification: 'Restore lab is being rebuilt',
      requestedBy: 'user:default/alice',
      requestedAt: '2026-11-20T10:00:00.000Z',
      expiresAt: '2027-01-31T23:59:59.000Z',
      status: 'pending',
      events: [],
    },
  ],
};

describe('compliance card without waiver permissions', () => {
  registerMswTestHooks(server);

  it('shows findings and waivers but no waiver actions', async () => {
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api`,
        () => HttpResponse.json(scorecard),
      ),
    );
    await renderItops(<EntityComplianceCard />, {
      entity,
      deny: [
        'itops.compliance.waiver.create',
        'itops.compliance.waiver.approve',
      ],
    });
    expect(
      await screen.findByText(/CHG-04 Freeze windows respected/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Pending · requested by user:default\/alice/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Request waiver' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });
});
