import {
  compatWrapper,
  convertLegacyRouteRef,
} from '@backstage/core-compat-api';
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  type OverridableFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { ItopsClient, itopsApiRef } from './api';
import { isItopsAvailable } from './isItopsAvailable';
import { complianceRouteRef } from './components/Compliance/routes';
import { changeCalendarRouteRef } from './components/ChangeCalendar/routes';
import { incidentsRouteRef } from './components/IncidentsPage/routes';
import { sourcesRouteRef } from './components/Sources/routes';
import StorageIcon from '@material-ui/icons/Storage';
import EventIcon from '@material-ui/icons/Event';
import ReportProblemIcon from '@material-ui/icons/ReportProblem';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import { entityPageExtensions } from './extensions/entityPage';

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
      Promise.all([
        import('./components/EntityItopsContent'),
        import('./components/ChangeCalendar'),
        import('./components/Compliance'),
      ]).then(([m, calendar, compliance]) =>
        compatWrapper(
          <m.EntityItopsContent
            changeCalendar={<calendar.EntityChangeCalendar />}
            complianceScorecard={<compliance.EntityComplianceCard />}
          />,
        ),
      ),
  },
});

/*
 * The legacy route refs, converted, are the pages' route refs in the new
 * system too: a page with a route ref and an icon is a sidebar item, and
 * links built from the refs work in apps of either system.
 */
const complianceRoute = convertLegacyRouteRef(complianceRouteRef);
const changeCalendarRoute = convertLegacyRouteRef(changeCalendarRouteRef);
const incidentsRoute = convertLegacyRouteRef(incidentsRouteRef);
const sourcesRoute = convertLegacyRouteRef(sourcesRouteRef);

/**
 * Sync status and mapping conflicts at `/itops/sources`, in the sidebar.
 * The page needs `itops.sync-status.read`; a user without it is told so.
 */
const itopsSourcesPage = PageBlueprint.make({
  name: 'sources',
  params: {
    path: '/itops/sources',
    routeRef: sourcesRoute,
    title: 'ITOps sources',
    icon: <StorageIcon />,
    loader: () =>
      import('./components/Sources').then(m =>
        compatWrapper(<m.SourcesContent />),
      ),
  },
});

/** A team's or service's incidents at `/itops/incidents`, in the sidebar. */
const itopsIncidentsPage = PageBlueprint.make({
  name: 'incidents',
  params: {
    path: '/itops/incidents',
    routeRef: incidentsRoute,
    title: 'Incidents',
    icon: <ReportProblemIcon />,
    loader: () =>
      import('./components/IncidentsPage').then(m =>
        compatWrapper(<m.IncidentsContent />),
      ),
  },
});

/** Compliance overview and control pages at `/itops/compliance`, in the sidebar. */
const itopsCompliancePage = PageBlueprint.make({
  name: 'compliance',
  params: {
    path: '/itops/compliance',
    routeRef: complianceRoute,
    title: 'Compliance',
    icon: <VerifiedUserIcon />,
    loader: () =>
      import('./components/Compliance').then(m =>
        compatWrapper(<m.ComplianceRoutes />),
      ),
  },
});

/** The change calendar at `/itops/changes`, in the sidebar. */
const itopsChangeCalendarPage = PageBlueprint.make({
  name: 'changes',
  params: {
    path: '/itops/changes',
    routeRef: changeCalendarRoute,
    title: 'Change calendar',
    icon: <EventIcon />,
    loader: () =>
      import('./components/ChangeCalendar').then(m =>
        compatWrapper(<m.ChangeCalendarContent />),
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
    routes: {
      compliance: complianceRoute,
      changeCalendar: changeCalendarRoute,
      incidents: incidentsRoute,
      sources: sourcesRoute,
    },
    extensions: [
      itopsApi,
      itopsEntityContent,
      itopsCompliancePage,
      itopsChangeCalendarPage,
      itopsIncidentsPage,
      itopsSourcesPage,
      ...entityPageExtensions,
    ],
  });

/**
 * The ITOps plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const itopsPlugin = createPlugin({
  id: 'itops',
  apis: [itopsApiFactory],
  routes: {
    compliance: complianceRouteRef,
    changeCalendar: changeCalendarRouteRef,
    incidents: incidentsRouteRef,
    sources: sourcesRouteRef,
  },
});

/**
 * The incidents of a team or service, filtered, for legacy apps:
 * `<Route path="/itops/incidents" element={<ItopsIncidentsPage />} />`.
 *
 * @public
 */
export const ItopsIncidentsPage = itopsPlugin.provide(
  createRoutableExtension({
    name: 'ItopsIncidentsPage',
    component: () =>
      import('./components/IncidentsPage').then(m => m.IncidentsPage),
    mountPoint: incidentsRouteRef,
  }),
);

/**
 * Sync status per source instance and mapping conflicts, for legacy apps:
 * `<Route path="/itops/sources" element={<ItopsSourcesPage />} />`.
 *
 * @public
 */
export const ItopsSourcesPage = itopsPlugin.provide(
  createRoutableExtension({
    name: 'ItopsSourcesPage',
    component: () => import('./components/Sources').then(m => m.SourcesPage),
    mountPoint: sourcesRouteRef,
  }),
);

/**
 * The compliance overview and control pages, for legacy apps:
 * `<Route path="/itops/compliance" element={<ItopsCompliancePage />} />`.
 *
 * @public
 */
export const ItopsCompliancePage = itopsPlugin.provide(
  createRoutableExtension({
    name: 'ItopsCompliancePage',
    component: () =>
      import('./components/Compliance').then(m => m.CompliancePage),
    mountPoint: complianceRouteRef,
  }),
);

/**
 * The change calendar, for legacy apps:
 * `<Route path="/itops/changes" element={<ItopsChangeCalendarPage />} />`.
 *
 * @public
 */
export const ItopsChangeCalendarPage = itopsPlugin.provide(
  createRoutableExtension({
    name: 'ItopsChangeCalendarPage',
    component: () =>
      import('./components/ChangeCalendar').then(m => m.ChangeCalendarPage),
    mountPoint: changeCalendarRouteRef,
  }),
);

/**
 * The entity's change calendar for the next 30 days, for the ITOps tab or
 * any entity page.
 *
 * @public
 */
export const EntityItopsChangeCalendar = itopsPlugin.provide(
  createComponentExtension({
    name: 'EntityItopsChangeCalendar',
    component: {
      lazy: () =>
        import('./components/ChangeCalendar').then(m => m.EntityChangeCalendar),
    },
  }),
);

/**
 * The entity's compliance scorecard card, for the ITOps tab's
 * `complianceScorecard` slot or any entity page.
 *
 * @public
 */
export const EntityItopsComplianceCard = itopsPlugin.provide(
  createComponentExtension({
    name: 'EntityItopsComplianceCard',
    component: {
      lazy: () =>
        import('./components/Compliance').then(m => m.EntityComplianceCard),
    },
  }),
);

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
