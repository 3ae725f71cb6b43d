import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

const SNAPSHOTS = 'itops_compliance_snapshots';
const DISPOSALS = 'itops_compliance_disposals';
const PSEUDONYMISATIONS = 'itops_compliance_pseudonymisations';

/** The columns of a snapshot the chain hash covers. */
export interface ChainedFields {
  id: string;
  taken_at: number | string;
  trigger: string;
  scope: string;
  base_id?: string | null;
  catalogue_hash: string;
  content_hash: string;
  result_count: number | string;
  /** Set on snapshots that record the attestations in force. */
  attestations_hash?: string | null;
}

/**
 * A snapshot's link: its identity, time, catalogue and content hashes,
 * the hash of the attestations it recorded, and the previous link, one
 * line of JSON hashed. Numbers are normalised, as the drivers return
 * bigints as strings or numbers.
 */
export function chainHashOf(
  prevHash: string | null,
  row: ChainedFields,
): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        prevHash,
        String(row.id),
        Number(row.taken_at),
        String(row.trigger),
        String(row.scope),
        row.base_id ?? null,
        String(row.catalogue_hash),
        String(row.content_hash),
        Number(row.result_count),
        // Appended only when set, so snapshots taken before hash alike.
        ...(row.attestations_hash ? [String(row.attestations_hash)] : []),
      ]),
    )
    .digest('hex');
}

/** The hash of the attestations a snapshot records, over their stored JSON. */
export function attestationsHashOf(json: string): string {
  return createHash('sha256').update(json).digest('hex');
}

/**
 * Whether a snapshot row's recorded attestations still hash to the hash
 * its chain covers: undefined for a row that records none (taken before
 * snapshots recorded them), false when one of the two is missing.
 */
export function attestationsMatch(row: {
  attestations?: string | null;
  attestations_hash?: string | null;
}): boolean | undefined {
  const json = row.attestations ?? undefined;
  const hash = row.attestations_hash ?? undefined;
  if (json === undefined && hash === undefined) return undefined;
  if (json === undefined || hash === undefined) return false;
  return attestationsHashOf(String(json)) === hash;
}

/**
 * The chain hash of the snapshot stored last, which the next one links
 * to. On PostgreSQL a transaction-scoped advisory lock serialises writers,
 * so two runs cannot both link to the same predecessor; SQLite allows one
 * writer at a time anyway.
 */
export async function chainHead(trx: Knex.Transaction): Promise<string | null> {
  if (trx.client.dialect === 'postgresql') {
    await trx.raw(`select pg_advisory_xact_lock(hashtext('${SNAPSHOTS}'))`);
  }
  const row = await trx(SNAPSHOTS)
    .whereNotNull('chain_hash')
    .orderBy('seq', 'desc')
    .first('chain_hash');
  return row ? String(row.chain_hash) : null;
}

/** One rewrite of a snapshot's evidence by pseudonymisation. */
export interface PseudonymisationRecord {
  snapshotId: string;
  at: number;
  beforeHash: string;
  afterHash: string;
}

function pseudonymisationHashOf(
  prevHash: string | null,
  r: PseudonymisationRecord,
): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        prevHash,
        String(r.snapshotId),
        Number(r.at),
        String(r.beforeHash),
        String(r.afterHash),
      ]),
    )
    .digest('hex');
}

/**
 * Appends a pseudonymisation record, chained to the one before it. The
 * snapshot's own chain hash keeps covering its original content hash;
 * these records carry it forward to the pseudonymised content. Call inside
 * the retention permit: the table refuses inserts outside it.
 */
export async function recordPseudonymisation(
  trx: Knex.Transaction,
  record: PseudonymisationRecord,
): Promise<void> {
  if (trx.client.dialect === 'postgresql') {
    await trx.raw(
      `select pg_advisory_xact_lock(hashtext('${PSEUDONYMISATIONS}'))`,
    );
  }
  const head = await trx(PSEUDONYMISATIONS)
    .orderBy('id', 'desc')
    .first('chain_hash');
  const prev = head ? String(head.chain_hash) : null;
  await trx(PSEUDONYMISATIONS).insert({
    snapshot_id: record.snapshotId,
    at: record.at,
    before_hash: record.beforeHash,
    after_hash: record.afterHash,
    prev_hash: prev,
    chain_hash: pseudonymisationHashOf(prev, record),
  });
}

/**
 * The content hash a snapshot's results should hash to now: its recorded
 * content hash carried through its pseudonymisation records, as long as
 * each starts where the one before it ended (verifyChain reports a gap).
 */
