import { createHash, randomUUID } from 'node:crypto';
import type {
  CheckMapping,
  CheckResult,
  CheckThresholds,
  ComplianceSnapshot,
  ComplianceStatus,
  SnapshotTrigger,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import {
  type SnapshotAttestation,
  attestationColumns,
  parseSnapshotAttestations,
} from './snapshotAttestations';
import {
  type ChainVerification,
  attestationsMatch,
  chainHashOf,
  chainHead,
  verifyChain,
  expectedContentHash,
} from './snapshotChain';
import { fromDbNumber } from '../database/time';
import { iso } from './model';
import { withRetentionPermit } from './retentionPermit';

const SNAPSHOTS = 'itops_compliance_snapshots';
const RESULTS = 'itops_compliance_results';
const REMOVALS = 'itops_compliance_removals';
const DISPOSALS = 'itops_compliance_disposals';

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
  'r.small_sample',
];

/** The check catalogue a snapshot records (see ComplianceEngine.catalogue). */
export interface SnapshotCatalogue {
  checks: Array<{
    id: string;
    version: number;
    mappings: CheckMapping[];
    thresholds: CheckThresholds;
  }>;
  tierThresholds?: Record<string, Record<string, CheckThresholds>>;
  frameworks?: Array<{ id: string; version: string }>;
  /** The category values the checks read as what (VUL-01 and others). */
  categories?: Record<string, string[]>;
}

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

/** The hash a snapshot records of the check catalogue and thresholds in force. */
export function catalogueHashOf(catalogue: unknown): string {
  return sha256(JSON.stringify(catalogue));
}

/*
 * A run serialises each result's evidence (most of its bytes) for the
 * diff against the base, the content hash and the insert: each is done
 * once per result object and kept while the object lives.
 */
const evidenceJsonCache = new WeakMap<NewResult, string>();
const canonicalCache = new WeakMap<NewResult, string>();

/** A result's evidence as stored: JSON. */
function evidenceJsonOf(r: NewResult): string {
  let json = evidenceJsonCache.get(r);
  if (json === undefined) {
    json = JSON.stringify(r.evidence);
    evidenceJsonCache.set(r, json);
  }
  return json;
}

/**
 * A result's canonical form: what the content hash covers. It is
 * `JSON.stringify` of the array below, built from its parts so the
 * evidence is serialised once.
 */
function canonicalOf(r: NewResult): string {
  let canonical = canonicalCache.get(r);
  if (canonical === undefined) {
    const parts = [
      JSON.stringify(r.entityRef),
      JSON.stringify(r.checkId),
      JSON.stringify(r.checkVersion),
      JSON.stringify(r.status),
      JSON.stringify(r.underlyingStatus ?? null),
      JSON.stringify(r.value ?? null),
      JSON.stringify(r.numerator ?? null),
      JSON.stringify(r.denominator ?? null),
      JSON.stringify(r.reason),
      evidenceJsonOf(r),
      JSON.stringify(r.waiverId ?? null),
      // Appended only when set, so results stored before the flag hash alike.
      ...(r.smallSample ? ['true'] : []),
    ];
    canonical = `[${parts.join(',')}]`;
    canonicalCache.set(r, canonical);
  }
  return canonical;
}

/**
 * The order the content hash sorts results in. `localeCompare` without
 * arguments compares as a default `Intl.Collator` does; one collator
 * reused is the same order without building one per comparison.
 */
const collator = new Intl.Collator();

/** The hash of a result set, independent of the order it was produced in. */
export function contentHashOf(results: readonly NewResult[]): string {
  const hash = createHash('sha256');
  const sorted = [...results].sort((a, b) =>
    a.entityRef === b.entityRef
      ? collator.compare(a.checkId, b.checkId)
      : collator.compare(a.entityRef, b.entityRef),
  );
  // Streamed into the hash: the same bytes as the lines joined by newlines.
  sorted.forEach((r, i) => {
    if (i > 0) hash.update('\n');
    hash.update(canonicalOf(r));
  });
  return hash.digest('hex');
}

/** Result hashes of this run: each is needed to diff and again to store. */
const hashCache = new WeakMap<NewResult, string>();

