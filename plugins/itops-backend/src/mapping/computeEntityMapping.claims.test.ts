import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { readClaimPolicies } from './claimPolicy';
import {
  type EntityMapping,
  computeEntityMapping,
} from './computeEntityMapping';
import { catalogEntity } from './__testUtils__/entities';

const CI = 'itops.io/servicenow-ci';

/** Two teams' databases and a rogue component, all in one system. */
function catalog(extra: Entity[] = []): Entity[] {
  return [
    catalogEntity({ kind: 'Group', name: 'payments-team' }),
    catalogEntity({ kind: 'Group', name: 'shop-team' }),
    catalogEntity({ kind: 'System', name: 'shop', owner: 'shop-team' }),
    catalogEntity({
      kind: 'Resource',
      name: 'payments-db',
      owner: 'payments-team',
      annotations: { [CI]: 'CI-1' },
    }),
    catalogEntity({
      kind: 'Component',
      name: 'shop-web',
      owner: 'shop-team',
      system: 'shop',
      annotations: { [CI]: 'ci-1,ci-2' },
    }),
    ...extra,
  ];
}

const policies = (claims: JsonObject) =>
  readClaimPolicies(new ConfigReader({ itops: { mapping: { claims } } }));

/** `entity: value (via)` of every servicenow-ci key, sorted. */
function ciKeys(mapping: EntityMapping): string[] {
  return mapping.keys
    .filter(key => key.type === 'servicenow-ci')
    .map(key => `${key.entityRef}: ${key.value} (${key.viaRef})`)
    .sort();
}

