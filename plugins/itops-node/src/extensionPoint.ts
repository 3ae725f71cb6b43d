import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * One configured instance of a source system (a ServiceNow instance, a Jira
 * site, a Veeam backup server) that a backend module contributes.
 *
 * @public
 */
export interface ItopsSource {
  /** Which system this is, e.g. `servicenow`. */
  readonly type: string;
  /** The instance name from config, unique per type, e.g. `production`. */
  readonly instance: string;
  /** Base URL of the instance's API, shown to operators; never carries credentials. */
  readonly baseUrl: string;
}

/**
 * Through this extension point, backend modules register the source
 * instances they serve; the ITOps backend plugin owns storage and sync.
 *
 * @public
 */
export interface ItopsSourcesExtensionPoint {
  addSource(source: ItopsSource): void;
}

/**
 * The ref of {@link ItopsSourcesExtensionPoint}.
 *
 * @public
 */
export const itopsSourcesExtensionPoint =
  createExtensionPoint<ItopsSourcesExtensionPoint>({
    id: 'itops.sources',
  });
