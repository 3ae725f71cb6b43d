import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { ItopsMappingConflict } from '../../api';
import { syncRow } from '../../__testUtils__/fixtures';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { EntityMappingConflicts } from './EntityMappingConflicts';
import { SourcesContent } from './SourcesContent';

const server = setupServer();

const conflicts: ItopsMappingConflict[] = [
  {
    type: 'servicenow-ci',
    value: 'payments-db',
    decision: 'refused',
    claimants: ['component:default/payments-api', 'component:default/ledger'],
    granted: ['component:default/ledger'],
    reason: 'Only entities owned by group:default/dba may claim it',
    detectedAt: '2026-12-01T08:00:00.000Z',
  },
  {
    type: 'jira-component',
    value: 'pay/checkout',
    decision: 'conflict',
    claimants: ['component:default/checkout', 'component:default/cart'],
    granted: [],
    reason: 'Claimed by 2 entities and no rule names its owner',
    detectedAt: '2026-12-02T08:00:00.000Z',
  },
];

const forbidden = () =>
  HttpResponse.json(
    {
      error: {
        name: 'NotAllowedError',
        message: 'Missing permission itops.sync-status.read',
      },
      request: { method: 'GET', url: '/api/itops/sync-status' },
      response: { statusCode: 403 },
    },
    { status: 403 },
  );

describe('EntityMappingConflicts', () => {
  registerMswTestHooks(server);

  it("warns of the entity's refused claim, naming the object and who keeps it", async () => {
    server.use(
      http.get(`${ITOPS_BASE_URL}/mapping/conflicts`, () =>
        HttpResponse.json({ items: conflicts }),
      ),
    );
    await renderItops(
      <EntityMappingConflicts entityRef="component:default/payments-api" />,
    );
    expect(
      await screen.findByText(
        /This entity's claim of 1 source object was not granted/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'servicenow-ci "payments-db": refused, kept by component:default/ledger. Only entities owned by group:default/dba may claim it',
      ),
    ).toBeInTheDocument();
    // Another entity's conflict is not this entity's business here.
    expect(screen.queryByText(/pay\/checkout/)).toBeNull();
  });

  it('says a withheld value is kept by no entity', async () => {
    server.use(
      http.get(`${ITOPS_BASE_URL}/mapping/conflicts`, () =>
        HttpResponse.json({ items: conflicts }),
      ),
    );
    await renderItops(
      <EntityMappingConflicts entityRef="component:default/cart" />,
    );
    expect(
      await screen.findByText(
        'jira-component "pay/checkout": withheld, kept by no entity. Claimed by 2 entities and no rule names its owner',
      ),
    ).toBeInTheDocument();
  });

  it('shows nothing to the entity that keeps the value', async () => {
    let asked = false;
    server.use(
      http.get(`${ITOPS_BASE_URL}/mapping/conflicts`, () => {
        asked = true;
        return HttpResponse.json({ items: conflicts });
      }),
    );
    const { container } = await renderItops(
      <EntityMappingConflicts entityRef="component:default/ledger" />,
    );
    await waitFor(() => expect(asked).toBe(true));
    expect(container).toBeEmptyDOMElement();
  });

  it('shows nothing, and no error, to a user without the permission', async () => {
    let asked = false;
    server.use(
      http.get(`${ITOPS_BASE_URL}/mapping/conflicts`, () => {
        asked = true;
        return forbidden();
      }),
    );
    const { container } = await renderItops(
      <EntityMappingConflicts entityRef="component:default/payments-api" />,
    );
    await waitFor(() => expect(asked).toBe(true));
    expect(container).toBeEmptyDOMElement();
    expect(screen.queryByText(/permission/i)).toBeNull();
  });
});

describe('SourcesContent', () => {
  registerMswTestHooks(server);

  it('lists the sync status per instance and every mapping conflict', async () => {
    server.use(
      http.get(`${ITOPS_BASE_URL}/sync-status`, () =>
        HttpResponse.json({
          items: [
            syncRow({
              sourceType: 'servicenow',
              sourceInstance: 'production',
              capability: 'incidents',
              recordCount: 1234,
            }),
            syncRow({
              sourceType: 'veeam',
              sourceInstance: 'vbr-east',
              capability: 'backups',
              lastSuccessAt: '2026-12-01T00:00:00.000Z',
              lastErrorAt: '2026-12-02T00:00:00.000Z',
              lastError: 'Could not reach the source (ECONNREFUSED).',
            }),
          ],
        }),
      ),
      http.get(`${ITOPS_BASE_URL}/mapping/conflicts`, () =>
        HttpResponse.json({ items: conflicts }),
      ),
    );
    await renderItops(<SourcesContent />);

    expect(await screen.findByText('vbr-east')).toBeInTheDocument();
    expect(screen.getByText('production')).toBeInTheDocument();
    expect(screen.getByText('1234')).toBeInTheDocument();
    expect(screen.getByText('failing')).toBeInTheDocument();
    expect(
      screen.getByText('Could not reach the source (ECONNREFUSED).'),
    ).toBeInTheDocument();
    expect(screen.getByText('servicenow-ci "payments-db"')).toBeInTheDocument();
    expect(
      screen.getByText('jira-component "pay/checkout"'),
    ).toBeInTheDocument();
    expect(screen.getByText('kept by no entity')).toBeInTheDocument();
    expect(
      screen.getByText('component:default/checkout, component:default/cart'),
    ).toBeInTheDocument();
  });

  it('says which permission is missing when the backend refuses', async () => {
    server.use(
      http.get(`${ITOPS_BASE_URL}/sync-status`, forbidden),
      http.get(`${ITOPS_BASE_URL}/mapping/conflicts`, forbidden),
    );
    await renderItops(<SourcesContent />);
    expect(
      await screen.findByText(
        /Permission needed: Missing permission itops\.sync-status\.read/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Mapping conflicts')).toBeNull();
  });
});
