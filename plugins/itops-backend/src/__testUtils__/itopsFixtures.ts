import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type {
  ItopsRecordBase,
  MappingKey,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { relinkEntities, relinkRecords } from '../database/entityRecordLinks';
import type { RecordTable } from '../database/recordTables';

/**
 * Writes ITOps rows straight into a test database, the way sync and mapping
 * would leave them, so that read and KPI tests control every value.
 */
export class ItopsFixtures {
  readonly knex: Knex;
  #sequence = 0;

  /** Migrates the database and returns a builder for it. */
  static async create(knex: Knex): Promise<ItopsFixtures> {
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@backstage-itops/plugin-itops-backend',
        'migrations',
      ),
    });
    return new ItopsFixtures(knex);
  }

  private constructor(knex: Knex) {
    this.knex = knex;
  }

  /** An entity known to ITOps, with the mapping keys of its annotations. */
  async entity(entityRef: string, keys: MappingKey[]): Promise<void> {
    await this.knex('itops_entities').insert({
      entity_ref: entityRef,
      kind: entityRef.split(':')[0],
    });
    for (const key of keys) {
      await this.knex('itops_entity_keys').insert({
        entity_ref: entityRef,
        key_type: key.type,
        key_value: key.value,
        via_ref: entityRef,
      });
    }
    await this.knex.transaction(trx => relinkEntities(trx, [entityRef]));
  }

  /** A stored record with its mapping keys; returns its row id. */
  async record<T extends ItopsRecordBase>(
    table: RecordTable<T>,
    record: Omit<T, 'externalId' | 'keys'> &
      Partial<Pick<T, 'externalId' | 'keys'>>,
  ): Promise<number> {
    // Defaults for the base fields the tests rarely care about.
    const full = {
      externalId: `${table.kind}-${++this.#sequence}`,
      keys: [],
      ...record,
    } as unknown as T;
    const [row] = await this.knex(table.table)
      .insert({
        source_type: 'servicenow',
        source_instance: 'production',
        external_id: full.externalId,
        url: full.url ?? null,
        source_updated_at: null,
        seen_in_sync: 'fixture',
        ...table.toRow(full),
      })
      .returning('id');
    const id = Number(typeof row === 'object' ? row.id : row);
    for (const key of full.keys) {
      await this.knex('itops_record_keys').insert({
        record_table: table.kind,
        record_id: id,
        key_type: key.type,
        key_value: key.value,
      });
    }
    await this.knex.transaction(trx => relinkRecords(trx, table.kind, [id]));
    return id;
  }
}
