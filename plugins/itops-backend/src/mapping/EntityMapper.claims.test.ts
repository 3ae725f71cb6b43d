import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import { EntityMapper } from './EntityMapper';
import { readClaimIssues, replaceClaimIssues } from './claimIssueStore';
import { catalogEntity } from './__testUtils__/entities';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(120_000);

const migrationsDirectory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);

const CI = 'itops.io/servicenow-ci';
const EXCLUSIVE: JsonObject = {
  itops: { mapping: { claims: { 'servicenow-ci': { policy: 'exclusive' } } } },
};

const claimant = (name: string, ci: string) =>
  catalogEntity({ kind: 'Component', name, annotations: { [CI]: ci } });

function createMapper(
  knex: Knex,
  entities: Entity[],
  logger = mockServices.logger.mock(),
) {
  logger.child.mockReturnValue(logger);
  return EntityMapper.create({
    knex,
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    scheduler: mockServices.scheduler.mock(),
    config: mockServices.rootConfig({ data: EXCLUSIVE }),
    logger,
  });
}

const storedCiOwners = async (knex: Knex) =>
  (
    await knex('itops_entity_keys')
      .where({ key_type: 'servicenow-ci' })
      .orderBy('entity_ref')
  ).map(row => `${row.entity_ref}=${row.key_value}`);

describe('EntityMapper claim policies', () => {
  const databases = createTestDatabases();

  async function migratedDatabase(
    databaseId: Parameters<typeof databases.init>[0],
  ) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDirectory });
    return knex;
  }

  it('fails at creation on a bad policy, naming the key', () => {
    expect(() =>
      EntityMapper.create({
        knex: {} as Knex,
        catalog: catalogServiceMock(),
        auth: mockServices.auth(),
        scheduler: mockServices.scheduler.mock(),
        config: mockServices.rootConfig({
          data: {
            itops: { mapping: { claims: { 'veeam-job': { policy: 'mine' } } } },
          },
        }),
        logger: mockServices.logger.mock(),
      }),
    ).toThrow('Invalid config at itops.mapping.claims.veeam-job.policy');
  });

  it.each(databases.eachSupportedId())(
    'stores a conflict, withholds the value and logs it once on %p',
    async databaseId => {
      const knex = await migratedDatabase(databaseId);
      const logger = mockServices.logger.mock();
      const entities = [claimant('a', 'ci-1'), claimant('b', 'CI-1')];

      const first = await createMapper(knex, entities, logger).refresh();
      // Another instance taking its turn finds the same decision stored.
      const second = await createMapper(knex, entities, logger).refresh();

      expect(first).toMatchObject({ changed: true, claimIssues: 1 });
      expect(second).toMatchObject({ changed: false, claimIssues: 1 });
      expect(await storedCiOwners(knex)).toEqual([]);
      expect(await readClaimIssues(knex)).toEqual([
        {
          type: 'servicenow-ci',
          value: 'ci-1',
          decision: 'conflict',
          claimants: ['component:default/a', 'component:default/b'],
          granted: [],
          reason: expect.stringContaining('exclusive'),
          detectedAt: expect.any(String),
        },
      ]);
      const warnings = logger.warn.mock.calls.filter(([message]) =>
        message.includes('claim'),
      );
      expect(warnings).toEqual([
        [
          "ITOps mapping claim conflict: servicenow-ci 'ci-1' claimed by component:default/a, component:default/b, withheld from all. itops.mapping.claims.servicenow-ci is exclusive and 2 entities claim this value; withheld from all until a rule names its owner",
          expect.objectContaining({ value: 'ci-1' }),
        ],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives the value back and clears the conflict when a claimant withdraws on %p',
    async databaseId => {
      const knex = await migratedDatabase(databaseId);
      const logger = mockServices.logger.mock();
      await createMapper(knex, [
        claimant('a', 'ci-1'),
        claimant('b', 'ci-1'),
      ]).refresh();

      await createMapper(knex, [claimant('a', 'ci-1')], logger).refresh();

      expect(await storedCiOwners(knex)).toEqual(['component:default/a=ci-1']);
      expect(await readClaimIssues(knex)).toEqual([]);
      expect(logger.info).toHaveBeenCalledWith(
        "ITOps mapping claim of servicenow-ci 'ci-1' no longer withheld or refused",
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the detection time of an unchanged issue and renews a changed one on %p',
    async databaseId => {
      const knex = await migratedDatabase(databaseId);
      const issue = {
        type: 'servicenow-ci' as const,
        value: 'ci-1',
        decision: 'conflict' as const,
        claimants: ['component:default/a', 'component:default/b'],
        granted: [],
        reason: 'why',
      };
      const t0 = Date.parse('2026-12-01T00:00:00Z');

      expect(await replaceClaimIssues(knex, [issue], t0)).toEqual({
        raised: [issue],
        resolved: [],
      });
      expect(await replaceClaimIssues(knex, [issue], t0 + 1000)).toEqual({
        raised: [],
        resolved: [],
      });
      expect((await readClaimIssues(knex))[0].detectedAt).toBe(
        '2026-12-01T00:00:00.000Z',
      );

      const widened = {
        ...issue,
        claimants: [...issue.claimants, 'component:default/c'],
      };
      expect(await replaceClaimIssues(knex, [widened], t0 + 2000)).toEqual({
        raised: [widened],
        resolved: [],
      });
      expect(await readClaimIssues(knex)).toEqual([
        { ...widened, detectedAt: '2026-12-01T00:00:02.000Z' },
      ]);
    },
  );
});
