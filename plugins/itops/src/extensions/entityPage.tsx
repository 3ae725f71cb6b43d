import { compatWrapper } from '@backstage/core-compat-api';
import type { ExtensionDefinition } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { isItopsAvailable } from '../isItopsAvailable';

/**
 * Entity cards for the overview page (`entity-card:itops/<name>`), each
 * usable alone; the ITOps tab shows them all together. Apps move or turn
 * them off through `app.extensions`.
 */
const onCallEntityCard = EntityCardBlueprint.make({
  name: 'oncall',
  params: {
    filter: isItopsAvailable,
    loader: () =>
      import('../components/OnCallCard').then(m =>
        compatWrapper(<m.EntityOnCallCard />),
      ),
  },
});

const openIncidentsEntityCard = EntityCardBlueprint.make({
  name: 'incidents',
  params: {
    filter: isItopsAvailable,
    loader: () =>
      import('../components/IncidentsCard').then(m =>
        compatWrapper(<m.EntityOpenIncidentsCard />),
      ),
  },
});

const changesEntityCard = EntityCardBlueprint.make({
  name: 'changes',
  params: {
    filter: isItopsAvailable,
    loader: () =>
      import('../components/ChangesCard').then(m =>
        compatWrapper(<m.EntityChangesCard />),
      ),
  },
});

const backupsEntityCard = EntityCardBlueprint.make({
  name: 'backups',
  params: {
    filter: isItopsAvailable,
    loader: () =>
      import('../components/BackupsCard').then(m =>
        compatWrapper(<m.EntityBackupsCard />),
      ),
  },
});

/** `home-page-widget:itops/my-oncall`, component name `ItopsMyOnCall`. */
const myOnCallHomePageWidget = HomePageWidgetBlueprint.make({
  name: 'my-oncall',
  params: {
    name: 'ItopsMyOnCall',
    title: 'My on-call and open incidents',
    description: 'Who is on call and the open incidents of your teams',
    components: () =>
      import('../components/HomePageOnCallCard').then(m => ({
        Content: () => compatWrapper(<m.MyOnCallAndIncidents />),
      })),
  },
});

/** The entity-page and home-page extensions of the ITOps plugin. */
export const entityPageExtensions: ExtensionDefinition[] = [
  onCallEntityCard,
  openIncidentsEntityCard,
  changesEntityCard,
  backupsEntityCard,
  myOnCallHomePageWidget,
];
