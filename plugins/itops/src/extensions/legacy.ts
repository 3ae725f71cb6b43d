import { createComponentExtension } from '@backstage/core-plugin-api';
import { createCardExtension } from '@backstage/plugin-home-react';
import { itopsPlugin } from '../plugin';

/**
 * The ITOps entity cards for legacy apps, e.g. on the overview page:
 * `<EntitySwitch.Case if={isItopsAvailable}><EntityOnCallCard /></EntitySwitch.Case>`.
 *
 * @public
 */
export const EntityOnCallCard = itopsPlugin.provide(
  createComponentExtension({
    name: 'EntityOnCallCard',
    component: {
      lazy: () =>
        import('../components/OnCallCard').then(m => m.EntityOnCallCard),
    },
  }),
);

/** @public */
export const EntityOpenIncidentsCard = itopsPlugin.provide(
  createComponentExtension({
    name: 'EntityOpenIncidentsCard',
    component: {
      lazy: () =>
        import('../components/IncidentsCard').then(
          m => m.EntityOpenIncidentsCard,
        ),
    },
  }),
);

/** @public */
export const EntityChangesCard = itopsPlugin.provide(
  createComponentExtension({
    name: 'EntityChangesCard',
    component: {
      lazy: () =>
        import('../components/ChangesCard').then(m => m.EntityChangesCard),
    },
  }),
);

/** @public */
export const EntityBackupsCard = itopsPlugin.provide(
  createComponentExtension({
    name: 'EntityBackupsCard',
    component: {
      lazy: () =>
        import('../components/BackupsCard').then(m => m.EntityBackupsCard),
    },
  }),
);

/** @public */
export const EntityKpiCard = itopsPlugin.provide(
  createComponentExtension({
    name: 'EntityKpiCard',
    component: {
      lazy: () => import('../components/KpiCard').then(m => m.EntityKpiCard),
    },
  }),
);

/**
 * Home page card for legacy apps: on-call and open incidents of the
 * signed-in user's teams.
 *
 * @public
 */
export const HomePageMyOnCallCard = itopsPlugin.provide(
  createCardExtension({
    name: 'HomePageMyOnCallCard',
    title: 'My on-call and open incidents',
    components: () =>
      import('../components/HomePageOnCallCard').then(m => ({
        Content: m.MyOnCallAndIncidents,
      })),
  }),
);