export async function expectedContentHash(
  knex: Knex,
  snapshotId: string,
  recorded: string,
): Promise<string> {
  const rows = await knex(PSEUDONYMISATIONS)
    .where('snapshot_id', snapshotId)
    .orderBy('id', 'asc')
    .select('before_hash', 'after_hash');
  let expected = recorded;
  for (const row of rows) {
    if (String(row.before_hash) !== expected) return recorded;
    expected = String(row.after_hash);
  }
  return expected;
}

/**
 * Checks the pseudonymisation records' own chain and returns, per
 * snapshot, its records in order.
 */
async function pseudonymisationsOf(
  knex: Knex,
  broken: ChainVerification['broken'],
): Promise<Map<string, PseudonymisationRecord[]>> {
  const rows = await knex(PSEUDONYMISATIONS).orderBy('id', 'asc');
  const bySnapshot = new Map<string, PseudonymisationRecord[]>();
  let previous: string | null = null;
  for (const row of rows) {
    const record: PseudonymisationRecord = {
      snapshotId: String(row.snapshot_id),
      at: Number(row.at),
      beforeHash: String(row.before_hash),
      afterHash: String(row.after_hash),
    };
    const prev = row.prev_hash ? String(row.prev_hash) : null;
    if (
      prev !== previous ||
      pseudonymisationHashOf(prev, record) !== String(row.chain_hash)
    ) {
      broken.push({
        snapshotId: record.snapshotId,
        problem: `pseudonymisation record ${row.id} does not match its chain`,
      });
    }
    previous = String(row.chain_hash);
    bySnapshot.set(record.snapshotId, [
      ...(bySnapshot.get(record.snapshotId) ?? []),
      record,
    ]);
  }
  return bySnapshot;
}

/** The verdict of {@link verifyChain}. */
export interface ChainVerification {
  /** True when every checked snapshot and link holds. */
  ok: boolean;
  checked: number;
  /** Snapshots stored before the chain existed: only their content is checked. */
  unchained: number;
  broken: Array<{ snapshotId: string; problem: string }>;
}

/**
 * Walks every snapshot in the order stored and checks that its content
 * hash, carried forward by its pseudonymisation records, matches its
 * results (`contentHashOf` the resolved results), its recorded
 * attestations match their hash, its chain hash matches its fields
 * (that hash included) and previous link, and that previous link
 * is the chain hash of the snapshot before it, or of a snapshot the
 * disposal ledger records as disposed of by retention.
 */
export async function verifyChain(
  knex: Knex,
  contentHashOfSnapshot: (snapshotId: string) => Promise<string>,
): Promise<ChainVerification> {
  const rows = await knex(SNAPSHOTS).orderBy('seq', 'asc');
  const disposed = new Set(
    (await knex(DISPOSALS).whereNotNull('chain_hash').select('chain_hash')).map(
      r => String(r.chain_hash),
    ),
  );
  const broken: ChainVerification['broken'] = [];
  const pseudonymisations = await pseudonymisationsOf(knex, broken);
  let unchained = 0;
  let previous: string | null = null;
  for (const row of rows) {
    const id = String(row.id);
    const content = await contentHashOfSnapshot(id);
    // Pseudonymisation carries the recorded content hash forward, each
    // record starting where the one before it ended.
    let expected = String(row.content_hash);
    for (const record of pseudonymisations.get(id) ?? []) {
      if (record.beforeHash !== expected) {
        broken.push({
          snapshotId: id,
          problem: `a pseudonymisation record starts from ${record.beforeHash}, not from its content hash ${expected}`,
        });
      }
      expected = record.afterHash;
    }
    if (content !== expected) {
      broken.push({
        snapshotId: id,
        problem: `its results hash to ${content}, not the recorded content hash ${expected}`,
      });
    }
    if (attestationsMatch(row) === false) {
      broken.push({
        snapshotId: id,
        problem: 'its recorded attestations do not match their recorded hash',
      });
    }
    if (!row.chain_hash) {
      unchained++;
      continue;
    }
    const prev = row.prev_hash ? String(row.prev_hash) : null;
    if (chainHashOf(prev, row) !== row.chain_hash) {
      broken.push({
        snapshotId: id,
        problem: 'its chain hash does not match its recorded fields',
      });
    }
    if (prev !== previous && !(prev !== null && disposed.has(prev))) {
      broken.push({
        snapshotId: id,
        problem:
          prev === null
            ? 'it starts a new chain although chained snapshots precede it'
            : 'its previous hash is neither the snapshot before it nor a disposed one',
      });
    }
    previous = String(row.chain_hash);
  }
  return { ok: broken.length === 0, checked: rows.length, unchained, broken };
}
