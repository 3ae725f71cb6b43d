import type { ItopsHealth } from '@backstage-itops/plugin-itops-common';
import { createApiRef } from '@backstage/core-plugin-api';

/**
 * The client of the ITOps backend used by every ITOps component.
 *
 * @public
 */
export interface ItopsApi {
  /** Backend and database health, and the source instances it knows. */
  getHealth(): Promise<ItopsHealth>;
}

/**
 * The ref of {@link ItopsApi}.
 *
 * @public
 */
export const itopsApiRef = createApiRef<ItopsApi>({
  id: 'plugin.itops.client',
});
