import type { ComplianceOverview } from '@backstage-itops/plugin-itops-common';
import type { Entity } from '@backstage/catalog-model';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { registerMswTestHooks } from '@backstage/test-utils';
import { act, screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { EntityComplianceCard } from './EntityComplianceCard';

const server = setupServer();

const counts = {
  pass: 3,
  warn: 0,
  fail: 1,
  not_applicable: 0,
  exempt: 0,
  no_data: 0,
  error: 0,
};
const overview: ComplianceOverview = {
  snapshot: null,
  filter: {},
  entityCount: 1,
  counts,
  score: 0.75,
  scoreIfWaiversHeld: 0.75,
  frameworks: [],
  checks: [],
  worstServices: [
    {
      entityRef: 'component:default/payments-api',
      score: 0.75,
      fail: 1,
      warn: 0,
      noData: 0,
    },
  ],
  worstTeams: [],
  trend: [],
} as unknown as ComplianceOverview;

/**
 * A permission API whose answers arrive only when the test releases them,
 * so the card renders first without a decision, then with one before its
 * request has started: the order a slow permission backend produces.
 */
function gatedPermissions() {
  const waiting: Array<() => void> = [];
  return {
    api: {
      authorize: () =>
        new Promise(resolve => {
          waiting.push(() => resolve({ result: 'ALLOW' }));
        }),
    },
    release: () => waiting.splice(0).forEach(go => go()),
  };
}

describe('EntityComplianceCard loading order', () => {
  registerMswTestHooks(server);

  // One case per file: usePermission caches decisions for the whole file.
  it('shows a team roll-up once the permission arrives after the first render', async () => {
    const kind = 'Group';
    const param = 'team';
    const queries: string[] = [];
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/overview`, ({ request }) => {
        queries.push(new URL(request.url).searchParams.get(param) ?? '');
        return HttpResponse.json(overview);
      }),
    );
    const permissions = gatedPermissions();
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name: 'Payments', namespace: 'default' },
      spec: {},
    };
    await renderItops(<EntityComplianceCard />, {
      entity,
      apis: [[permissionApiRef, permissions.api]],
    });
    // No decision yet: still loading, nothing requested.
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(queries).toEqual([]);
    await act(async () => permissions.release());
    expect(await screen.findByLabelText('Compliance score')).toHaveTextContent(
      '75 %',
    );
    expect(queries).toEqual([`${kind.toLowerCase()}:default/payments`]);
  });
});
