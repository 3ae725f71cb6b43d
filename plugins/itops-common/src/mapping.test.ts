import type { Entity } from '@backstage/catalog-model';
import { ITOPS_ANNOTATIONS } from './annotations';
import { entityMappingKeys, jiraSiteKey } from './mapping';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', annotations },
  };
}

describe('entityMappingKeys', () => {
  it('maps a Jira project to its components, or to itself without any', () => {
    expect(
      entityMappingKeys(
        entity({
          [ITOPS_ANNOTATIONS.jiraProject]: 'pay',
          [ITOPS_ANNOTATIONS.jiraComponent]: 'api, Web ',
        }),
      ),
    ).toEqual([
      { type: 'jira-component', value: 'pay/api' },
      { type: 'jira-component', value: 'pay/web' },
    ]);
    expect(
      entityMappingKeys(entity({ [ITOPS_ANNOTATIONS.jiraProject]: 'PAY' })),
    ).toEqual([{ type: 'jira-project', value: 'pay' }]);
  });

  it('scopes Jira keys to the sites the entity names, and only then', () => {
    expect(
      entityMappingKeys(
        entity({
          [ITOPS_ANNOTATIONS.jiraSite]: 'cloud, dc',
          [ITOPS_ANNOTATIONS.jiraProject]: 'PAY',
          [ITOPS_ANNOTATIONS.jiraComponent]: 'api',
        }),
      ),
    ).toEqual([
      { type: 'jira-component', value: 'cloud:pay/api' },
      { type: 'jira-component', value: 'dc:pay/api' },
    ]);
    expect(
      entityMappingKeys(
        entity({
          [ITOPS_ANNOTATIONS.jiraSite]: 'cloud',
          [ITOPS_ANNOTATIONS.jiraProject]: 'PAY',
        }),
      ),
    ).toEqual([{ type: 'jira-project', value: 'cloud:pay' }]);
    // As the module scopes an issue's keys.
    expect(jiraSiteKey('cloud', 'PAY')).toBe('cloud:PAY');
  });
});
