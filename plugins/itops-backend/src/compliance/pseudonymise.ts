import { createHmac } from 'node:crypto';
import type { Config } from '@backstage/config';
import type { AuditorService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { withRetentionPermit } from './retentionPermit';
import { SnapshotStore } from './SnapshotStore';
import { recordPseudonymisation } from './snapshotChain';

/**
 * Person refs and names in compliance records are replaced, once older
 * than `afterMonths`, by a keyed pseudonym: HMAC-SHA256 of the lower-cased
 * ref with the configured key. The same person always maps to the same
 * pseudonym, so counts and segregation-of-duties comparisons (requester ≠
 * approver, case-insensitive) hold after the rewrite; without the key the
 * pseudonym cannot be traced back by recomputing it for a known name.
 */
export interface PseudonymisationSettings {
  afterMonths: number;
  /** Absent: pseudonymisation is refused (see readPseudonymisation). */
  key?: string;
}

export const DEFAULT_PSEUDONYMISE_AFTER_MONTHS = 13;
const MAX_MONTHS = 120;
/** The namespace that marks a value as already pseudonymised. */
export const PSEUDONYM_NAMESPACE = 'pseudonymised';
const MIN_KEY_LENGTH = 32;

/**
 * Reads `itops.compliance.retention.pseudonymiseAfterMonths` (1–120,
 * default 13) and `pseudonymKey` (at least 32 characters). Without a key
 * nothing is pseudonymised and the job warns on every run: a key generated
 * and stored beside the data it protects would let anyone with the
 * database recompute pseudonyms of known names, so no key is invented.
 */
export function readPseudonymisation(
  config: Config | undefined,
): PseudonymisationSettings {
  const c = config?.getOptionalConfig('itops.compliance.retention');
  const afterMonths =
    c?.getOptionalNumber('pseudonymiseAfterMonths') ??
    DEFAULT_PSEUDONYMISE_AFTER_MONTHS;
  if (
    !Number.isInteger(afterMonths) ||
    afterMonths < 1 ||
    afterMonths > MAX_MONTHS
  ) {
    throw new Error(
      `itops.compliance.retention.pseudonymiseAfterMonths must be a whole number of months from 1 to ${MAX_MONTHS}`,
    );
  }
  const key = c?.getOptionalString('pseudonymKey');
  if (key !== undefined && key.length < MIN_KEY_LENGTH) {
    // The message never repeats the key.
    throw new Error(
      `itops.compliance.retention.pseudonymKey must be at least ${MIN_KEY_LENGTH} characters`,
    );
  }
  return { afterMonths, ...(key ? { key } : {}) };
}

const digest = (key: string, value: string) =>
  createHmac('sha256', key)
    .update(value.trim().toLowerCase())
    .digest('hex')
    .slice(0, 32);

const USER_REF = /\buser:(?:[\w.@-]+\/)?[\w.@-]+/gi;

/** `user:…` refs become `user:pseudonymised/<hmac>`; pseudonyms stay. */
export function pseudonymOfRef(key: string, ref: string): string {
  if (ref.toLowerCase().startsWith(`user:${PSEUDONYM_NAMESPACE}/`)) return ref;
  const normalised = ref.includes('/') ? ref : `user:default/${ref.slice(5)}`;
  return `user:${PSEUDONYM_NAMESPACE}/${digest(key, normalised)}`;
}

/** A free-text person name (an on-call person) becomes `pseudonymised/<hmac>`. */
export function pseudonymOfName(key: string, name: string): string {
  if (name.startsWith(`${PSEUDONYM_NAMESPACE}/`) || !name.trim()) return name;
  return `${PSEUDONYM_NAMESPACE}/${digest(key, `name:${name}`)}`;
}

/** Replaces every user ref in a string. */
export function pseudonymiseText(key: string, text: string): string {
  return text.replace(USER_REF, ref => pseudonymOfRef(key, ref));
}

/** Replaces user refs in every string of a JSON value. */
export function pseudonymiseJson(key: string, value: unknown): unknown {
  if (typeof value === 'string') return pseudonymiseText(key, value);
  if (Array.isArray(value)) return value.map(v => pseudonymiseJson(key, v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, pseudonymiseJson(key, v)]),
    );
  }
  return value;
}

