import type { Knex } from 'knex';
import { freezeWindowTable } from '../database/recordTables';
import {
  listFreezeWindows,
  type ScopedFreezeWindow,
} from '../read/freezeWindows';
import type { TimeRange } from '../read/records';
import {
  type ConfiguredFreezeWindow,
  type FreezeFrequency,
  type FreezeScope,
  occurrencesIn,
} from './freezeConfig';

/**
 * A freeze window on the calendar: synced from a source (ServiceNow
 * blackout schedules) or an occurrence of a window from
 * `itops.freezeWindows`, which comes as source type `config`.
 */
export type CalendarFreezeWindow = ScopedFreezeWindow & {
  /**
   * Whom it applies to; absent on global windows. Config windows name it;
   * a synced window's is the entities its keys map to directly, by kind
   * (a group's key: the team; a system's: the system; otherwise those
   * entities, e.g. the CIs' components).
   */
  scope?: FreezeScope;
  /** Config windows: the zone its wall-clock times are in. */
  timeZone?: string;
  /** Config windows: how it repeats. */
  recurrence?: { frequency: FreezeFrequency; interval: number; until?: string };
};

export const CONFIG_SOURCE_TYPE = 'config';

function fromOccurrence(
  window: ConfiguredFreezeWindow,
  start: number,
  end: number,
): CalendarFreezeWindow {
  const global = !window.scope;
  return {
    sourceType: CONFIG_SOURCE_TYPE,
    sourceInstance: 'app-config',
    externalId: `${window.id}@${new Date(start).toISOString()}`,
    name: window.name,
    ...(window.description ? { description: window.description } : {}),
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    global,
    entityRefs: window.scope?.entities ?? [],
    ...(window.scope ? { scope: window.scope } : {}),
    timeZone: window.timeZone,
    ...(window.recurrence
      ? {
          recurrence: {
            frequency: window.recurrence.frequency,
            interval: window.recurrence.interval,
            ...(window.recurrence.until
              ? { until: window.recurrence.until.toUTC().toISO()! }
              : {}),
          },
        }
      : {}),
  };
}

const lower = (ref: string | undefined) => ref?.toLocaleLowerCase('en-US');

const windowKey = (w: {
  sourceType: string;
  sourceInstance: string;
  externalId: string;
}) => `${w.sourceType}\u0000${w.sourceInstance}\u0000${w.externalId}`;

const emptyScope = (): FreezeScope => ({
  systems: [],
  groups: [],
  tags: [],
  entities: [],
});

/** Synced and configured freeze windows overlapping a range, by start. */
export async function listCalendarFreezeWindows(
  knex: Knex,
  configured: readonly ConfiguredFreezeWindow[],
  range: TimeRange,
): Promise<CalendarFreezeWindow[]> {
  const synced: CalendarFreezeWindow[] = await listFreezeWindows(knex, range);
  if (synced.some(window => !window.global)) {
    const scopes = await syncedScopes(knex, range);
    for (const window of synced) {
      if (!window.global) {
        window.scope = scopes.get(windowKey(window)) ?? emptyScope();
      }
    }
  }
  const fromConfig = configured.flatMap(window =>
    occurrencesIn(window, range).map(o =>
      fromOccurrence(window, o.start, o.end),
    ),
  );
  return [...synced, ...fromConfig].sort(
    (a, b) => a.start.localeCompare(b.start) || a.name.localeCompare(b.name),
  );
}

/**
 * The scopes of the synced windows overlapping a range: the entities whose
 * own annotations carry one of a window's keys (not the groups and systems
 * that inherit those keys from what they own or contain, which would make
 * a blackout of one team's CI freeze everything that team touches). A
 * group among them scopes the window to the team and what it owns, a
 * system to the system and its parts, anything else to that entity.
 */
async function syncedScopes(
  knex: Knex,
  range: TimeRange,
): Promise<Map<string, FreezeScope>> {
  const rows: Array<{
    source_type: string;
    source_instance: string;
    external_id: string;
    entity_ref: string;
  }> = await knex(`${freezeWindowTable.table} as fw`)
    .join('itops_record_keys as rk', join =>
      join
        .on('rk.record_id', 'fw.id')
        .andOnVal('rk.record_table', freezeWindowTable.kind),
    )
    .join('itops_entity_keys as ek', join =>
      join
        .on('ek.key_type', 'rk.key_type')
        .andOn('ek.key_value', 'rk.key_value'),
    )
    .whereRaw('ek.via_ref = ek.entity_ref')
    .where('fw.start_at', '<', range.to)
    .where('fw.end_at', '>', range.from)
    .distinct(
      'fw.source_type',
      'fw.source_instance',
      'fw.external_id',
      'ek.entity_ref',
    );
  const scopes = new Map<string, FreezeScope>();
  for (const row of rows) {
    const key = windowKey({
      sourceType: row.source_type,
      sourceInstance: row.source_instance,
      externalId: row.external_id,
    });
    const scope = scopes.get(key) ?? emptyScope();
    const ref = lower(row.entity_ref)!;
    const kind = ref.slice(0, ref.indexOf(':'));
    if (kind === 'group') {
      scope.groups.push(ref);
    } else if (kind === 'system') {
      scope.systems.push(ref);
    } else {
      scope.entities.push(ref);
    }
    scopes.set(key, scope);
  }
  return scopes;
}

