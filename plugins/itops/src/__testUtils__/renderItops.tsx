import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockFetchApi,
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type { ReactElement } from 'react';
import { ItopsClient, itopsApiRef } from '../api';

/** Where the tests' msw handlers serve the ITOps API. */
export const ITOPS_BASE_URL = 'http://itops.test/api/itops';

type Authorize = NonNullable<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize']
>;
type Decision = Exclude<Authorize, (...args: any[]) => unknown>;
const ALLOW = 'ALLOW' as Decision;
const DENY = 'DENY' as Decision;

/**
 * Renders ITOps components as an app would: the real client over msw, an
 * entity in context, a permission API denying the named permissions, and a
 * catalog holding `catalogEntities` (for the entity pickers).
 */
export function renderItops(
  element: ReactElement,
  options: {
    entity?: Entity;
    deny?: string[];
    apis?: Array<[any, any]>;
    catalogEntities?: Entity[];
  } = {},
) {
  const { entity, deny = [], apis = [], catalogEntities = [] } = options;
  const client = new ItopsClient({
    discoveryApi: { getBaseUrl: async () => ITOPS_BASE_URL },
    fetchApi: new MockFetchApi(),
  });
  const permissionApi = mockApis.permission({
    authorize: request =>
      deny.includes(request.permission.name) ? DENY : ALLOW,
  });
  const content = entity ? (
    <EntityProvider entity={entity}>{element}</EntityProvider>
  ) : (
    element
  );
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [itopsApiRef, client],
        [permissionApiRef, permissionApi],
        [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
        // For the compliance register, which calls the backend directly.
        [discoveryApiRef, { getBaseUrl: async () => ITOPS_BASE_URL }],
        [fetchApiRef, new MockFetchApi()],
        ...apis,
      ]}
    >
      {content}
    </TestApiProvider>,
    // Entity links (owners, teams) resolve against the catalog's route.
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
