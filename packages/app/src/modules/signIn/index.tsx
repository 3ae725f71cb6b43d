import { ProxiedSignInPage } from '@backstage/core-components';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

// The demo signs in as the example org's guest user (see app-config.yaml)
// without a click: the proxied sign-in page asks the guest provider's
// refresh endpoint for a session straight away, as it would ask a
// reverse authenticating proxy. A real deployment swaps this for its
// identity provider's sign-in page.
const guestSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props =>
      <ProxiedSignInPage {...props} provider="guest" />,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [guestSignInPage],
});
