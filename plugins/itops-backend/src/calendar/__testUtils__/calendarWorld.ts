import type { Entity } from '@backstage/catalog-model';
import type { ChangeRecord } from '@backstage-itops/plugin-itops-common';
import { changeTable, freezeWindowTable } from '../../database/recordTables';
import { computeEntityMapping } from '../../mapping/computeEntityMapping';
import { replaceEntityMappingIfChanged } from '../../mapping/entityMappingStore';
import type { ItopsFixtures } from '../../__testUtils__/itopsFixtures';
import { computeCatalogGraph, storeCatalogGraph } from '../catalogGraph';

export const API = 'component:default/payments-api';
export const DB = 'resource:default/payments-db';
export const SEARCH = 'component:default/search';
export const CHECKOUT = 'component:default/checkout';
export const PAYMENTS_TEAM = 'group:default/payments-team';
export const SEARCH_TEAM = 'group:default/search-team';
export const PAYMENTS_SYSTEM = 'system:default/payments';

/** A catalog entity as the catalog serves it, with its relations. */
export function catalogEntity(
  ref: string,
  options: {
    annotations?: Record<string, string>;
    owner?: string;
    system?: string;
    dependsOn?: string[];
    tags?: string[];
  } = {},
): Entity {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: kind[0].toUpperCase() + kind.slice(1),
    metadata: {
      name,
      namespace,
      annotations: options.annotations,
      tags: options.tags,
    },
    spec: { owner: options.owner, system: options.system },
    relations: [
      ...(options.owner ? [{ type: 'ownedBy', targetRef: options.owner }] : []),
      ...(options.system
        ? [{ type: 'partOf', targetRef: options.system }]
        : []),
      ...(options.dependsOn ?? []).map(targetRef => ({
        type: 'dependsOn',
        targetRef,
      })),
    ],
  };
}

/** A small catalog: payments (API on a DB, in a system) and search teams. */
export const CATALOG: Entity[] = [
  catalogEntity(PAYMENTS_TEAM),
  catalogEntity(SEARCH_TEAM),
  catalogEntity(PAYMENTS_SYSTEM, { owner: PAYMENTS_TEAM }),
  catalogEntity(API, {
    annotations: { 'itops.io/servicenow-service': 'Payments API' },
    owner: PAYMENTS_TEAM,
    system: PAYMENTS_SYSTEM,
    dependsOn: [DB],
    tags: ['pci'],
  }),
  catalogEntity(DB, {
    annotations: { 'itops.io/servicenow-ci': 'db-ci' },
    owner: PAYMENTS_TEAM,
    system: PAYMENTS_SYSTEM,
  }),
  catalogEntity(SEARCH, {
    annotations: { 'itops.io/jira-project': 'SRCH' },
    owner: SEARCH_TEAM,
  }),
  catalogEntity(CHECKOUT, {
    annotations: { 'itops.io/servicenow-service': 'Checkout' },
    owner: PAYMENTS_TEAM,
  }),
];

const KEYS = {
  // As sources write them: normalised (see normalizeMappingValue).
  [API]: { type: 'servicenow-service', value: 'payments api' },
  [DB]: { type: 'servicenow-ci', value: 'db-ci' },
  [SEARCH]: { type: 'jira-project', value: 'srch' },
  [CHECKOUT]: { type: 'servicenow-service', value: 'checkout' },
} as const;

const at = (iso: string) => `2026-${iso}:00.000Z`;

/**
 * Stores the catalog's mapping and graph and a set of December changes:
 *
 * | change | entity   | planned (UTC)       | notes                                   |
 * | CHG1   | API      | 12-01 10:00–12:00   | normal, high risk                       |
 * | CHG2   | DB       | 12-01 11:00–13:00   | emergency; API dependsOn DB             |
 * | CHG3   | search   | 12-01 10:00–12:00   | jira, standard                          |
 * | CHG4   | API      | 12-01 11:30–12:30   | same entity as CHG1                     |
 * | CHG5   | checkout | 12-11 15:30–16:30   | "Rotate 50% of keys"                    |
 * | CHG6   | DB       | 11-01 – 12-20       | long-running                            |
 * | CHG7   | API      | (none)              | cannot be placed                        |
 * | CHG8   | search   | 12-24 10:00         | no end, cancelled-free, in Christmas    |
 * | CHG9   | API      | 12-01 11:00–11:30   | cancelled: never conflicts              |
 */
export async function seedCalendarWorld(fixtures: ItopsFixtures) {
  await replaceEntityMappingIfChanged(
    fixtures.knex,
    computeEntityMapping(CATALOG),
  );
  await storeCatalogGraph(fixtures.knex, computeCatalogGraph(CATALOG));

  const ids: Record<string, number> = {};
  const change = async (
    number: string,
    ref: keyof typeof KEYS,
    start: string | undefined,
    end: string | undefined,
    extra: Partial<ChangeRecord> & { sourceType?: string } = {},
  ) => {
    const { sourceType, ...record } = extra;
    ids[number] = await fixtures.record(changeTable, {
      number,
      title: `Change ${number}`,
      type: 'normal',
      state: 'scheduled',
      plannedStart: start ? at(start) : undefined,
      plannedEnd: end ? at(end) : undefined,
      keys: [KEYS[ref]],
      ...record,
    });
    if (sourceType) {
      await fixtures.knex(changeTable.table).where('id', ids[number]).update({
        source_type: sourceType,
      });
    }
  };
  await change('CHG1', API, '12-01T10:00', '12-01T12:00', {
    risk: 'high',
    url: 'https://sn.example/CHG1',
  });
  await change('CHG2', DB, '12-01T11:00', '12-01T13:00', { type: 'emergency' });
  await change('CHG3', SEARCH, '12-01T10:00', '12-01T12:00', {
    type: 'standard',
    sourceType: 'jira',
  });
  await change('CHG4', API, '12-01T11:30', '12-01T12:30');
  await change('CHG5', CHECKOUT, '12-11T15:30', '12-11T16:30', {
    title: 'Rotate 50% of keys',
  });
  await change('CHG6', DB, '11-01T00:00', '12-20T00:00', {
    title: 'Storage migration',
  });
  await change('CHG7', API, undefined, undefined);
  await change('CHG8', SEARCH, '12-24T10:00', undefined, {
    sourceType: 'jira',
  });
  await change('CHG9', API, '12-01T11:00', '12-01T11:30', {
    state: 'cancelled',
  });

  await fixtures.record(freezeWindowTable, {
    name: 'Payments blackout',
    start: at('12-01T00:00'),
    end: at('12-02T00:00'),
    keys: [KEYS[API]],
  });
  return ids;
}

/** `itops.freezeWindows` of the world. */
export const FREEZE_CONFIG = [
  {
    name: 'Christmas',
    start: '2026-12-24T00:00',
    end: '2026-12-27T00:00',
    timeZone: 'Europe/Berlin',
  },
  {
    name: 'Payments team Fridays',
    description: 'No changes on Friday afternoons',
    start: '2026-12-04T16:00',
    end: '2026-12-04T20:00',
    timeZone: 'Europe/Berlin',
    recurrence: { frequency: 'weekly' },
    scope: { groups: ['payments-team'] },
  },
  {
    name: 'PCI audit',
    start: '2026-12-15T00:00:00Z',
    end: '2026-12-16T00:00:00Z',
    scope: { tags: ['pci'] },
  },
];
