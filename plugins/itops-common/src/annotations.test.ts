import type { Entity } from '@backstage/catalog-model';
import {
  ITOPS_ANNOTATIONS,
  getItopsAnnotations,
  hasItopsAnnotations,
  isItopsAnnotation,
  splitAnnotationValue,
} from './annotations';

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', annotations },
    spec: {},
  };
}

describe('ITOps annotations', () => {
  it('keeps every annotation in the itops.io namespace, each once', () => {
    const values = Object.values(ITOPS_ANNOTATIONS);
    expect(new Set(values).size).toBe(values.length);
    for (const value of values) {
      expect(value).toMatch(/^itops\.io\/[a-z0-9-]+$/);
    }
  });

  it('recognises declared annotations only', () => {
    expect(isItopsAnnotation('itops.io/veeam-job')).toBe(true);
    expect(isItopsAnnotation('itops.io/veeam-jobs')).toBe(false);
    expect(isItopsAnnotation('backstage.io/source-location')).toBe(false);
  });

  it('splits comma-separated values and drops blanks', () => {
    expect(splitAnnotationValue(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(splitAnnotationValue('   ')).toEqual([]);
    expect(splitAnnotationValue(undefined)).toEqual([]);
  });

  it('reads only declared, non-blank ITOps annotations of an entity', () => {
    const entity = entityWith({
      'itops.io/veeam-job': 'Payments DB - Daily, Payments DB - Hourly',
      'itops.io/jira-project': ' ',
      'itops.io/unknown': 'x',
      'backstage.io/techdocs-ref': 'dir:.',
    });
    expect(getItopsAnnotations(entity)).toEqual({
      'itops.io/veeam-job': ['Payments DB - Daily', 'Payments DB - Hourly'],
    });
    expect(hasItopsAnnotations(entity)).toBe(true);
    expect(hasItopsAnnotations(entityWith({ 'itops.io/unknown': 'x' }))).toBe(
      false,
    );
  });
});
