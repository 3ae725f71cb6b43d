import type { Entity } from '@backstage/catalog-model';
import { isItopsAvailable } from './isItopsAvailable';

const entity = (
  annotations?: Record<string, string>,
  kind = 'Component',
  relations: Entity['relations'] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
  relations,
});

describe('isItopsAvailable', () => {
  it('shows the tab for entities with an ITOps annotation', () => {
    expect(isItopsAvailable(entity({ 'itops.io/jira-project': 'PAY' }))).toBe(
      true,
    );
    expect(isItopsAvailable(entity({ 'backstage.io/x': 'y' }))).toBe(false);
    expect(isItopsAvailable(entity())).toBe(false);
  });

  it('shows the tab for teams, systems, domains and people through their relations', () => {
    const part = (type: string) => [
      { type, targetRef: 'component:default/payments-api' },
    ];
    expect(isItopsAvailable(entity({}, 'System', part('hasPart')))).toBe(true);
    expect(isItopsAvailable(entity({}, 'Group', part('ownerOf')))).toBe(true);
    expect(isItopsAvailable(entity({}, 'System'))).toBe(false);
    expect(isItopsAvailable(entity({}, 'Domain', part('hasPart')))).toBe(true);
    expect(isItopsAvailable(entity({}, 'Domain'))).toBe(false);
    expect(isItopsAvailable(entity({}, 'User', part('memberOf')))).toBe(true);
    expect(isItopsAvailable(entity({}, 'User'))).toBe(false);
    expect(isItopsAvailable(entity({}, 'Component', part('ownerOf')))).toBe(
      false,
    );
  });
});
