import { ITOPS_ANNOTATIONS } from '@backstage-itops/plugin-itops-common';
import { getSourceLinks } from './sourceLinks';

describe('getSourceLinks', () => {
  it('labels every declared annotation', () => {
    const annotations = Object.fromEntries(
      Object.values(ITOPS_ANNOTATIONS).map(key => [key, 'x']),
    );
    const links = getSourceLinks({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'all', annotations },
    });
    expect(links.map(link => link.annotation).sort()).toEqual(
      Object.values(ITOPS_ANNOTATIONS).sort(),
    );
  });

  it('groups links by system in a stable order', () => {
    const links = getSourceLinks({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'x',
        annotations: {
          'itops.io/veeam-job': 'Nightly',
          'itops.io/servicenow-service': 'Payments API',
        },
      },
    });
    expect(links.map(link => [link.system, link.values])).toEqual([
      ['ServiceNow', ['Payments API']],
      ['Veeam', ['Nightly']],
    ]);
  });
});
