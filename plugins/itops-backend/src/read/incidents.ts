import type {
  IncidentRecord,
  IncidentState,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { type DbRow, incidentTable } from '../database/recordTables';
import { entityRecordIds } from './entityScope';
import { type ApiRecord, type Page, toApiRecord } from './records';

/** States in which an incident still needs work. */
export const OPEN_INCIDENT_STATES: readonly IncidentState[] = [
  'new',
  'in_progress',
  'on_hold',
];

/** Filters, paging and order of an entity's incident list. */
export interface IncidentQuery {
  state: 'open' | 'closed' | 'all';
  priorities?: readonly number[];
  /** Filters on opened_at, `[from, to)`. */
  from?: number;
  to?: number;
  limit: number;
  offset: number;
  sort: 'opened_at' | '-opened_at' | 'priority';
}

function scoped(knex: Knex, entityRef: string) {
  return knex(incidentTable.table).whereIn(
    'id',
    entityRecordIds(knex, incidentTable.kind, entityRef),
  );
}

/** A page of an entity's incidents and the number of all that match. */
export async function listIncidents(
  knex: Knex,
  entityRef: string,
  query: IncidentQuery,
): Promise<Page<ApiRecord<IncidentRecord>>> {
  const filtered = scoped(knex, entityRef).modify(builder => {
    if (query.state === 'open') {
      builder.whereIn('state', OPEN_INCIDENT_STATES);
    } else if (query.state === 'closed') {
      builder.whereNotIn('state', OPEN_INCIDENT_STATES);
    }
    if (query.priorities?.length) {
      builder.whereIn('priority', query.priorities);
    }
    if (query.from !== undefined) {
      builder.where('opened_at', '>=', query.from);
    }
    if (query.to !== undefined) {
      builder.where('opened_at', '<', query.to);
    }
  });

  const [{ count }] = await filtered.clone().count({ count: '*' });
  const rows = await filtered
    .clone()
    .select('*')
    .modify(builder => {
      if (query.sort === 'priority') {
        builder.orderBy('priority', 'asc').orderBy('opened_at', 'desc');
      } else {
        builder.orderBy(
          'opened_at',
          query.sort === 'opened_at' ? 'asc' : 'desc',
        );
      }
    })
    // Same-time incidents keep a stable order across pages.
    .orderBy('id', 'asc')
    .limit(query.limit)
    .offset(query.offset);

  return {
    items: rows.map((row: DbRow) => toApiRecord(incidentTable, row)),
    totalCount: Number(count),
    limit: query.limit,
    offset: query.offset,
  };
}

/** Open incidents of an entity counted per priority 1–5. */
export async function countOpenIncidentsByPriority(
  knex: Knex,
  entityRef: string,
): Promise<Record<'1' | '2' | '3' | '4' | '5', number>> {
  const rows = await scoped(knex, entityRef)
    .whereIn('state', OPEN_INCIDENT_STATES)
    .groupBy('priority')
    .select('priority', knex.raw('count(*) as count'));
  return byPriority(rows);
}

/** Turns `priority, count` rows into a count for every priority 1–5. */
export function byPriority(
  rows: ReadonlyArray<{ priority: unknown; count: unknown }>,
): Record<'1' | '2' | '3' | '4' | '5', number> {
  const counts = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const row of rows) {
    const key = String(Number(row.priority));
    if (key in counts) {
      counts[key as keyof typeof counts] = Number(row.count);
    }
  }
  return counts;
}
