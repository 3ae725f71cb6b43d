import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import type { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { EntityMapper } from './EntityMapper';
import {
  catalogEntity,
  exampleCatalog,
  paymentsCatalog,
} from './__testUtils__/entities';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(120_000);

const migrationsDirectory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);

function createMapper(options: {
  knex: Knex;
  entities?: Entity[];
  catalog?: typeof catalogServiceRef.T;
  config?: JsonObject;
  scheduler?: ReturnType<typeof mockServices.scheduler.mock>;
  logger?: ReturnType<typeof mockServices.logger.mock>;
  onChange?: () => Promise<void>;
  auditor?: ReturnType<typeof mockServices.auditor.mock>;
}) {
  return EntityMapper.create({
    knex: options.knex,
    catalog:
      options.catalog ?? catalogServiceMock({ entities: options.entities }),
    auth: mockServices.auth(),
    scheduler: options.scheduler ?? mockServices.scheduler.mock(),
    config: mockServices.rootConfig({ data: options.config }),
    logger: options.logger ?? mockServices.logger.mock(),
    onChange: options.onChange,
    auditor: options.auditor,
  });
}

/** The stored keys of one entity as `type=value (via)` strings, sorted. */
async function storedKeys(knex: Knex, entityRef: string): Promise<string[]> {
  const rows = await knex('itops_entity_keys').where({ entity_ref: entityRef });
  return rows
    .map(row => `${row.key_type}=${row.key_value} (${row.via_ref})`)
    .sort();
}

async function storedEntityRefs(knex: Knex): Promise<string[]> {
  const rows = await knex('itops_entities').select('entity_ref');
  return rows.map(row => row.entity_ref).sort();
}

/** Counts the statements that change data from now on. */
function countWrites(knex: Knex): () => number {
  let writes = 0;
  knex.on('query', (query: { sql: string }) => {
    if (/^\s*(insert|update|delete)\b/i.test(query.sql)) {
      writes += 1;
    }
  });
  return () => writes;
}

