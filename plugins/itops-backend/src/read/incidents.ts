import type { IncidentRecord } from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { ENTITY_RECORDS } from '../database/entityRecordLinks';
import { type DbRow, incidentTable } from '../database/recordTables';
import { entityLinks } from './entityScope';
import {
  type ResolvedLinkedChange,
  resolveLinkedChanges,
} from './linkedChanges';
import { type ApiRecord, type Page, toApiRecord } from './records';

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

/**
 * The entity's incident links with the list's filters applied. Links carry
 * the opening time, open flag and priority, so filtering, counting and
 * ordering need no incident row; only the page's rows are fetched.
 */
function filteredLinks(knex: Knex, entityRef: string, query: IncidentQuery) {
  return entityLinks(knex, incidentTable.kind, entityRef).modify(builder => {
    if (query.state !== 'all') {
      builder.where('er.is_open', query.state === 'open' ? 1 : 0);
    }
    if (query.priorities?.length) {
      builder.whereIn('er.priority', query.priorities);
    }
    if (query.from !== undefined) {
      builder.where('er.sort_at', '>=', query.from);
    }
    if (query.to !== undefined) {
      builder.where('er.sort_at', '<', query.to);
    }
  });
}

/** A page of an entity's incidents and the number of all that match. */
export async function listIncidents(
  knex: Knex,
  entityRef: string,
  query: IncidentQuery,
): Promise<Page<ApiRecord<IncidentRecord>>> {
  const links = filteredLinks(knex, entityRef, query);
  const newestFirst = query.sort !== 'opened_at';
  const [[{ count }], rows] = await Promise.all([
    links.clone().count({ count: '*' }),
    links
      .clone()
      .join(`${incidentTable.table} as i`, 'i.id', 'er.record_id')
      .select('i.*')
      .modify(builder => {
        if (query.sort === 'priority') {
          builder.orderBy('er.priority', 'asc');
        }
      })
      // Same-time incidents keep a stable order across pages.
      .orderBy('er.sort_at', newestFirst ? 'desc' : 'asc')
      .orderBy('er.record_id', newestFirst ? 'desc' : 'asc')
      .limit(query.limit)
      .offset(query.offset),
  ]);

  return {
    items: rows.map((row: DbRow) => toApiRecord(incidentTable, row)),
    totalCount: Number(count),
    limit: query.limit,
    offset: query.offset,
  };
}

const PRIORITIES = ['1', '2', '3', '4', '5'] as const;

/**
 * One row, `open_p1` … `open_p5`: the entity's open incidents per
 * priority, from the open-per-priority link index alone.
 */
export function openIncidentsAggregate(
  knex: Knex,
  entityRef: string,
): Knex.QueryBuilder {
  return entityLinks(knex, incidentTable.kind, entityRef)
    .where('er.is_open', 1)
    .select(
      PRIORITIES.map(p =>
        knex.raw(
          `sum(case when er.priority = ${p} then 1 else 0 end) as open_p${p}`,
        ),
      ),
    );
}

/** Counts per priority from a row of {@link openIncidentsAggregate}. */
export function openIncidentsOf(
  row: DbRow | undefined,
): Record<(typeof PRIORITIES)[number], number> {
  return Object.fromEntries(
    PRIORITIES.map(p => [p, Number(row?.[`open_p${p}`] ?? 0)]),
  ) as Record<(typeof PRIORITIES)[number], number>;
}

/** Open incidents of an entity counted per priority 1–5. */
export async function countOpenIncidentsByPriority(
  knex: Knex,
  entityRef: string,
): Promise<Record<'1' | '2' | '3' | '4' | '5', number>> {
  return openIncidentsOf(await openIncidentsAggregate(knex, entityRef).first());
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

/** One incident by its origin, with the entities it is shown on. */
export type IncidentDetail = {
  incident: ApiRecord<IncidentRecord>;
  /** Catalog entities the incident is linked to, sorted. */
  entityRefs: string[];
  /** The changes the source links to it, resolved where ITOps has them. */
  linkedChanges: ResolvedLinkedChange[];
};

/**
 * The incident a source instance knows by `externalId`, if ITOps shows it on
 * some entity. An incident no entity maps to is unseen everywhere else in
 * the API, so it is left out here too: the caller cannot tell it from one
 * that does not exist.
 */
export async function incidentDetail(
  knex: Knex,
  origin: { sourceType: string; sourceInstance: string; externalId: string },
  /** Asked only when the incident links changes. */
  mayReadChanges: () => Promise<boolean>,
): Promise<IncidentDetail | undefined> {
  const row = await knex(incidentTable.table)
    .where({
      source_type: origin.sourceType,
      source_instance: origin.sourceInstance,
      external_id: origin.externalId,
    })
    .first();
  if (!row) {
    return undefined;
  }
  const links = await knex(`${ENTITY_RECORDS} as er`)
    .where('er.record_table', incidentTable.kind)
    .andWhere('er.record_id', row.id)
    .distinct('er.entity_ref')
    .orderBy('er.entity_ref');
  if (links.length === 0) {
    return undefined;
  }
  const incident = toApiRecord(incidentTable, row);
  const changeLinks = incident.linkedChanges ?? [];
  return {
    incident,
    entityRefs: links.map((link: DbRow) => String(link.entity_ref)),
    linkedChanges: await resolveLinkedChanges(knex, origin, changeLinks, {
      mayReadChanges: changeLinks.length > 0 && (await mayReadChanges()),
    }),
  };
}
