import { createRouteRef } from '@backstage/core-plugin-api';

/** Where legacy apps mount the incidents page (`/itops/incidents`). */
export const incidentsRouteRef = createRouteRef({ id: 'itops-incidents' });