/**
 * The hash of one result with the entity context stored beside it (owner,
 * system, tier: the views filter on them), so a team change rewrites the
 * row even when the outcome is the same.
 */
export function resultHashOf(r: NewResult): string {
  // A run hashes each result to find what changed and again to store it.
  let hash = hashCache.get(r);
  if (hash === undefined) {
    hash = computeResultHash(r);
    hashCache.set(r, hash);
  }
  return hash;
}

function computeResultHash(r: NewResult): string {
  // The canonical form is one line of JSON, so a newline separates it.
  return createHash('sha256')
    .update(canonicalOf(r))
    .update('\n')
    .update(
      JSON.stringify([r.ownerRef ?? null, r.systemRef ?? null, r.tier ?? null]),
    )
    .digest('hex');
}

/** Raised when the base of an incremental snapshot is gone by the time it is written. */
export class SnapshotBaseGoneError extends Error {
  constructor(baseId: string) {
    super(`Base snapshot ${baseId} no longer exists`);
    this.name = 'SnapshotBaseGoneError';
  }
}

/** What an incremental snapshot stores against its full base. */
export interface IncrementalWrite {
  baseId: string;
  /** Results that differ from (or are missing in) the base. */
  changed: readonly NewResult[];
  /** Entities of the base that are no longer evaluated. */
  removed: readonly string[];
}

/** The bookkeeping of a stored snapshot the reads resolve through. */
export interface SnapshotRef {
  id: string;
  seq: number;
  takenAt: number;
  scope: string;
  baseId?: string;
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
    ...(row.chain_hash ? { chainHash: String(row.chain_hash) } : {}),
    ...(row.prev_hash ? { prevHash: String(row.prev_hash) } : {}),
    ...(row.attestations_hash
      ? { attestationsHash: String(row.attestations_hash) }
      : {}),
  };
}

/**
 * A result row as the API shows it. `as` presents it as a snapshot's own
 * (carried rows of an incremental snapshot included), with the time
 * formatted once for the whole read rather than per row.
 */
function toResult(
  row: Record<string, any>,
  as?: { snapshotId: string; takenAt: string },
): StoredResult {
  const optionalNumber = (v: unknown) => fromDbNumber(v);
  return {
    snapshotId: as?.snapshotId ?? String(row.snapshot_id),
    takenAt: as?.takenAt ?? iso(Number(row.taken_at)),
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
    ...(row.small_sample ? { smallSample: true } : {}),
  };
}

const SNAPSHOT_COLUMNS = [
  'id',
  'seq',
  'taken_at',
  'trigger',
  'scope',
  'base_id',
  'catalogue_hash',
  'content_hash',
  'entity_count',
  'result_count',
  'stored_count',
  'duration_ms',
  'prev_hash',
  'chain_hash',
  'attestations_hash',
];

function toRef(row: Record<string, any>): SnapshotRef {
  return {
    id: String(row.id),
    seq: Number(row.seq),
    takenAt: Number(row.taken_at),
    scope: String(row.scope),
    ...(row.base_id ? { baseId: String(row.base_id) } : {}),
  };
}

function newestFirst(q: Knex.QueryBuilder, alias = '') {
  return q.orderBy([
    { column: `${alias}taken_at`, order: 'desc' },
    { column: `${alias}seq`, order: 'desc' },
  ]);
}

