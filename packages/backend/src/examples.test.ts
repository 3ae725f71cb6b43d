import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  type Entity,
  type KindValidator,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  ITOPS_ANNOTATION_PREFIX,
  COMPLIANCE_ANNOTATIONS,
  isItopsAnnotation,
} from '@backstage-itops/plugin-itops-common';

const repoRoot = path.resolve(__dirname, '../../..');
const examplesDir = path.join(repoRoot, 'examples');

const kindValidators: Record<string, KindValidator> = {
  API: apiEntityV1alpha1Validator,
  Component: componentEntityV1alpha1Validator,
  Domain: domainEntityV1alpha1Validator,
  Group: groupEntityV1alpha1Validator,
  Resource: resourceEntityV1alpha1Validator,
  System: systemEntityV1alpha1Validator,
  User: userEntityV1alpha1Validator,
};

const entityPolicy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

function loadExamples(): Array<{ file: string; entity: Entity }> {
  return fs
    .readdirSync(examplesDir)
    .filter(file => file.endsWith('.yaml'))
    .flatMap(file =>
      parseAllDocuments(
        fs.readFileSync(path.join(examplesDir, file), 'utf8'),
      ).map(document => {
        if (document.errors.length > 0) {
          throw new Error(`${file}: ${document.errors[0].message}`);
        }
        return { file, entity: document.toJS() as Entity };
      }),
    );
}

describe('example catalog', () => {
  const examples = loadExamples();
  const refs = new Set(
    examples.map(({ entity }) => stringifyEntityRef(entity)),
  );

  it('describes a believable organisation', () => {
    const count = (kind: string) =>
      examples.filter(({ entity }) => entity.kind === kind).length;
    expect(count('Group')).toBeGreaterThanOrEqual(3);
    expect(count('System')).toBeGreaterThanOrEqual(2);
    expect(count('Component') + count('Resource')).toBeGreaterThanOrEqual(10);
  });

  it.each(examples.map(e => [`${e.file} ${e.entity.metadata?.name}`, e]))(
    '%s is a valid entity of its kind',
    async (_, { entity }) => {
      await expect(entityPolicy.enforce(entity)).resolves.toBeDefined();
      const validator = kindValidators[entity.kind];
      expect(validator).toBeDefined();
      await expect(validator.check(entity)).resolves.toBe(true);
    },
  );

  it('uses only ITOps annotations declared in itops-common', () => {
    const complianceAnnotations = new Set<string>(
      Object.values(COMPLIANCE_ANNOTATIONS),
    );
    const undeclared = examples.flatMap(({ file, entity }) =>
      Object.keys(entity.metadata.annotations ?? {})
        .filter(key => key.startsWith(ITOPS_ANNOTATION_PREFIX))
        .filter(key => !isItopsAnnotation(key))
        .filter(key => !complianceAnnotations.has(key))
        // Per-supplier agreement links (SUP-01) carry the supplier in the key.
        .filter(
          key =>
            !key.startsWith(COMPLIANCE_ANNOTATIONS.supplierAgreementPrefix),
        )
        .map(key => `${file}: ${entity.metadata.name}: ${key}`),
    );
    expect(undeclared).toEqual([]);
    const annotated = examples.filter(({ entity }) =>
      Object.keys(entity.metadata.annotations ?? {}).some(isItopsAnnotation),
    );
    expect(annotated.length).toBeGreaterThanOrEqual(10);
  });

  it('refers only to entities it defines', () => {
    const dangling: string[] = [];
    const check = (entity: Entity, ref: unknown, defaultKind: string) => {
      if (typeof ref !== 'string') return;
      const target = stringifyEntityRef(parseEntityRef(ref, { defaultKind }));
      if (!refs.has(target)) {
        dangling.push(`${entity.metadata.name} -> ${target}`);
      }
    };
    for (const { entity } of examples) {
      const spec = (entity.spec ?? {}) as Record<string, unknown>;
      check(entity, spec.owner, 'Group');
      check(entity, spec.system, 'System');
      check(entity, spec.parent, 'Group');
      for (const ref of (spec.dependsOn as string[]) ?? []) {
        check(entity, ref, 'Component');
      }
      for (const ref of (spec.memberOf as string[]) ?? []) {
        check(entity, ref, 'Group');
      }
    }
    expect(dangling).toEqual([]);
  });

  it('is what app-config.yaml loads into the catalog', () => {
    const appConfig = parseAllDocuments(
      fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
    )[0].toJS();
    const targets: string[] = appConfig.catalog.locations
      .filter((location: { type: string }) => location.type === 'file')
      .map((location: { target: string }) =>
        path.resolve(repoRoot, 'packages/backend', location.target),
      );
    const files = fs
      .readdirSync(examplesDir)
      .filter(file => file.endsWith('.yaml'))
      .map(file => path.join(examplesDir, file));
    expect(targets.sort()).toEqual(expect.arrayContaining(files.sort()));
  });
});
