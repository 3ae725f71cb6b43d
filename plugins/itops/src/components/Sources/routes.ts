import { createRouteRef } from '@backstage/core-plugin-api';

/** Where legacy apps mount the sources admin page (`/itops/sources`). */
export const sourcesRouteRef = createRouteRef({ id: 'itops-sources' });