/** What freeze scopes look at about an entity. */
export type EntityFacts = {
  entityRef: string;
  ownerRef?: string;
  systemRef?: string;
  tags: string[];
};

/** Owner, system and tags of entities, keyed by entity ref. */
export async function entityFacts(
  knex: Knex,
  entityRefs: readonly string[],
): Promise<Map<string, EntityFacts>> {
  const facts = new Map<string, EntityFacts>();
  for (let i = 0; i < entityRefs.length; i += 400) {
    const chunk = entityRefs.slice(i, i + 400);
    const [entities, tags] = await Promise.all([
      knex('itops_entities')
        .whereIn('entity_ref', chunk)
        .select('entity_ref', 'owner_ref', 'system_ref'),
      knex('itops_entity_tags')
        .whereIn('entity_ref', chunk)
        .select('entity_ref', 'tag'),
    ]);
    for (const row of entities) {
      facts.set(row.entity_ref, {
        entityRef: row.entity_ref,
        ownerRef: row.owner_ref ?? undefined,
        systemRef: row.system_ref ?? undefined,
        tags: [],
      });
    }
    for (const row of tags) {
      facts.get(row.entity_ref)?.tags.push(row.tag);
    }
  }
  return facts;
}

/**
 * Whether a freeze window applies to an entity: global windows to every
 * entity; scoped ones, synced or configured alike, to the systems of their
 * scope (and their parts), its groups (and what they own), its tagged
 * entities and its entities, and to nothing else.
 */
export function appliesTo(
  window: CalendarFreezeWindow,
  entity: EntityFacts,
): boolean {
  if (window.global) return true;
  if (!window.scope) {
    return false;
  }
  const ref = lower(entity.entityRef)!;
  const { systems, groups, tags, entities } = window.scope;
  return (
    entities.includes(ref) ||
    systems.includes(ref) ||
    groups.includes(ref) ||
    (entity.systemRef !== undefined &&
      systems.includes(lower(entity.systemRef)!)) ||
    (entity.ownerRef !== undefined &&
      groups.includes(lower(entity.ownerRef)!)) ||
    entity.tags.some(tag => tags.includes(tag))
  );
}

/** The windows overlapping `[start, end)` that apply to any of the entities. */
export function freezesOf(
  windows: readonly CalendarFreezeWindow[],
  entities: readonly EntityFacts[],
  start: number,
  end: number,
): CalendarFreezeWindow[] {
  return windows.filter(
    window =>
      Date.parse(window.start) < end &&
      Date.parse(window.end) > start &&
      (window.global || entities.some(entity => appliesTo(window, entity))),
  );
}

/** Answer of `GET /freeze-status`. */
export type FreezeStatus = {
  entityRef: string;
  at: string;
  end?: string;
  frozen: boolean;
  windows: CalendarFreezeWindow[];
};

/**
 * Whether a change on the entity at `at` (or over `[at, end)`) would fall in
 * a freeze, and which windows.
 */
export async function freezeStatus(
  knex: Knex,
  configured: readonly ConfiguredFreezeWindow[],
  entityRef: string,
  at: number,
  end?: number,
): Promise<FreezeStatus> {
  const until = end ?? at + 1;
  const windows = await listCalendarFreezeWindows(knex, configured, {
    from: at,
    to: until,
  });
  // Most of the time no window is near: the entity's facts (two queries)
  // are read only when a scoped window could apply.
  const facts = windows.some(window => !window.global)
    ? (await entityFacts(knex, [entityRef])).get(entityRef) ?? {
        entityRef,
        tags: [],
      }
    : { entityRef, tags: [] };
  const applying = freezesOf(windows, [facts], at, until);
  return {
    entityRef,
    at: new Date(at).toISOString(),
    ...(end !== undefined ? { end: new Date(end).toISOString() } : {}),
    frozen: applying.length > 0,
    windows: applying,
  };
}