describe('EntityMapper', () => {
  const databases = createTestDatabases();

  async function migratedDatabase(
    databaseId: Parameters<typeof databases.init>[0],
  ) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDirectory });
    return knex;
  }

  describe('refresh', () => {
    it.each(databases.eachSupportedId())(
      'records an audit event for each stored change of the mapping, and none without one, on %p',
      async databaseId => {
        const knex = await migratedDatabase(databaseId);
        const auditor = mockServices.auditor.mock();
        const success = jest.fn();
        auditor.createEvent.mockResolvedValue({ success, fail: jest.fn() });
        const mapper = createMapper({
          knex,
          entities: paymentsCatalog(),
          auditor,
        });

        await mapper.refresh();
        await mapper.refresh();

        expect(auditor.createEvent).toHaveBeenCalledTimes(1);
        expect(auditor.createEvent).toHaveBeenCalledWith({
          eventId: 'mapping-change',
          severityLevel: 'low',
          meta: { entities: 5, keys: 17, claimIssues: 0 },
        });
        expect(success).toHaveBeenCalledTimes(1);
      },
    );

    it.each(databases.eachSupportedId())(
      'stores entities and their own and aggregated keys on %p',
      async databaseId => {
        const knex = await migratedDatabase(databaseId);

        const summary = await createMapper({
          knex,
          entities: paymentsCatalog(),
        }).refresh();

        expect(summary).toEqual({
          changed: true,
          entities: 5,
          keys: 17,
          droppedKeys: 0,
          claimIssues: 0,
          durationMs: expect.any(Number),
        });
        expect(await storedEntityRefs(knex)).toEqual([
          'component:default/payments-api',
          'component:default/payments-lib',
          'group:default/payments-team',
          'resource:default/payments-db',
          'system:default/payments',
        ]);
        expect(
          await knex('itops_entities')
            .where({ entity_ref: 'component:default/payments-lib' })
            .first(),
        ).toEqual({
          entity_ref: 'component:default/payments-lib',
          kind: 'component',
          title: null,
          owner_ref: 'group:default/payments-team',
          system_ref: null,
          rpo: null,
        });
        expect(
          await storedKeys(knex, 'component:default/payments-api'),
        ).toEqual([
          'jira-component=pay/payments-api (component:default/payments-api)',
          'jira-component=pay/refunds (component:default/payments-api)',
          'servicenow-service=payments api (component:default/payments-api)',
        ]);
        expect(await storedKeys(knex, 'system:default/payments')).toEqual([
          'jira-component=pay/payments-api (component:default/payments-api)',
          'jira-component=pay/refunds (component:default/payments-api)',
          'servicenow-ci=a58cde67 (resource:default/payments-db)',
          'servicenow-service=payments api (component:default/payments-api)',
          'veeam-job=payments db - hourly (resource:default/payments-db)',
        ]);
        expect(await storedKeys(knex, 'group:default/payments-team')).toEqual([
          'jira-component=pay/payments-api (component:default/payments-api)',
          'jira-component=pay/refunds (component:default/payments-api)',
          'jsm-team=payments on-call (group:default/payments-team)',
          'servicenow-ci=a58cde67 (resource:default/payments-db)',
          'servicenow-group=payments (group:default/payments-team)',
          'servicenow-service=payments api (component:default/payments-api)',
          'veeam-job=payments db - hourly (resource:default/payments-db)',
        ]);
        expect(
          await storedKeys(knex, 'component:default/payments-lib'),
        ).toEqual([]);
      },
    );

    it.each(databases.eachSupportedId())(
      'tells its listener about changed mappings only, on %p',
      async databaseId => {
        const knex = await migratedDatabase(databaseId);
        const onChange = jest.fn(async () => {});
        await createMapper({
          knex,
          entities: paymentsCatalog(),
          onChange,
        }).refresh();
        await createMapper({
          knex,
          entities: paymentsCatalog(),
          onChange,
        }).refresh();
        expect(onChange).toHaveBeenCalledTimes(1);

        // A failing listener is logged and does not fail the refresh.
        const logger = mockServices.logger.mock();
        const failing = jest.fn(async () => {
          throw new Error('scheduler gone');
        });
        await expect(
          createMapper({
            knex,
            entities: [],
            onChange: failing,
            logger,
          }).refresh(),
        ).resolves.toMatchObject({ changed: true });
        expect(failing).toHaveBeenCalledTimes(1);
      },
    );

    it.each(databases.eachSupportedId())(
      'writes nothing when the catalog gives the same mapping on %p',
      async databaseId => {
        const knex = await migratedDatabase(databaseId);
        const mapper = createMapper({ knex, entities: paymentsCatalog() });
        await mapper.refresh();
        const writes = countWrites(knex);

        await expect(mapper.refresh()).resolves.toMatchObject({
          changed: false,
          entities: 5,
          keys: 17,
        });
        // Another instance compares with the database, not with its memory.
        await expect(
          createMapper({ knex, entities: paymentsCatalog() }).refresh(),
        ).resolves.toMatchObject({ changed: false });
        expect(writes()).toBe(0);
      },
    );

    it.each(databases.eachSupportedId())(
      'follows removed annotations and deleted entities on %p',
      async databaseId => {
        const knex = await migratedDatabase(databaseId);
        await createMapper({ knex, entities: paymentsCatalog() }).refresh();

        const changedCatalog = paymentsCatalog()
          .filter(entity => entity.metadata.name !== 'payments-db')
          .map(entity => {
            if (entity.metadata.name !== 'payments-api') {
              return entity;
            }
            const { ['itops.io/servicenow-service']: _removed, ...rest } =
              entity.metadata.annotations!;
            return {
              ...entity,
              metadata: { ...entity.metadata, annotations: rest },
            };
          });
        const mapper = createMapper({ knex, entities: changedCatalog });

        await expect(mapper.refresh()).resolves.toMatchObject({
          changed: true,
          entities: 4,
          keys: 8,
        });
        expect(await storedEntityRefs(knex)).not.toContain(
          'resource:default/payments-db',
        );
        expect(await storedKeys(knex, 'system:default/payments')).toEqual([
          'jira-component=pay/payments-api (component:default/payments-api)',
          'jira-component=pay/refunds (component:default/payments-api)',
        ]);
        expect(await storedKeys(knex, 'group:default/payments-team')).toEqual([
          'jira-component=pay/payments-api (component:default/payments-api)',
          'jira-component=pay/refunds (component:default/payments-api)',
          'jsm-team=payments on-call (group:default/payments-team)',
          'servicenow-group=payments (group:default/payments-team)',
        ]);
        await expect(mapper.refresh()).resolves.toMatchObject({
          changed: false,
        });
      },
    );

    it.each(databases.eachSupportedId())(
      'maps the example catalog on %p',
      async databaseId => {
        const knex = await migratedDatabase(databaseId);

        await createMapper({ knex, entities: exampleCatalog() }).refresh();

        expect(
          await storedKeys(knex, 'component:default/payments-api'),
        ).toEqual([
          'jira-component=pay/payments-api (component:default/payments-api)',
          'servicenow-service=payments api (component:default/payments-api)',
          'veeam-object=pay-api-vm-01 (component:default/payments-api)',
        ]);
        expect(await storedEntityRefs(knex)).not.toContain(
          'user:default/alice.ng',
        );
      },
    );

    it.each(databases.eachSupportedId())(
      'maps a catalog of 5,000 components on %p',
      async databaseId => {
        const knex = await migratedDatabase(databaseId);
        const entities: Entity[] = [];
        for (let team = 0; team < 50; team++) {
          entities.push(
            catalogEntity({
              kind: 'Group',
              name: `team-${team}`,
              annotations: {
                'itops.io/servicenow-assignment-group': `Team ${team}`,
              },
            }),
            catalogEntity({
              kind: 'System',
              name: `system-${team}`,
              owner: `team-${team}`,
            }),
          );
          for (let service = 0; service < 100; service++) {
            entities.push(
              catalogEntity({
                kind: 'Component',
                name: `service-${team}-${service}`,
                owner: `team-${team}`,
                system: `system-${team}`,
                annotations: {
                  'itops.io/servicenow-service': `Service ${team}-${service}`,
                  'itops.io/jira-project': `T${team}`,
                  'itops.io/jira-component': `service-${service}`,
                },
              }),
            );
          }
        }
        const mapper = createMapper({ knex, entities });

        await expect(mapper.refresh()).resolves.toMatchObject({
          changed: true,
          entities: 5_100,
          // Own keys, the same again on the systems and on the groups, plus
          // one group key per team.
          keys: 3 * 10_000 + 50,
        });
        await expect(mapper.refresh()).resolves.toMatchObject({
          changed: false,
        });
      },
    );

    it('leaves out annotation values that do not fit the key column', async () => {
      const knex = await migratedDatabase('SQLITE_3');
      const logger = mockServices.logger.mock();
      logger.child.mockReturnValue(logger);

      const summary = await createMapper({
        knex,
        logger,
        entities: [
          catalogEntity({
            kind: 'Component',
            name: 'long',
            title: 'T'.repeat(300),
            annotations: {
              'itops.io/veeam-job': `short, ${'x'.repeat(256)}`,
            },
          }),
        ],
      }).refresh();

      expect(summary).toMatchObject({ keys: 1, droppedKeys: 1 });
      expect(await storedKeys(knex, 'component:default/long')).toEqual([
        'veeam-job=short (component:default/long)',
      ]);
      const row = await knex('itops_entities').first();
      expect(row.title).toHaveLength(255);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('left out 1 annotation values'),
      );
    });
  });

  describe('start', () => {
    it('schedules the refresh every minute by default', async () => {
      const knex = await migratedDatabase('SQLITE_3');
      const scheduler = mockServices.scheduler.mock();

      await createMapper({
        knex,
        scheduler,
        entities: paymentsCatalog(),
      }).start();

      expect(scheduler.scheduleTask).toHaveBeenCalledWith({
        id: 'itops-entity-mapping',
        frequency: { minutes: 1 },
        timeout: { minutes: 5 },
        initialDelay: { seconds: 2 },
        scope: 'global',
        fn: expect.any(Function),
      });
      const { fn } = scheduler.scheduleTask.mock.calls[0][0];
      await fn(new AbortController().signal);
      expect(await storedEntityRefs(knex)).toHaveLength(5);
    });

    it('uses the configured schedule', async () => {
      const knex = await migratedDatabase('SQLITE_3');
      const scheduler = mockServices.scheduler.mock();

      await createMapper({
        knex,
        scheduler,
        config: {
          itops: {
            mapping: {
              schedule: { frequency: { minutes: 10 }, timeout: 'PT2M' },
            },
          },
        },
      }).start();

      expect(scheduler.scheduleTask).toHaveBeenCalledWith(
        expect.objectContaining({
          frequency: { minutes: 10 },
          timeout: expect.objectContaining({ minutes: 2 }),
          initialDelay: { seconds: 2 },
          scope: 'global',
        }),
      );
    });

    it('logs a failed run instead of throwing', async () => {
      const knex = await migratedDatabase('SQLITE_3');
      const scheduler = mockServices.scheduler.mock();
      const logger = mockServices.logger.mock();
      logger.child.mockReturnValue(logger);
      const catalog = catalogServiceMock.mock({
        streamEntities: () => {
          throw new Error('catalog is down');
        },
      });

      await createMapper({ knex, scheduler, logger, catalog }).start();
      const { fn } = scheduler.scheduleTask.mock.calls[0][0];

      await expect(fn(new AbortController().signal)).resolves.toBeUndefined();
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('catalog is down'),
      );
    });
  });
});
