import { createHash, randomUUID } from 'node:crypto';
import type {
  CheckResult,
  ComplianceSnapshot,
  ComplianceStatus,
  SnapshotTrigger,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { fromDbNumber } from '../database/time';
import { iso } from './model';

const SNAPSHOTS = 'itops_compliance_snapshots';
const RESULTS = 'itops_compliance_results';

/** A stored result with the entity context it was evaluated in. */
export interface StoredResult extends CheckResult {
  snapshotId: string;
  takenAt: string;
  ownerRef?: string;
  systemRef?: string;
  tier?: number;
}

/** Which results of a snapshot to read. */
export interface ResultQuery {
  entityRef?: string;
  checkIds?: readonly string[];
  lean?: boolean;
}

const LEAN_COLUMNS = [
  'r.snapshot_id',
  'r.entity_ref',
  'r.owner_ref',
  'r.system_ref',
  'r.tier',
  'r.check_id',
  'r.check_version',
  'r.status',
  'r.underlying_status',
  'r.value',
  'r.numerator',
  'r.denominator',
  'r.evidence_total',
  'r.waiver_id',
];

/** A result about to be stored. */
export interface NewResult extends CheckResult {
  ownerRef?: string;
  systemRef?: string;
  tier?: number;
}

/** Rows per insert: 18 columns × 500 stay below the bound-variable limits of SQLite (32,766) and PostgreSQL (65,535). */
const ROWS_PER_INSERT = 500;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash of a result set, independent of the order it was produced in. */
export function contentHashOf(results: readonly NewResult[]): string {
  const canonical = [...results]
    .sort((a, b) =>
      a.entityRef === b.entityRef
        ? a.checkId.localeCompare(b.checkId)
        : a.entityRef.localeCompare(b.entityRef),
    )
    .map(r =>
      JSON.stringify([
        r.entityRef,
        r.checkId,
        r.checkVersion,
        r.status,
        r.underlyingStatus ?? null,
        r.value ?? null,
        r.numerator ?? null,
        r.denominator ?? null,
        r.reason,
        r.evidence,
        r.waiverId ?? null,
      ]),
    );
  return sha256(canonical.join('\n'));
}

function toSnapshot(row: Record<string, any>): ComplianceSnapshot {
  return {
    id: String(row.id),
    takenAt: iso(Number(row.taken_at)),
    trigger: row.trigger,
    scope: String(row.scope),
    catalogueHash: String(row.catalogue_hash),
    contentHash: String(row.content_hash),
    entityCount: Number(row.entity_count),
    resultCount: Number(row.result_count),
    durationMs: Number(row.duration_ms),
  };
}

function toResult(row: Record<string, any>): StoredResult {
  const optionalNumber = (v: unknown) => fromDbNumber(v);
  return {
    snapshotId: String(row.snapshot_id),
    takenAt: iso(Number(row.taken_at)),
    entityRef: String(row.entity_ref),
    ownerRef: row.owner_ref ?? undefined,
    systemRef: row.system_ref ?? undefined,
    tier: optionalNumber(row.tier),
    checkId: String(row.check_id),
    checkVersion: Number(row.check_version),
    status: row.status as ComplianceStatus,
    underlyingStatus: row.underlying_status ?? undefined,
    value:
      row.value === null || row.value === undefined ? null : Number(row.value),
    numerator: optionalNumber(row.numerator),
    denominator: optionalNumber(row.denominator),
    reason: String(row.reason),
    evidence: JSON.parse(row.evidence),
    evidenceTotal: optionalNumber(row.evidence_total),
    waiverId: row.waiver_id ?? undefined,
  };
}

/**
 * Snapshots and their results. Writes only ever insert (the tables reject
 * updates and deletes); reads resolve "the state at a date" as the newest
 * snapshot taken at or before it.
 */
export class SnapshotStore {
  constructor(private readonly knex: Knex) {}

  async write(options: {
    takenAt: number;
    trigger: SnapshotTrigger;
    scope: string;
    catalogue: unknown;
    entityCount: number;
    durationMs: number;
    results: readonly NewResult[];
  }): Promise<ComplianceSnapshot> {
    const catalogueJson = JSON.stringify(options.catalogue);
    const row = {
      id: randomUUID(),
      taken_at: options.takenAt,
      trigger: options.trigger,
      scope: options.scope,
      catalogue_hash: sha256(catalogueJson),
      catalogue: catalogueJson,
      content_hash: contentHashOf(options.results),
      entity_count: options.entityCount,
      result_count: options.results.length,
      duration_ms: Math.round(options.durationMs),
    };
    await this.knex.transaction(async trx => {
      await trx(SNAPSHOTS).insert(row);
      const rows = options.results.map(r => ({
        snapshot_id: row.id,
        entity_ref: r.entityRef,
        owner_ref: r.ownerRef ?? null,
        system_ref: r.systemRef ?? null,
        tier: r.tier ?? null,
        check_id: r.checkId,
        check_version: r.checkVersion,
        status: r.status,
        underlying_status: r.underlyingStatus ?? null,
        value: r.value ?? null,
        numerator: r.numerator ?? null,
        denominator: r.denominator ?? null,
        reason: r.reason,
        evidence: JSON.stringify(r.evidence),
        evidence_total: r.evidenceTotal ?? null,
        waiver_id: r.waiverId ?? null,
      }));
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await trx(RESULTS).insert(rows.slice(i, i + ROWS_PER_INSERT));
      }
    });
    return toSnapshot(row);
  }

  async get(id: string): Promise<ComplianceSnapshot | undefined> {
    const row = await this.knex(SNAPSHOTS).where('id', id).first();
    return row ? toSnapshot(row) : undefined;
  }

  /** Snapshots newest first, optionally only full runs, up to `at`. */
  async list(options: {
    fullOnly?: boolean;
    at?: number;
    limit: number;
  }): Promise<ComplianceSnapshot[]> {
    const rows = await this.knex(SNAPSHOTS)
      .modify(q => {
        if (options.fullOnly) q.where('scope', 'all');
        if (options.at !== undefined) q.where('taken_at', '<=', options.at);
      })
      .orderBy([
        { column: 'taken_at', order: 'desc' },
        { column: 'seq', order: 'desc' },
      ])
      .limit(options.limit)
      .select(
        'id',
        'taken_at',
        'trigger',
        'scope',
        'catalogue_hash',
        'content_hash',
        'entity_count',
        'result_count',
        'duration_ms',
      );
    return rows.map(toSnapshot);
  }

  /** The results of one snapshot, in a stable order. */
  async results(
    snapshotId: string,
    options: ResultQuery = {},
  ): Promise<StoredResult[]> {
    const rows = await this.knex(`${RESULTS} as r`)
      .join(`${SNAPSHOTS} as s`, 's.id', 'r.snapshot_id')
      .where('r.snapshot_id', snapshotId)
      .modify(q => {
        if (options.entityRef) q.where('r.entity_ref', options.entityRef);
        if (options.checkIds) q.whereIn('r.check_id', [...options.checkIds]);
      })
      .orderBy(['r.entity_ref', 'r.check_id'])
      .select(
        options.lean ? [...LEAN_COLUMNS, 's.taken_at'] : ['r.*', 's.taken_at'],
      );
    // Lean rows leave out reasons and evidence, which roll-ups over
    // thousands of entities do not need and which dominate the rows' size.
    return rows.map((row: Record<string, any>) =>
      toResult(options.lean ? { ...row, reason: '', evidence: '[]' } : row),
    );
  }

  /**
   * An entity's results as of `at` (default now): those of the newest
   * snapshot, full or for the entity alone, that evaluated it.
   */
  async entityResults(entityRef: string, at?: number): Promise<StoredResult[]> {
    const latest = await this.knex(`${RESULTS} as r`)
      .join(`${SNAPSHOTS} as s`, 's.id', 'r.snapshot_id')
      .where('r.entity_ref', entityRef)
      .modify(q => (at !== undefined ? q.where('s.taken_at', '<=', at) : q))
      .orderBy([
        { column: 's.taken_at', order: 'desc' },
        { column: 's.seq', order: 'desc' },
      ])
      .first('s.id');
    return latest ? this.results(String(latest.id), { entityRef }) : [];
  }

  /**
   * The organisation's results as of `at`: the newest full snapshot, with
   * entities re-evaluated alone since then taken from their newer runs.
   */
  async currentResults(
    at?: number,
    query: Omit<ResultQuery, 'entityRef'> = {},
  ): Promise<{
    snapshot?: ComplianceSnapshot;
    results: StoredResult[];
  }> {
    const [full] = await this.list({ fullOnly: true, at, limit: 1 });
    if (!full) return { results: [] };
    const fullAt = Date.parse(full.takenAt);
    const fullSeq = await this.knex(SNAPSHOTS)
      .where('id', full.id)
      .first('seq');
    const newer = await this.knex(SNAPSHOTS)
      .whereNot('scope', 'all')
      .where('seq', '>', fullSeq.seq)
      .where('taken_at', '>=', fullAt)
      .modify(q => (at !== undefined ? q.where('taken_at', '<=', at) : q))
      .orderBy([
        { column: 'taken_at', order: 'asc' },
        { column: 'seq', order: 'asc' },
      ])
      .select('id', 'scope');
    const byEntity = new Map<string, StoredResult[]>();
    for (const result of await this.results(full.id, query)) {
      const list = byEntity.get(result.entityRef);
      if (list) list.push(result);
      else byEntity.set(result.entityRef, [result]);
    }
    // Later single-entity runs replace that entity's results, in order.
    for (const row of newer) {
      const results = await this.results(String(row.id), query);
      if (results.length > 0) byEntity.set(String(row.scope), results);
    }
    return { snapshot: full, results: [...byEntity.values()].flat() };
  }

  /** Status counts of full snapshots, oldest first, for trends. */
  async trend(options: {
    since: number;
    until?: number;
    checkIds?: readonly string[];
    filter?: { ownerRef?: string; systemRef?: string; tier?: number };
  }): Promise<
    Array<{
      snapshotId: string;
      takenAt: string;
      counts: Partial<Record<ComplianceStatus, number>>;
    }>
  > {
    const rows = await this.knex(`${RESULTS} as r`)
      .join(`${SNAPSHOTS} as s`, 's.id', 'r.snapshot_id')
      .where('s.scope', 'all')
      .where('s.taken_at', '>=', options.since)
      .modify(q => {
        if (options.until !== undefined)
          q.where('s.taken_at', '<=', options.until);
        if (options.checkIds) q.whereIn('r.check_id', [...options.checkIds]);
        if (options.filter?.ownerRef)
          q.where('r.owner_ref', options.filter.ownerRef);
        if (options.filter?.systemRef)
          q.where('r.system_ref', options.filter.systemRef);
        if (options.filter?.tier !== undefined)
          q.where('r.tier', options.filter.tier);
      })
      .groupBy('s.id', 's.seq', 's.taken_at', 'r.status')
      .orderBy(['s.taken_at', 's.seq'])
      .select('s.id', 's.taken_at', 'r.status', this.knex.raw('count(*) as n'));
    const points = new Map<
      string,
      {
        snapshotId: string;
        takenAt: string;
        counts: Partial<Record<ComplianceStatus, number>>;
      }
    >();
    for (const row of rows) {
      const id = String(row.id);
      let point = points.get(id);
      if (!point) {
        point = {
          snapshotId: id,
          takenAt: iso(Number(row.taken_at)),
          counts: {},
        };
        points.set(id, point);
      }
      point.counts[row.status as ComplianceStatus] = Number(row.n);
    }
    return [...points.values()];
  }
}
