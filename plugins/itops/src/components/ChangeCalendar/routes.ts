import { createRouteRef } from '@backstage/core-plugin-api';

/** Where legacy apps mount the change calendar (`/itops/changes`). */
export const changeCalendarRouteRef = createRouteRef({
  id: 'itops-change-calendar',
});
