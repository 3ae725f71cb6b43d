import type { JsonObject } from '@backstage/types';
import type { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import request from 'supertest';
import { itopsPlugin } from '../../plugin';

/** The production service the compliance route tests judge, `component:default/payments`. */
export function paymentsService(
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: {
        'itops.io/servicenow-service': 'payments',
        ...annotations,
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/x',
    },
  };
}

/**
 * The ITOps backend on a seeded database, with requests as a given user:
 * what every compliance route test starts from.
 */
export async function startComplianceBackend(options: {
  knex: Knex;
  catalog: Entity[];
  /** App config, e.g. `{ itops: { compliance: { … } } }`. */
  config?: Record<string, unknown>;
  /** Further service factories: an auditor or permissions mock. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
}) {
  const { server } = await startTestBackend({
    features: [
      itopsPlugin,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: (options.config ?? {}) as JsonObject,
      }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      catalogServiceMock.factory({ entities: options.catalog }),
      ...(options.features ?? []),
    ],
  });
  return {
    as: (user?: string) => ({
      get: (path: string) =>
        request(server)
          .get(`/api/itops${path}`)
          .set('Authorization', mockCredentials.user.header(user)),
      post: (path: string, body: object = {}) =>
        request(server)
          .post(`/api/itops${path}`)
          .set('Authorization', mockCredentials.user.header(user))
          .send(body),
    }),
  };
}
