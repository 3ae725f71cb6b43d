import type { Entity } from '@backstage/catalog-model';
import {
  type EntityMapping,
  computeEntityMapping,
} from './computeEntityMapping';
import {
  catalogEntity,
  exampleCatalog,
  paymentsCatalog,
} from './__testUtils__/entities';

/** The keys of one entity as `type=value (via)` strings, sorted. */
function keysOf(mapping: EntityMapping, entityRef: string): string[] {
  return mapping.keys
    .filter(key => key.entityRef === entityRef)
    .map(key => `${key.type}=${key.value} (${key.viaRef})`)
    .sort();
}

describe('computeEntityMapping', () => {
  const mapping = computeEntityMapping(paymentsCatalog());

  it('gives components and resources their own keys, Jira components per project', () => {
    expect(keysOf(mapping, 'component:default/payments-api')).toEqual([
      'jira-component=pay/payments-api (component:default/payments-api)',
      'jira-component=pay/refunds (component:default/payments-api)',
      'servicenow-service=payments api (component:default/payments-api)',
    ]);
    expect(keysOf(mapping, 'resource:default/payments-db')).toEqual([
      'servicenow-ci=a58cde67 (resource:default/payments-db)',
      'veeam-job=payments db - hourly (resource:default/payments-db)',
    ]);
  });

  it('gives a system the keys of its parts', () => {
    expect(keysOf(mapping, 'system:default/payments')).toEqual([
      'jira-component=pay/payments-api (component:default/payments-api)',
      'jira-component=pay/refunds (component:default/payments-api)',
      'servicenow-ci=a58cde67 (resource:default/payments-db)',
      'servicenow-service=payments api (component:default/payments-api)',
      'veeam-job=payments db - hourly (resource:default/payments-db)',
    ]);
  });

  it('gives a group its own group keys and the keys of what it owns', () => {
    expect(keysOf(mapping, 'group:default/payments-team')).toEqual([
      'jira-component=pay/payments-api (component:default/payments-api)',
      'jira-component=pay/refunds (component:default/payments-api)',
      'jsm-team=payments on-call (group:default/payments-team)',
      'servicenow-ci=a58cde67 (resource:default/payments-db)',
      'servicenow-group=payments (group:default/payments-team)',
      'servicenow-service=payments api (component:default/payments-api)',
      'veeam-job=payments db - hourly (resource:default/payments-db)',
    ]);
  });

  it('lists every entity, with or without annotations', () => {
    expect(
      [...mapping.entities].sort((a, b) =>
        a.entityRef.localeCompare(b.entityRef),
      ),
    ).toEqual([
      {
        entityRef: 'component:default/payments-api',
        kind: 'component',
        title: 'Payments API',
        ownerRef: 'group:default/payments-team',
        systemRef: 'system:default/payments',
      },
      {
        entityRef: 'component:default/payments-lib',
        kind: 'component',
        title: null,
        ownerRef: 'group:default/payments-team',
        systemRef: null,
      },
      {
        entityRef: 'group:default/payments-team',
        kind: 'group',
        title: 'Payments',
        ownerRef: null,
        systemRef: null,
      },
      {
        entityRef: 'resource:default/payments-db',
        kind: 'resource',
        title: null,
        ownerRef: 'group:default/payments-team',
        systemRef: 'system:default/payments',
      },
      {
        entityRef: 'system:default/payments',
        kind: 'system',
        title: 'Payments',
        ownerRef: 'group:default/payments-team',
        systemRef: null,
      },
    ]);
    expect(keysOf(mapping, 'component:default/payments-lib')).toEqual([]);
  });

  it('prefers relations and falls back to spec.owner and spec.system', () => {
    const fromRelations: Entity = {
      ...catalogEntity({
        kind: 'Component',
        name: 'moved',
        owner: 'new-team',
        annotations: { 'itops.io/veeam-tag': 'moved' },
      }),
      spec: { owner: 'stale-team', system: 'stale-system' },
    };
    const withoutRelations: Entity = {
      ...catalogEntity({
        kind: 'Resource',
        name: 'raw',
        annotations: { 'itops.io/veeam-tag': 'raw' },
      }),
      metadata: {
        name: 'raw',
        namespace: 'ops',
        annotations: { 'itops.io/veeam-tag': 'raw' },
      },
      spec: { owner: 'group:default/new-team', system: 'platform' },
      relations: undefined,
    };
    const result = computeEntityMapping([
      fromRelations,
      withoutRelations,
      catalogEntity({ kind: 'Group', name: 'new-team' }),
      catalogEntity({ kind: 'System', name: 'stale-system' }),
      {
        ...catalogEntity({ kind: 'System', name: 'platform' }),
        metadata: { name: 'platform', namespace: 'ops' },
      },
    ]);

    expect(result.entities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          entityRef: 'component:default/moved',
          ownerRef: 'group:default/new-team',
          systemRef: 'system:default/stale-system',
        }),
        expect.objectContaining({
          entityRef: 'resource:ops/raw',
          ownerRef: 'group:default/new-team',
          systemRef: 'system:ops/platform',
        }),
      ]),
    );
    expect(keysOf(result, 'group:default/new-team')).toEqual([
      'veeam-tag=moved (component:default/moved)',
      'veeam-tag=raw (resource:ops/raw)',
    ]);
    expect(keysOf(result, 'system:ops/platform')).toEqual([
      'veeam-tag=raw (resource:ops/raw)',
    ]);
  });

  it('aggregates only into groups and systems that are in the catalog', () => {
    const result = computeEntityMapping([
      catalogEntity({
        kind: 'Component',
        name: 'orphan',
        owner: 'gone-team',
        system: 'gone-system',
        annotations: { 'itops.io/jira-project': 'orph' },
      }),
    ]);
    expect(result.keys).toEqual([
      {
        entityRef: 'component:default/orphan',
        type: 'jira-project',
        value: 'orph',
        viaRef: 'component:default/orphan',
      },
    ]);
  });

  it('maps the example catalog of the repository', () => {
    const example = computeEntityMapping(exampleCatalog());

    expect(keysOf(example, 'component:default/payments-api')).toEqual([
      'jira-component=pay/payments-api (component:default/payments-api)',
      'servicenow-service=payments api (component:default/payments-api)',
      'veeam-object=pay-api-vm-01 (component:default/payments-api)',
    ]);
    expect(keysOf(example, 'system:default/payments')).toEqual(
      expect.arrayContaining([
        'servicenow-service=payments api (component:default/payments-api)',
        'servicenow-ci=a58cde67d98016fa52357ac288ae009c (resource:default/payments-db)',
      ]),
    );
    expect(keysOf(example, 'group:default/payments-team')).toEqual(
      expect.arrayContaining([
        'servicenow-group=payments (group:default/payments-team)',
        'jsm-team=payments (group:default/payments-team)',
        'veeam-object=pay-api-vm-01 (component:default/payments-api)',
      ]),
    );
    // Users are not mapped; every other example entity is.
    expect(example.entities.map(e => e.kind)).not.toContain('user');
    expect(example.entities).toContainEqual({
      entityRef: 'component:default/payments-api',
      kind: 'component',
      title: 'Payments API',
      ownerRef: 'group:default/payments-team',
      systemRef: 'system:default/payments',
      rpo: 'PT24H',
    });
  });
});
