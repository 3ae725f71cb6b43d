import type { ItopsHealth } from '@backstage-itops/plugin-itops-common';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { ItopsApi } from './ItopsApi';

/**
 * {@link ItopsApi} over HTTP, through Backstage discovery and fetch (which
 * adds the user's token).
 *
 * @public
 */
export class ItopsClient implements ItopsApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<ItopsHealth> {
    return this.#get<ItopsHealth>('/health', { acceptedStatus: [503] });
  }

  async #get<T>(
    path: string,
    options: { acceptedStatus?: number[] } = {},
  ): Promise<T> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('itops');
    const response = await this.#fetchApi.fetch(`${baseUrl}${path}`);
    // Some endpoints describe a degraded state in a non-2xx body (health: 503).
    if (!response.ok && !options.acceptedStatus?.includes(response.status)) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
