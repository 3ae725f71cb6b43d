import { compatWrapper } from '@backstage/core-compat-api';
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  type OverridableFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { ItopsClient, itopsApiRef } from './api';
import { isItopsAvailable } from './isItopsAvailable';

const itopsApiFactory = createApiFactory({
  api: itopsApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new ItopsClient({ discoveryApi, fetchApi }),
});

const itopsApi = ApiBlueprint.make({
  params: defineParams => defineParams(itopsApiFactory),
});

const itopsEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'itops',
    title: 'ITOps',
    filter: isItopsAvailable,
    loader: () =>
      import('./components/EntityItopsContent').then(m =>
        compatWrapper(<m.EntityItopsContent />),
      ),
  },
});

/**
 * The ITOps plugin for apps on the new frontend system.
 *
 * @public
 */
export const itopsFrontendPlugin: OverridableFrontendPlugin =
  createFrontendPlugin({
    pluginId: 'itops',
    info: { packageJson: () => import('../package.json') },
    extensions: [itopsApi, itopsEntityContent],
  });

/**
 * The ITOps plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const itopsPlugin = createPlugin({
  id: 'itops',
  apis: [itopsApiFactory],
});

/**
 * The ITOps entity tab, for legacy apps:
 * `<EntityLayout.Route path="/itops" title="ITOps" if={isItopsAvailable}>`.
 *
 * @public
 */
export const EntityItopsContent = itopsPlugin.provide(
  createComponentExtension({
    name: 'EntityItopsContent',
    component: {
      lazy: () =>
        import('./components/EntityItopsContent').then(
          m => m.EntityItopsContent,
        ),
    },
  }),
);