/** Evidence types whose note lists person names (oncallRules). */
const NAME_NOTES = new Set(['escalation-level', 'oncall-shift']);

/** Pseudonymises a stored evidence array (JSON text). */
export function pseudonymiseEvidence(key: string, evidence: string): string {
  const items = JSON.parse(evidence) as Array<Record<string, unknown>>;
  if (!Array.isArray(items)) return evidence;
  const out = items.map(item => {
    const next = pseudonymiseJson(key, item) as Record<string, unknown>;
    if (NAME_NOTES.has(String(item.type)) && typeof item.note === 'string') {
      next.note = item.note
        .split(', ')
        .map(name => pseudonymOfName(key, name))
        .join(', ');
    }
    return next;
  });
  const text = JSON.stringify(out);
  return text === JSON.stringify(items) ? evidence : text;
}

interface RecordTable {
  table: string;
  id: string;
  age: string;
  refs: string[];
  json?: string[];
}

/** The records that name people, by the column that dates them. */
export const PERSON_RECORDS: readonly RecordTable[] = [
  {
    table: 'itops_compliance_waivers',
    id: 'id',
    // By expiry: a waiver still open keeps its requester readable, since
    // deciding on it compares the requester with the decider.
    age: 'expires_at',
    refs: ['requested_by', 'decided_by'],
  },
  {
    table: 'itops_compliance_waiver_events',
    id: 'id',
    age: 'at',
    refs: ['actor'],
  },
  {
    table: 'itops_compliance_breach_decisions',
    id: 'id',
    age: 'recorded_at',
    refs: ['decided_by', 'recorded_by'],
  },
  {
    table: 'itops_compliance_attestations',
    id: 'id',
    age: 'attested_at',
    refs: ['attested_by'],
  },
  {
    table: 'itops_compliance_attestation_events',
    id: 'id',
    age: 'at',
    refs: ['actor'],
  },
  {
    table: 'itops_compliance_audit',
    id: 'id',
    age: 'at',
    refs: ['actor'],
    json: ['before', 'after'],
  },
];

