import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

// Other plugins (ITOps, org, home, search, user settings) are discovered from
// this package's dependencies through `app.packages: all` in app-config.yaml.
export default createApp({
  features: [catalogPlugin, navModule, homeModule, signInModule],
});
