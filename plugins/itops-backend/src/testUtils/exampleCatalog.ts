import fs from 'node:fs';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';

/**
 * An entity as the catalog serves it: `ownedBy` and `partOf` relations come
 * from `owner` and `system`, which are also kept in the spec.
 */
export function catalogEntity(options: {
  kind: string;
  name: string;
  title?: string;
  annotations?: Record<string, string>;
  owner?: string;
  system?: string;
}): Entity {
  const relations = [];
  if (options.owner) {
    relations.push({
      type: 'ownedBy',
      targetRef: `group:default/${options.owner}`,
    });
  }
  if (options.system) {
    relations.push({
      type: 'partOf',
      targetRef: `system:default/${options.system}`,
    });
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: options.kind,
    metadata: {
      name: options.name,
      namespace: 'default',
      ...(options.title && { title: options.title }),
      ...(options.annotations && { annotations: options.annotations }),
    },
    spec: {
      ...(options.owner && { owner: options.owner }),
      ...(options.system && { system: options.system }),
    },
    relations,
  };
}

/**
 * A small payments catalog: a system with a component and a database, the
 * team owning them, and a bare library without annotations.
 */
export function paymentsCatalog(): Entity[] {
  return [
    catalogEntity({
      kind: 'System',
      name: 'payments',
      title: 'Payments',
      owner: 'payments-team',
    }),
    catalogEntity({
      kind: 'Component',
      name: 'payments-api',
      title: 'Payments API',
      owner: 'payments-team',
      system: 'payments',
      annotations: {
        'itops.io/servicenow-service': 'Payments API',
        'itops.io/jira-project': 'pay',
        'itops.io/jira-component': 'payments-api, refunds',
      },
    }),
    catalogEntity({
      kind: 'Resource',
      name: 'payments-db',
      owner: 'payments-team',
      system: 'payments',
      annotations: {
        'itops.io/servicenow-ci': 'A58CDE67',
        'itops.io/veeam-job': 'Payments DB - Hourly',
      },
    }),
    catalogEntity({
      kind: 'Group',
      name: 'payments-team',
      title: 'Payments',
      annotations: {
        'itops.io/servicenow-assignment-group': 'Payments',
        'itops.io/jsm-ops-team': 'Payments On-Call',
      },
    }),
    catalogEntity({
      kind: 'Component',
      name: 'payments-lib',
      owner: 'payments-team',
    }),
  ];
}

/**
 * The demo catalog of the repository (`examples/*.yaml`) as written, without
 * the relations the catalog would add.
 */
export function exampleCatalog(): Entity[] {
  // The repository's examples, next to the plugins folder.
  const directory = resolvePackagePath(
    '@backstage-itops/plugin-itops-backend',
    '../../examples',
  );
  return fs
    .readdirSync(directory)
    .filter(file => file.endsWith('.yaml'))
    .flatMap(file => {
      const target = path.join(directory, file);
      return [
        ...parseEntityYaml(fs.readFileSync(target), { type: 'file', target }),
      ];
    })
    .map(result => {
      if (result.type !== 'entity') {
        throw new Error(`Unexpected ${result.type} in the example catalog`);
      }
      return result.entity;
    });
}
