import type { ItopsHealth } from '@backstage-itops/plugin-itops-common';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { type ItopsApi, itopsApiRef } from '../../api';
import { EntityItopsContent } from './EntityItopsContent';

const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    annotations: {
      'itops.io/servicenow-service': 'Payments API',
      'itops.io/jira-project': 'PAY',
      'itops.io/veeam-object': 'pay-api-vm-01, pay-api-vm-02',
    },
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
};

const healthy: ItopsHealth = {
  status: 'ok',
  database: { reachable: true, client: 'better-sqlite3', latencyMs: 0.4 },
  sources: [{ type: 'servicenow', instance: 'demo' }],
};

function renderContent(entity: Entity, api: Partial<ItopsApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[itopsApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityItopsContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityItopsContent', () => {
  it('lists the records the entity is linked to and the backend status', async () => {
    await renderContent(paymentsApi, { getHealth: async () => healthy });

    expect(screen.getByText('Business service')).toBeInTheDocument();
    expect(screen.getByText('Payments API')).toBeInTheDocument();
    expect(screen.getByText('PAY')).toBeInTheDocument();
    expect(
      screen.getByText('pay-api-vm-01, pay-api-vm-02'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Database reachable (better-sqlite3)'),
    ).toBeInTheDocument();
    expect(screen.getByText(/servicenow\/demo/)).toBeInTheDocument();
  });

  it('says when no source instance is configured', async () => {
    await renderContent(paymentsApi, {
      getHealth: async () => ({ ...healthy, sources: [] }),
    });
    expect(
      await screen.findByText(/No source instances configured/),
    ).toBeInTheDocument();
  });

  it('shows an unreachable database with its reason', async () => {
    await renderContent(paymentsApi, {
      getHealth: async () => ({
        status: 'degraded',
        database: { reachable: false, client: 'pg', error: 'ECONNREFUSED' },
        sources: [],
      }),
    });
    expect(
      await screen.findByText('Database unreachable: ECONNREFUSED'),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend cannot be reached', async () => {
    await renderContent(paymentsApi, {
      getHealth: async () => {
        throw new Error('backend is down');
      },
    });
    expect(
      await screen.findByText('Error: backend is down'),
    ).toBeInTheDocument();
  });

  it('explains which annotations to add when the entity has none', async () => {
    const rendered = await renderContent(
      { ...paymentsApi, metadata: { name: 'plain' } },
      { getHealth: jest.fn() },
    );
    expect(
      screen.getByText('No ITOps links for this entity'),
    ).toBeInTheDocument();
    // The example is syntax-highlighted, so its text spans several elements.
    const { baseElement } = rendered;
    expect(baseElement.querySelector('code')).toHaveTextContent(
      'itops.io/servicenow-service: Payments API',
    );
  });
});
