import { isItopsAvailable } from './isItopsAvailable';

const entity = (annotations?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
});

describe('isItopsAvailable', () => {
  it('shows the tab only for entities with an ITOps annotation', () => {
    expect(isItopsAvailable(entity({ 'itops.io/jira-project': 'PAY' }))).toBe(
      true,
    );
    expect(isItopsAvailable(entity({ 'backstage.io/x': 'y' }))).toBe(false);
    expect(isItopsAvailable(entity())).toBe(false);
  });
});
