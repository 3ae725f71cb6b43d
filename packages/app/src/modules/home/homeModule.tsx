import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  HomePageLayoutBlueprint,
  HomePageWidgetBlueprint,
} from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

const content = `
## Backstage ITOps demo

On-call, incidents, changes and backups from ServiceNow, Jira Service
Management and Veeam, on the entities of the [catalog](/catalog).

Open a service, for example
[Payments API](/catalog/default/component/payments-api/itops), and its
**ITOps** tab.
`;

const welcomeWidget = HomePageWidgetBlueprint.make({
  name: 'welcome',
  params: {
    name: 'ItopsWelcome',
    title: 'Welcome',
    description: 'What this demo shows and where to start',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

const homeLayout = HomePageLayoutBlueprint.make({
  params: {
    loader: () => import('./HomeLayout').then(m => m.HomeLayout),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [welcomeWidget, homeLayout],
});
