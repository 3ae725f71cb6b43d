import type { Entity } from '@backstage/catalog-model';
import type {
  ChangeRecord,
  IncidentRecord,
} from '@backstage-itops/plugin-itops-common';

/**
 * The benchmark's data set, at the sizes the backend-core issue sets
 * (5,000 entities, 1,000,000 incidents, 200,000 changes), generated
 * deterministically and streamed in batches so the generator itself holds
 * no table in memory.
 */
export interface WorldSize {
  entities: number;
  incidents: number;
  changes: number;
}

export const FULL_SIZE: WorldSize = {
  entities: 5000,
  incidents: 1_000_000,
  changes: 200_000,
};

const DAY = 86_400_000;
const TEAMS = 50;

/** A tiny deterministic generator; quality is irrelevant, speed is not. */
function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

export function serviceName(index: number): string {
  return `Service ${String(index).padStart(5, '0')}`;
}

export function entityName(index: number): string {
  return `service-${String(index).padStart(5, '0')}`;
}

/** Catalog components, one ServiceNow business service each, owned by 50 teams. */
export function catalogEntities(size: WorldSize): Entity[] {
  const entities: Entity[] = [];
  for (let team = 0; team < TEAMS; team++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${team}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
  }
  for (let i = 0; i < size.entities; i++) {
    const owner = `group:default/team-${i % TEAMS}`;
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: entityName(i),
        namespace: 'default',
        annotations: { 'itops.io/servicenow-service': serviceName(i) },
      },
      spec: { type: 'service', lifecycle: 'production', owner },
      relations: [{ type: 'ownedBy', targetRef: owner }],
    });
  }
  return entities;
}

/** Incidents over the last year, with a long tail of resolution times. */
export function* incidentBatches(
  size: WorldSize,
  now: number,
  batchSize = 1000,
): Generator<IncidentRecord[]> {
  const random = lcg(1);
  let batch: IncidentRecord[] = [];
  for (let i = 0; i < size.incidents; i++) {
    const openedAt = now - Math.floor(random() * 365 * DAY);
    const open = random() < 0.02;
    const resolvedAt =
      openedAt + Math.floor(-Math.log(1 - random()) * 8 * 3_600_000);
    const priority = (1 +
      Math.min(
        4,
        Math.floor(-Math.log(1 - random()) * 1.5),
      )) as IncidentRecord['priority'];
    batch.push({
      externalId: `inc-${i}`,
      number: `INC${String(i).padStart(7, '0')}`,
      title: `Synthetic incident ${i}`,
      state: open ? 'in_progress' : 'closed',
      priority,
      openedAt: new Date(openedAt).toISOString(),
      acknowledgedAt: new Date(openedAt + 300_000).toISOString(),
      resolvedAt: open ? undefined : new Date(resolvedAt).toISOString(),
      closedAt: open ? undefined : new Date(resolvedAt + DAY).toISOString(),
      sourceUpdatedAt: new Date(open ? openedAt : resolvedAt).toISOString(),
      keys: [
        {
          type: 'servicenow-service',
          value: serviceName(Math.floor(random() * size.entities)),
        },
      ],
    });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function changeType(roll: number): ChangeRecord['type'] {
  if (roll < 0.55) return 'standard';
  return roll < 0.93 ? 'normal' : 'emergency';
}

function changeOutcome(roll: number): ChangeRecord['outcome'] {
  return roll < 0.94 ? 'successful' : 'unsuccessful';
}

/** Changes planned from six months ago to six months ahead. */
export function* changeBatches(
  size: WorldSize,
  now: number,
  batchSize = 1000,
): Generator<ChangeRecord[]> {
  const random = lcg(2);
  let batch: ChangeRecord[] = [];
  for (let i = 0; i < size.changes; i++) {
    const start = now + Math.floor((random() - 0.5) * 365 * DAY);
    const end = start + Math.floor((1 + random() * 7) * 3_600_000);
    const past = end < now;
    batch.push({
      externalId: `chg-${i}`,
      number: `CHG${String(i).padStart(7, '0')}`,
      title: `Synthetic change ${i}`,
      type: changeType(random()),
      state: past ? 'closed' : 'scheduled',
      risk: 'moderate',
      plannedStart: new Date(start).toISOString(),
      plannedEnd: new Date(end).toISOString(),
      actualStart: past ? new Date(start).toISOString() : undefined,
      actualEnd: past ? new Date(end).toISOString() : undefined,
      approval: 'approved',
      outcome: past ? changeOutcome(random()) : undefined,
      keys: [
        {
          type: 'servicenow-service',
          value: serviceName(Math.floor(random() * size.entities)),
        },
      ],
    });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