/**
 * Snapshots and their results. Writes only ever insert (the tables reject
 * updates, and deletes of snapshots not in the disposal ledger); reads
 * resolve "the state at a date" as the newest snapshot taken at or before
 * it.
 *
 * A full snapshot stores every result. An incremental one (`base_id` set)
 * is an evaluation of every entity too, but stores only the results that
 * differ from its full base, and the entities the base had that it no
 * longer evaluates; every read resolves it as "its own rows, then the
 * base's rows it does not replace or remove", presented as its own, so
 * views, history, trends and exports answer as a full snapshot would.
 * Incremental snapshots always name a full base, never another incremental
 * one, so a read never goes more than one level deep.
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
    /** Every result of the evaluation: the content hash and counts cover them. */
    results: readonly NewResult[];
    /** Store only the difference to a full base. */
    incremental?: IncrementalWrite;
    /** The attestations in force at `takenAt`, recorded and chained with it. */
    attestations?: readonly SnapshotAttestation[];
  }): Promise<ComplianceSnapshot> {
    const catalogueJson = JSON.stringify(options.catalogue);
    const stored = options.incremental?.changed ?? options.results;
    const row = {
      id: randomUUID(),
      taken_at: options.takenAt,
      trigger: options.trigger,
      scope: options.scope,
      base_id: options.incremental?.baseId ?? null,
      catalogue_hash: catalogueHashOf(options.catalogue),
      catalogue: catalogueJson,
      content_hash: contentHashOf(options.results),
      entity_count: options.entityCount,
      result_count: options.results.length,
      stored_count: stored.length,
      duration_ms: Math.round(options.durationMs),
      ...attestationColumns(options.attestations),
    };
    await this.knex.transaction(async trx => {
      if (options.incremental) {
        // The retention task never deletes the base of the newest snapshot,
        // but a full run and a disposal may have happened since this run
        // chose it. On PostgreSQL the share lock holds the base until commit.
        const base = await trx(SNAPSHOTS)
          .where('id', options.incremental.baseId)
          .whereNull('base_id')
          .modify(q => (isPostgres(trx) ? q.forShare() : q))
          .first('id');
        if (!base) throw new SnapshotBaseGoneError(options.incremental.baseId);
      }
      const prevHash = await chainHead(trx);
      await trx(SNAPSHOTS).insert({
        ...row,
        prev_hash: prevHash,
        chain_hash: chainHashOf(prevHash, row),
      });
      const rows = stored.map(r => ({
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
        evidence: evidenceJsonOf(r),
        evidence_total: r.evidenceTotal ?? null,
        waiver_id: r.waiverId ?? null,
        small_sample: r.smallSample ? true : null,
        result_hash: resultHashOf(r),
      }));
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await trx(RESULTS).insert(rows.slice(i, i + ROWS_PER_INSERT));
      }
      const removed = (options.incremental?.removed ?? []).map(entityRef => ({
        snapshot_id: row.id,
        entity_ref: entityRef,
      }));
      for (let i = 0; i < removed.length; i += ROWS_PER_INSERT) {
        await trx(REMOVALS).insert(removed.slice(i, i + ROWS_PER_INSERT));
      }
    });
    return toSnapshot(row);
  }

  /**
   * The check catalogue a snapshot was taken with: check versions,
   * thresholds and control mappings in force then, as `catalogue()` of the
   * engine recorded it.
   */
  async catalogue(id: string): Promise<SnapshotCatalogue | undefined> {
    const row = await this.knex(SNAPSHOTS).where('id', id).first('catalogue');
    return row ? (JSON.parse(row.catalogue) as SnapshotCatalogue) : undefined;
  }

  /**
   * The attestations in force when a snapshot was taken, as it recorded
   * them; undefined for a snapshot taken before snapshots recorded them.
   */
  async attestations(id: string): Promise<SnapshotAttestation[] | undefined> {
    const row = await this.knex(SNAPSHOTS)
      .where('id', id)
      .first('attestations');
    return parseSnapshotAttestations(row?.attestations);
  }

  /** Recomputes the content hash of a snapshot from its stored results. */
  async recomputedContentHash(id: string): Promise<string> {
    return contentHashOf(await this.results(id));
  }

  /**
   * Whether a snapshot's results (as read for an export) still hash to its
   * content hash, and its fields to its chain hash.
   */
  async integrity(
    id: string,
    results: readonly NewResult[],
  ): Promise<{
    contentHashMatches: boolean;
    chainHashMatches?: boolean;
    attestationsHashMatches?: boolean;
  }> {
    const row = await this.knex(SNAPSHOTS).where('id', id).first();
    if (!row) return { contentHashMatches: false };
    return {
      contentHashMatches:
        contentHashOf(results) ===
        (await expectedContentHash(this.knex, id, String(row.content_hash))),
      ...(row.chain_hash
        ? {
            chainHashMatches:
              chainHashOf(row.prev_hash ?? null, row) === row.chain_hash,
          }
        : {}),
      ...(attestationsMatch(row) === undefined
        ? {}
        : { attestationsHashMatches: attestationsMatch(row) }),
    };
  }

  /** Verifies every snapshot's content and the hash chain over them. */
  async verify(): Promise<ChainVerification> {
    return verifyChain(this.knex, id => this.recomputedContentHash(id));
  }

  async get(id: string): Promise<ComplianceSnapshot | undefined> {
    const row = await this.knex(SNAPSHOTS).where('id', id).first();
    return row ? toSnapshot(row) : undefined;
  }

  /**
   * Deletes a snapshot with its results through the one path the database
   * allows: the snapshot is first recorded in the append-only disposal
   * ledger (which the delete triggers check), `audit` appends to the
   * audit trail, and the deletes run under the retention permit the
   * append-only guard requires, all in one transaction.
   */
  async dispose(
    id: string,
    options: {
      actor: string;
      policy: unknown;
      reason: string;
      now: number;
      audit: (
        trx: Knex.Transaction,
        summary: ComplianceSnapshot,
      ) => Promise<void>;
    },
  ): Promise<void> {
    await this.knex.transaction(async trx => {
      const row = await trx(SNAPSHOTS).where('id', id).first(SNAPSHOT_COLUMNS);
      if (!row) return; // already gone
      const dependents = await trx(SNAPSHOTS)
        .where('base_id', id)
        .count({ n: '*' })
        .first();
      if (Number(dependents?.n ?? 0) > 0) {
        throw new Error(
          `Snapshot ${id} is the base of ${
            dependents!.n
          } incremental snapshots; dispose of them first`,
        );
      }
      await trx(DISPOSALS).insert({
        snapshot_id: id,
        taken_at: row.taken_at,
        trigger: row.trigger,
        scope: row.scope,
        base_id: row.base_id ?? null,
        content_hash: row.content_hash,
        catalogue_hash: row.catalogue_hash,
        chain_hash: row.chain_hash ?? null,
        result_count: row.result_count,
        disposed_at: options.now,
        actor: options.actor,
        policy: JSON.stringify(options.policy),
        reason: options.reason,
      });
      await options.audit(trx, toSnapshot(row));
      await withRetentionPermit(trx, options.now, async () => {
        await trx(REMOVALS).where('snapshot_id', id).delete();
        await trx(RESULTS).where('snapshot_id', id).delete();
        await trx(SNAPSHOTS).where('id', id).delete();
      });
    });
  }

  /** The bookkeeping of a snapshot, for resolution and retention. */
  async ref(id: string): Promise<SnapshotRef | undefined> {
    const row = await this.knex(SNAPSHOTS)
      .where('id', id)
      .first('id', 'seq', 'taken_at', 'scope', 'base_id');
    return row ? toRef(row) : undefined;
  }

  /** The bookkeeping of every snapshot, oldest first. */
  async refs(): Promise<SnapshotRef[]> {
    const rows = await this.knex(SNAPSHOTS)
      .orderBy(['taken_at', 'seq'])
      .select('id', 'seq', 'taken_at', 'scope', 'base_id');
    return rows.map(toRef);
  }

  /** The newest snapshot of every entity (full or incremental) at or before `at`. */
  async latestAll(at?: number): Promise<SnapshotRef | undefined> {
    const row = await this.knex(SNAPSHOTS)
      .where('scope', 'all')
      .modify(q => (at !== undefined ? q.where('taken_at', '<=', at) : q))
      .modify(q => newestFirst(q))
      .first('id', 'seq', 'taken_at', 'scope', 'base_id');
    return row ? toRef(row) : undefined;
  }

  /**
   * The stored result hashes of a full snapshot by entity and check, or
   * undefined when the snapshot predates result hashes (an incremental
   * run then cannot be stored against it).
   */
  async resultHashes(fullId: string): Promise<Map<string, string> | undefined> {
    const rows = await this.knex(RESULTS)
      .where('snapshot_id', fullId)
      .select('entity_ref', 'check_id', 'result_hash');
    const hashes = new Map<string, string>();
    for (const r of rows) {
      if (!r.result_hash) return undefined;
      hashes.set(
        resultKey(String(r.entity_ref), String(r.check_id)),
        r.result_hash,
      );
    }
    return hashes;
  }

  /** Snapshots newest first, optionally only runs of every entity, up to `at`. */
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
      .modify(q => newestFirst(q))
      .limit(options.limit)
      .select(SNAPSHOT_COLUMNS);
    return rows.map(toSnapshot);
  }

  /**
   * The rows of a snapshot as a query over `r`-aliased result columns: its
   * own, and for an incremental snapshot the base's it neither replaces
   * nor removes.
   */
  #resolved(snapshot: SnapshotRef, options: ResultQuery): Knex.QueryBuilder {
    const columns = options.lean ? LEAN_COLUMNS : ['r.*'];
    const filtered = (q: Knex.QueryBuilder) =>
      q.modify(f => {
        if (options.entityRef) f.where('r.entity_ref', options.entityRef);
        if (options.checkIds) f.whereIn('r.check_id', [...options.checkIds]);
      });
    const own = filtered(
      this.knex(`${RESULTS} as r`).where('r.snapshot_id', snapshot.id),
    ).select(columns);
    if (!snapshot.baseId) return own;
    const carried = filtered(
      this.knex(`${RESULTS} as r`)
        .where('r.snapshot_id', snapshot.baseId)
        .whereNotExists(
          this.knex(`${RESULTS} as d`)
            .where('d.snapshot_id', snapshot.id)
            .whereRaw('d.entity_ref = r.entity_ref')
            .whereRaw('d.check_id = r.check_id')
            .select(this.knex.raw('1')),
        )
        .whereNotExists(
          this.knex(`${REMOVALS} as x`)
            .where('x.snapshot_id', snapshot.id)
            .whereRaw('x.entity_ref = r.entity_ref')
            .select(this.knex.raw('1')),
        ),
    ).select(columns);
    return this.knex.select('*').from(own.unionAll(carried).as('u'));
  }

  /** The results of one snapshot, resolved through its base, in a stable order. */
  async results(
    snapshotId: string,
    options: ResultQuery = {},
  ): Promise<StoredResult[]> {
    const snapshot = await this.ref(snapshotId);
    return snapshot ? this.#resultsOf(snapshot, options) : [];
  }

  async #resultsOf(
    snapshot: SnapshotRef,
    options: ResultQuery,
  ): Promise<StoredResult[]> {
    const rows = await this.#resolved(snapshot, options).orderBy([
      'entity_ref',
      'check_id',
    ]);
    // Carried rows are presented as the snapshot's own: it evaluated them
    // at its time and found them unchanged. Lean rows leave out reasons and
    // evidence, which roll-ups over thousands of entities do not need and
    // which dominate the rows' size.
    const as = { snapshotId: snapshot.id, takenAt: iso(snapshot.takenAt) };
    return rows.map((row: Record<string, any>) =>
      toResult(options.lean ? { ...row, reason: '', evidence: '[]' } : row, as),
    );
  }

  /**
   * An entity's results as of `at` (default now): those of the newest
   * snapshot, of every entity or of the entity alone, that evaluated it.
   */
  async entityResults(entityRef: string, at?: number): Promise<StoredResult[]> {
    const [all, alone] = await Promise.all([
      this.latestAll(at),
      this.knex(SNAPSHOTS)
        .where('scope', entityRef)
        .modify(q => (at !== undefined ? q.where('taken_at', '<=', at) : q))
        .modify(q => newestFirst(q))
        .first('id', 'seq', 'taken_at', 'scope', 'base_id'),
    ]);
    const single = alone ? toRef(alone) : undefined;
    const newer =
      all &&
      (!single ||
        all.takenAt > single.takenAt ||
        (all.takenAt === single.takenAt && all.seq > single.seq))
        ? all
        : single;
    if (newer) {
      const results = await this.#resultsOf(newer, { entityRef });
      if (results.length > 0) return results;
    }
    // No longer evaluated: its last results, from the newest snapshot that
    // stored any for it.
    const latest = await this.knex(`${RESULTS} as r`)
      .join(`${SNAPSHOTS} as s`, 's.id', 'r.snapshot_id')
      .where('r.entity_ref', entityRef)
      .modify(q => (at !== undefined ? q.where('s.taken_at', '<=', at) : q))
      .modify(q => newestFirst(q, 's.'))
      .first('s.id');
    return latest ? this.results(String(latest.id), { entityRef }) : [];
  }

  /**
   * The organisation's results as of `at`: the newest snapshot of every
   * entity, with entities re-evaluated alone since then taken from their
   * newer runs.
   */
  async currentResults(
    at?: number,
    query: Omit<ResultQuery, 'entityRef'> = {},
  ): Promise<{
    snapshot?: ComplianceSnapshot;
    results: StoredResult[];
  }> {
    const latest = await this.latestAll(at);
    if (!latest) return { results: [] };
    const full = (await this.get(latest.id))!;
    const newer = await this.knex(SNAPSHOTS)
      .whereNot('scope', 'all')
      .where('seq', '>', latest.seq)
      .where('taken_at', '>=', latest.takenAt)
      .modify(q => (at !== undefined ? q.where('taken_at', '<=', at) : q))
      .orderBy([
        { column: 'taken_at', order: 'asc' },
        { column: 'seq', order: 'asc' },
      ])
      .select('id', 'scope');
    const byEntity = new Map<string, StoredResult[]>();
    for (const result of await this.#resultsOf(latest, query)) {
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

  /** Status counts of the snapshots of every entity, oldest first, for trends. */
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
    const inRange = (q: Knex.QueryBuilder) =>
      q
        .where('s.scope', 'all')
        .where('s.taken_at', '>=', options.since)
        .modify(f => {
          if (options.until !== undefined)
            f.where('s.taken_at', '<=', options.until);
          if (options.checkIds) f.whereIn('r.check_id', [...options.checkIds]);
          if (options.filter?.ownerRef)
            f.where('r.owner_ref', options.filter.ownerRef);
          if (options.filter?.systemRef)
            f.where('r.system_ref', options.filter.systemRef);
          if (options.filter?.tier !== undefined)
            f.where('r.tier', options.filter.tier);
        })
        .groupBy('s.id', 's.seq', 's.taken_at', 'r.status')
        .select(
          's.id',
          's.seq',
          's.taken_at',
          'r.status',
          this.knex.raw('count(*) as n'),
        );
    // Every snapshot's own rows, and for incremental ones the base's rows
    // they carry forward: counted in the database, as for full snapshots.
    const [own, carried] = await Promise.all([
      inRange(
        this.knex(`${RESULTS} as r`).join(
          `${SNAPSHOTS} as s`,
          's.id',
          'r.snapshot_id',
        ),
      ),
      inRange(
        this.knex(`${SNAPSHOTS} as s`)
          .whereNotNull('s.base_id')
          .join(`${RESULTS} as r`, 'r.snapshot_id', 's.base_id')
          .whereNotExists(
            this.knex(`${RESULTS} as d`)
              .whereRaw('d.snapshot_id = s.id')
              .whereRaw('d.entity_ref = r.entity_ref')
              .whereRaw('d.check_id = r.check_id')
              .select(this.knex.raw('1')),
          )
          .whereNotExists(
            this.knex(`${REMOVALS} as x`)
              .whereRaw('x.snapshot_id = s.id')
              .whereRaw('x.entity_ref = r.entity_ref')
              .select(this.knex.raw('1')),
          ),
      ),
    ]);
    const points = new Map<
      string,
      {
        seq: number;
        at: number;
        snapshotId: string;
        takenAt: string;
        counts: Partial<Record<ComplianceStatus, number>>;
      }
    >();
    for (const row of [...own, ...carried]) {
      const id = String(row.id);
      let point = points.get(id);
      if (!point) {
        point = {
          seq: Number(row.seq),
          at: Number(row.taken_at),
          snapshotId: id,
          takenAt: iso(Number(row.taken_at)),
          counts: {},
        };
        points.set(id, point);
      }
      const status = row.status as ComplianceStatus;
      point.counts[status] = (point.counts[status] ?? 0) + Number(row.n);
    }
    return [...points.values()]
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .map(({ snapshotId, takenAt, counts }) => ({
        snapshotId,
        takenAt,
        counts,
      }));
  }
}

/** The key of a result within a snapshot. */
export function resultKey(entityRef: string, checkId: string): string {
  return `${entityRef}\u0000${checkId}`;
}

function isPostgres(knex: Knex): boolean {
  return knex.client.dialect === 'postgresql';
}
