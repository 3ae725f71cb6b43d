import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import {
  MAX_MAPPING_KEY_LENGTH,
  type MappingKeyType,
} from '@backstage-itops/plugin-itops-common';
import { relinkEntities } from '../database/entityRecordLinks';
import type { EntityMapping } from './computeEntityMapping';

const ENTITIES_TABLE = 'itops_entities';
const KEYS_TABLE = 'itops_entity_keys';

/** Width of `itops_entities.rpo` (see the backup health migration). */
const MAX_RPO_LENGTH = 64;

/** Width of the string columns of the mapping tables (see the records migration). */
const MAX_COLUMN_LENGTH = 255;

/**
 * SQLite's lowest limit of bound variables per statement; PostgreSQL allows
 * far more, so one chunk size fits both.
 */
const MAX_BOUND_VARIABLES = 999;

/** What {@link replaceEntityMappingIfChanged} did. */
export interface MappingWriteResult {
  changed: boolean;
  entities: number;
  keys: number;
  /** Keys left out because their value does not fit the key column. */
  droppedKeys: number;
}

interface EntityRow {
  entity_ref: string;
  kind: string;
  title: string | null;
  owner_ref: string | null;
  system_ref: string | null;
  rpo: string | null;
}

interface EntityKeyRow {
  entity_ref: string;
  key_type: MappingKeyType;
  key_value: string;
  via_ref: string;
}

/**
 * Replaces the stored mapping with the given one, in one transaction so that
 * readers see either the old or the new mapping, never a mix. Nothing is
 * written when the stored content already equals it: the comparison is
 * against what the database holds, not against what this process wrote
 * last, so it stays right when several backend instances take turns.
 */
export async function replaceEntityMappingIfChanged(
  knex: Knex,
  mapping: EntityMapping,
): Promise<MappingWriteResult> {
  const entityRows: EntityRow[] = mapping.entities.map(entity => ({
    entity_ref: entity.entityRef,
    kind: entity.kind,
    // A title is only shown, so cutting it is better than losing the entity.
    title: entity.title?.slice(0, MAX_COLUMN_LENGTH) ?? null,
    owner_ref: entity.ownerRef,
    system_ref: entity.systemRef,
    // An objective too long for the column is no valid duration anyway;
    // cut, it still reads as unparseable rather than as another value.
    rpo: entity.rpo?.slice(0, MAX_RPO_LENGTH) ?? null,
  }));
  const keyRows: EntityKeyRow[] = mapping.keys.map(key => ({
    entity_ref: key.entityRef,
    key_type: key.type,
    key_value: key.value,
    via_ref: key.viaRef,
  }));
  // A cut key would match the wrong records, so an oversized one is dropped.
  const fittingKeyRows = keyRows.filter(
    row => row.key_value.length <= MAX_MAPPING_KEY_LENGTH,
  );
  const wanted = contentHash(entityRows, fittingKeyRows);

  const changed = await knex.transaction(async trx => {
    const storedKeyRows = await trx<EntityKeyRow>(KEYS_TABLE).select(
      'entity_ref',
      'key_type',
      'key_value',
      'via_ref',
    );
    const stored = contentHash(
      await trx<EntityRow>(ENTITIES_TABLE).select(
        'entity_ref',
        'kind',
        'title',
        'owner_ref',
        'system_ref',
        'rpo',
      ),
      storedKeyRows,
    );
    if (stored === wanted) {
      return false;
    }
    await trx(KEYS_TABLE).delete();
    await trx(ENTITIES_TABLE).delete();
    await insertInChunks(trx, ENTITIES_TABLE, entityRows);
    await insertInChunks(trx, KEYS_TABLE, fittingKeyRows);
    await relinkEntities(
      trx,
      entitiesWithChangedKeys(storedKeyRows, fittingKeyRows),
    );
    return true;
  });

  return {
    changed,
    entities: entityRows.length,
    keys: fittingKeyRows.length,
    droppedKeys: keyRows.length - fittingKeyRows.length,
  };
}

/**
 * Entities whose set of (key type, value) differs between two mappings:
 * only their record links need rewriting.
 */
function entitiesWithChangedKeys(
  before: readonly EntityKeyRow[],
  after: readonly EntityKeyRow[],
): string[] {
  const keySets = (rows: readonly EntityKeyRow[]) => {
    const sets = new Map<string, Set<string>>();
    for (const row of rows) {
      const set = sets.get(row.entity_ref) ?? new Set<string>();
      set.add(`${row.key_type}\u0000${row.key_value}`);
      sets.set(row.entity_ref, set);
    }
    return sets;
  };
  const old = keySets(before);
  const now = keySets(after);
  const changed: string[] = [];
  for (const ref of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(ref);
    const b = now.get(ref);
    if (!a || !b || a.size !== b.size || [...a].some(key => !b.has(key))) {
      changed.push(ref);
    }
  }
  return changed.sort();
}

/** A hash of the rows that does not depend on their order. */
function contentHash(entities: EntityRow[], keys: EntityKeyRow[]): string {
  const lines = [
    ...entities.map(row =>
      JSON.stringify([
        'entity',
        row.entity_ref,
        row.kind,
        row.title ?? null,
        row.owner_ref ?? null,
        row.system_ref ?? null,
        row.rpo ?? null,
      ]),
    ),
    ...keys.map(row =>
      JSON.stringify([
        'key',
        row.entity_ref,
        row.key_type,
        row.key_value,
        row.via_ref,
      ]),
    ),
  ].sort();
  const hash = createHash('sha256');
  for (const line of lines) {
    hash.update(line).update('\n');
  }
  return hash.digest('hex');
}

async function insertInChunks(
  trx: Knex.Transaction,
  table: string,
  rows: object[],
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const chunkSize = Math.floor(
    MAX_BOUND_VARIABLES / Object.keys(rows[0]).length,
  );
  for (let start = 0; start < rows.length; start += chunkSize) {
    await trx(table).insert(rows.slice(start, start + chunkSize));
  }
}

/** Distinct values of one key type that mapped entities carry. */
export async function readMappedKeyValues(
  knex: Knex,
  type: MappingKeyType,
): Promise<string[]> {
  const rows: Array<{ key_value: string }> = await knex(KEYS_TABLE)
    .distinct('key_value')
    .where('key_type', type)
    .orderBy('key_value');
  return rows.map(row => row.key_value);
}
