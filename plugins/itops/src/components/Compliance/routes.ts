import { createRouteRef } from '@backstage/core-plugin-api';

/** Where legacy apps mount the compliance pages (`/itops/compliance`). */
export const complianceRouteRef = createRouteRef({ id: 'itops-compliance' });