describe('computeEntityMapping claim policies', () => {
  it('lets every claimant keep a shared value when open, as by default', () => {
    const open = computeEntityMapping(
      catalog(),
      policies({ 'servicenow-ci': { policy: 'open' } }),
    );
    const byDefault = computeEntityMapping(catalog());
    expect(ciKeys(open)).toEqual(ciKeys(byDefault));
    expect(ciKeys(open)).toEqual([
      'component:default/shop-web: ci-1 (component:default/shop-web)',
      'component:default/shop-web: ci-2 (component:default/shop-web)',
      'group:default/payments-team: ci-1 (resource:default/payments-db)',
      'group:default/shop-team: ci-1 (component:default/shop-web)',
      'group:default/shop-team: ci-2 (component:default/shop-web)',
      'resource:default/payments-db: ci-1 (resource:default/payments-db)',
      'system:default/shop: ci-1 (component:default/shop-web)',
      'system:default/shop: ci-2 (component:default/shop-web)',
    ]);
    expect(open.claimIssues).toEqual([]);
    expect(byDefault.claimIssues).toEqual([]);
  });

  it('withholds a value two entities claim under an exclusive policy, from their groups and systems too', () => {
    const mapping = computeEntityMapping(
      catalog(),
      policies({ 'servicenow-ci': { policy: 'exclusive' } }),
    );
    expect(ciKeys(mapping)).toEqual([
      'component:default/shop-web: ci-2 (component:default/shop-web)',
      'group:default/shop-team: ci-2 (component:default/shop-web)',
      'system:default/shop: ci-2 (component:default/shop-web)',
    ]);
    expect(mapping.claimIssues).toEqual([
      {
        type: 'servicenow-ci',
        value: 'ci-1',
        decision: 'conflict',
        claimants: [
          'component:default/shop-web',
          'resource:default/payments-db',
        ],
        granted: [],
        reason:
          'itops.mapping.claims.servicenow-ci is exclusive and 2 entities claim this value; withheld from all until a rule names its owner',
      },
    ]);
  });

  it('does not count a system or group collecting its parts as a second claimant', () => {
    const mapping = computeEntityMapping(
      catalog(),
      policies({ 'servicenow-ci': { policy: 'exclusive' } }),
    );
    // ci-2 reaches shop-web, its system and its team: one claimant.
    expect(mapping.claimIssues.map(issue => issue.value)).toEqual(['ci-1']);
  });

  it('leaves other types open under a policy for one type', () => {
    const jsm = 'itops.io/jsm-ops-team';
    const mapping = computeEntityMapping(
      catalog([
        catalogEntity({
          kind: 'Component',
          name: 'a',
          annotations: { [jsm]: 'ops' },
        }),
        catalogEntity({
          kind: 'Component',
          name: 'b',
          annotations: { [jsm]: 'ops' },
        }),
      ]),
      policies({ 'servicenow-ci': { policy: 'exclusive' } }),
    );
    expect(
      mapping.keys.filter(key => key.type === 'jsm-team').map(k => k.entityRef),
    ).toEqual(['component:default/a', 'component:default/b']);
  });

  it.each(['open', 'exclusive'])(
    'gives a value with a rule to the owner it names and refuses the others (%s)',
    mode => {
      const mapping = computeEntityMapping(
        catalog(),
        policies({
          'servicenow-ci': {
            policy: mode,
            rules: [{ values: ['CI-1'], owners: ['payments-team'] }],
          },
        }),
      );
      expect(ciKeys(mapping)).toEqual([
        'component:default/shop-web: ci-2 (component:default/shop-web)',
        'group:default/payments-team: ci-1 (resource:default/payments-db)',
        'group:default/shop-team: ci-2 (component:default/shop-web)',
        'resource:default/payments-db: ci-1 (resource:default/payments-db)',
        'system:default/shop: ci-2 (component:default/shop-web)',
      ]);
      expect(mapping.claimIssues).toEqual([
        {
          type: 'servicenow-ci',
          value: 'ci-1',
          decision: 'refused',
          claimants: [
            'component:default/shop-web',
            'resource:default/payments-db',
          ],
          granted: ['resource:default/payments-db'],
          reason:
            'Only the entities and owners in itops.mapping.claims.servicenow-ci.rules[0] may claim this value',
        },
      ]);
    },
  );

  it('lets a rule name entities, and all it names keep the value under exclusive', () => {
    const mapping = computeEntityMapping(
      catalog(),
      policies({
        'servicenow-ci': {
          policy: 'exclusive',
          rules: [
            {
              values: ['ci-1'],
              entities: ['resource:payments-db', 'shop-web'],
            },
          ],
        },
      }),
    );
    expect(mapping.claimIssues).toEqual([]);
    expect(ciKeys(mapping)).toContain(
      'component:default/shop-web: ci-1 (component:default/shop-web)',
    );
    expect(ciKeys(mapping)).toContain(
      'resource:default/payments-db: ci-1 (resource:default/payments-db)',
    );
  });

  it('refuses a lone claimant a rule does not name', () => {
    const mapping = computeEntityMapping(
      catalog(),
      policies({
        'servicenow-ci': {
          rules: [{ values: ['ci-2'], owners: ['payments-team'] }],
        },
      }),
    );
    expect(ciKeys(mapping).filter(key => key.includes('ci-2'))).toEqual([]);
    expect(mapping.claimIssues).toEqual([
      expect.objectContaining({
        value: 'ci-2',
        decision: 'refused',
        claimants: ['component:default/shop-web'],
        granted: [],
      }),
    ]);
  });

  it('matches a rule owner given by spec.owner only, whatever its case', () => {
    const entity = catalogEntity({
      kind: 'Resource',
      name: 'vault',
      annotations: { [CI]: 'ci-9' },
    });
    entity.spec = { owner: 'Security' };
    const mapping = computeEntityMapping(
      [entity],
      policies({
        'servicenow-ci': {
          policy: 'exclusive',
          rules: [{ values: ['ci-9'], owners: ['group:default/security'] }],
        },
      }),
    );
    expect(ciKeys(mapping)).toEqual([
      'resource:default/vault: ci-9 (resource:default/vault)',
    ]);
    expect(mapping.claimIssues).toEqual([]);
  });
});