/** `now` minus `months` calendar months (UTC). */
export function cutoffOf(now: number, months: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

export const PSEUDONYMISATION_ACTOR = 'plugin:itops/compliance-retention';

export interface PseudonymisationRun {
  cutoff: number;
  /** Rows rewritten, per table. */
  rows: Record<string, number>;
  /** Snapshots whose content hash changed, each recorded in the chain. */
  snapshots: number;
}

const PAGE = 500;

async function pseudonymiseRecords(
  knex: Knex,
  spec: RecordTable,
  key: string,
  cutoff: number,
  now: number,
): Promise<number> {
  let changed = 0;
  let after: string | number | undefined;
  for (;;) {
    let query = knex(spec.table).where(spec.age, '<', cutoff);
    if (after !== undefined) query = query.where(spec.id, '>', after);
    const page: Array<Record<string, any>> = await query
      .orderBy(spec.id)
      .limit(PAGE)
      .select(spec.id, ...spec.refs, ...(spec.json ?? []));
    if (page.length === 0) return changed;
    after = page[page.length - 1][spec.id];
    const updates: Array<[string | number, Record<string, string>]> = [];
    for (const row of page) {
      const patch: Record<string, string> = {};
      for (const column of spec.refs) {
        const value = row[column];
        if (typeof value !== 'string') continue;
        const next = pseudonymiseText(key, value);
        if (next !== value) patch[column] = next;
      }
      for (const column of spec.json ?? []) {
        const value = row[column];
        if (typeof value !== 'string') continue;
        const next = JSON.stringify(pseudonymiseJson(key, JSON.parse(value)));
        if (next !== JSON.stringify(JSON.parse(value))) patch[column] = next;
      }
      if (Object.keys(patch).length > 0) updates.push([row[spec.id], patch]);
    }
    if (updates.length === 0) continue;
    await knex.transaction(trx =>
      withRetentionPermit(trx, now, async () => {
        for (const [id, patch] of updates) {
          await trx(spec.table).where(spec.id, id).update(patch);
        }
      }),
    );
    changed += updates.length;
  }
}

const SNAPSHOTS = 'itops_compliance_snapshots';
const RESULTS = 'itops_compliance_results';

/**
 * Rewrites the evidence of one snapshot's own result rows and records the
 * content hash change of it and of every incremental snapshot that reads
 * through it, all in one transaction under the retention permit.
 */
async function pseudonymiseSnapshot(
  knex: Knex,
  snapshotId: string,
  key: string,
  now: number,
): Promise<number> {
  return knex.transaction(async trx => {
    const rows: Array<Record<string, any>> = await trx(RESULTS)
      .where('snapshot_id', snapshotId)
      .select('entity_ref', 'check_id', 'evidence');
    const updates = rows
      .map(row => ({
        row,
        evidence: pseudonymiseEvidence(key, String(row.evidence)),
      }))
      .filter(u => u.evidence !== u.row.evidence);
    if (updates.length === 0) return 0;
    const dependents = await trx(SNAPSHOTS)
      .where('base_id', snapshotId)
      .orderBy('seq')
      .pluck('id');
    const affected = [snapshotId, ...dependents.map(String)];
    // Reads go through the transaction: SQLite has a single connection.
    const store = new SnapshotStore(trx);
    const before = new Map<string, string>();
    for (const id of affected) {
      before.set(id, await store.recomputedContentHash(id));
    }
    return withRetentionPermit(trx, now, async () => {
      for (const { row, evidence } of updates) {
        await trx(RESULTS)
          .where({
            snapshot_id: snapshotId,
            entity_ref: row.entity_ref,
            check_id: row.check_id,
          })
          .update({ evidence });
      }
      let recorded = 0;
      for (const id of affected) {
        const after = await store.recomputedContentHash(id);
        if (after === before.get(id)) continue;
        await recordPseudonymisation(trx, {
          snapshotId: id,
          at: now,
          beforeHash: before.get(id)!,
          afterHash: after,
        });
        recorded++;
      }
      return recorded;
    });
  });
}

/**
 * The retention job's pseudonymisation: every record and snapshot older
 * than the period has its person refs replaced. Idempotent (pseudonyms map
 * to themselves), so each run only rewrites what has aged since. Refused
 * without a key. The key is never logged or put in an audit event.
 */
export async function applyPseudonymisation(options: {
  knex: Knex;
  auditor: AuditorService;
  settings: PseudonymisationSettings;
  now: number;
  actor?: string;
}): Promise<PseudonymisationRun> {
  const { knex, auditor, settings, now } = options;
  const { key } = settings;
  if (!key) {
    throw new Error(
      'Compliance pseudonymisation refused: itops.compliance.retention.pseudonymKey is not set, so person names older than the retention period are kept',
    );
  }
  const cutoff = cutoffOf(now, settings.afterMonths);
  const event = await auditor.createEvent({
    eventId: 'compliance-pseudonymisation',
    severityLevel: 'medium',
    meta: {
      actor: options.actor ?? PSEUDONYMISATION_ACTOR,
      afterMonths: settings.afterMonths,
      cutoff: new Date(cutoff).toISOString(),
    },
  });
  const run: PseudonymisationRun = { cutoff, rows: {}, snapshots: 0 };
  try {
    for (const spec of PERSON_RECORDS) {
      run.rows[spec.table] = await pseudonymiseRecords(
        knex,
        spec,
        key,
        cutoff,
        now,
      );
    }
    const old = await knex(SNAPSHOTS)
      .where('taken_at', '<', cutoff)
      .orderBy('seq')
      .pluck('id');
    for (const id of old) {
      run.snapshots += await pseudonymiseSnapshot(knex, String(id), key, now);
    }
    await event.success({ meta: { rows: run.rows, snapshots: run.snapshots } });
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
  return run;
}
