import {
  type CheckDefinition,
  type ComplianceAttestation,
  type ComplianceFramework,
  type SoaContent,
  type SoaEntry,
  type SoaVersion,
  complianceScore,
  countStatuses,
} from '@backstage-itops/plugin-itops-common';
import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { iso } from './model';
import type { WaiverStore } from './WaiverStore';

const TABLE = 'itops_compliance_soa_versions';

/** A control excluded from the SoA, and why (clause 6.1.3 d). */
export interface SoaExclusion {
  control: string;
  justification: string;
}

/**
 * Validates exclusions (from `itops.compliance.soa.exclusions` or a request
 * body): each names a control of the framework once and carries a
 * justification, since clause 6.1.3 d requires one for every exclusion.
 * `where` names the source in the error, e.g. `Body field 'exclusions'`.
 */
export function parseExclusions(
  value: unknown,
  framework: ComplianceFramework,
  where: string,
): SoaExclusion[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new InputError(
      `${where} must be a list of { control, justification }`,
    );
  }
  const seen = new Set<string>();
  return value.map((item, i) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    const control = entry.control;
    if (typeof control !== 'string' || !control.trim()) {
      throw new InputError(`${where}[${i}].control is required`);
    }
    if (!framework.controls.some(c => c.id === control)) {
      throw new InputError(
        `${where}[${i}].control '${control}' is not a control of ${framework.id}`,
      );
    }
    if (seen.has(control)) {
      throw new InputError(
        `${where}[${i}].control '${control}' is listed twice`,
      );
    }
    seen.add(control);
    const justification = entry.justification;
    if (typeof justification !== 'string' || !justification.trim()) {
      throw new InputError(
        `${where}[${i}].justification is required: excluding ${control} needs a reason`,
      );
    }
    return { control, justification: justification.trim() };
  });
}

/**
 * The Statement of Applicability of a framework at one time: every
 * control, whether it applies (and why not), how it is implemented and the
 * checks behind it. A control with a mapped check is `automated` and
 * carries the score of those checks' results (the same rule as everywhere:
 * pass ÷ judged); one without is `attested` when an attestation of it is
 * in force for some entity, `manual` otherwise.
 */
export function buildSoaContent(options: {
  framework: ComplianceFramework;
  checks: readonly CheckDefinition[];
  results: ReadonlyArray<{ checkId: string; status: any }>;
  snapshotId: string | null;
  attestations: Iterable<ComplianceAttestation>;
  exclusions: readonly SoaExclusion[];
}): SoaContent {
  const { framework } = options;
  const statusesByCheck = new Map<string, string[]>();
  for (const r of options.results) {
    const list = statusesByCheck.get(r.checkId) ?? [];
    list.push(r.status);
    statusesByCheck.set(r.checkId, list);
  }
  const inForce = [...options.attestations].filter(
    a => a.framework === framework.id && a.state === 'active',
  );
  const excluded = new Map(
    options.exclusions.map(e => [e.control, e.justification]),
  );
  const entries: SoaEntry[] = framework.controls.map(control => {
    const checks = options.checks
      .filter(c =>
        c.mappings.some(
          m => m.framework === framework.id && m.control === control.id,
        ),
      )
      .map(c => ({ id: c.id, version: c.version }));
    const statuses = checks.flatMap(c => statusesByCheck.get(c.id) ?? []);
    const counts = countStatuses(statuses as any);
    const judged = statuses.length - counts.not_applicable;
    const attestations = inForce
      .filter(a => a.control === control.id)
      .map(a => ({
        id: a.id,
        entityRef: a.entityRef,
        attestedBy: a.attestedBy,
        expiresAt: a.expiresAt,
        evidenceUrl: a.evidenceUrl,
      }));
    const justification = excluded.get(control.id);
    let implementation: SoaEntry['implementation'] = 'manual';
    if (justification !== undefined) implementation = 'excluded';
    else if (checks.length > 0) implementation = 'automated';
    else if (attestations.length > 0) implementation = 'attested';
    return {
      control: control.id,
      label: control.label,
      theme: control.theme,
      applicable: justification === undefined,
      ...(justification !== undefined ? { justification } : {}),
      implementation,
      checks,
      score: checks.length > 0 ? complianceScore(counts) : null,
      judgedResults: judged,
      attestations,
    };
  });
  return {
    framework: framework.id,
    frameworkVersion: framework.version,
    snapshotId: options.snapshotId,
    entries,
  };
}

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

function chainHashOf(
  prevHash: string | null,
  row: Record<string, any>,
): string {
  return sha256(
    JSON.stringify([
      prevHash,
      Number(row.version),
      String(row.approved_by),
      Number(row.approved_at),
      row.comment ?? null,
      String(row.content_hash),
    ]),
  );
}

function toVersion(row: Record<string, any>): SoaVersion {
  return {
    id: String(row.seq),
    version: Number(row.version),
    approvedBy: String(row.approved_by),
    approvedAt: iso(Number(row.approved_at)),
    ...(row.comment ? { comment: String(row.comment) } : {}),
    contentHash: String(row.content_hash),
    prevHash: row.prev_hash ? String(row.prev_hash) : null,
    chainHash: String(row.chain_hash),
    content: JSON.parse(String(row.content)) as SoaContent,
  };
}

/** The verdict of {@link SoaStore.verify}. */
export interface SoaVerification {
  ok: boolean;
  checked: number;
  broken: Array<{ version: number; problem: string }>;
}

/**
 * Approved SoA versions, stored like snapshots: the content exactly as
 * hashed, its SHA-256, and a chain hash over the version's fields and the
 * previous version's chain hash. Versions are never changed (triggers
 * refuse it); a new approval is a new version, and old versions are read
 * from what they stored, never rebuilt from today's config.
 */
export class SoaStore {
  constructor(
    private readonly knex: Knex,
    private readonly audit: Pick<WaiverStore, 'record'>,
  ) {}

  async create(
    content: SoaContent,
    approvedBy: string,
    comment: string | undefined,
    now: number,
  ): Promise<SoaVersion> {
    const seq = await this.knex.transaction(async trx => {
      if (trx.client.dialect === 'postgresql') {
        await trx.raw(`select pg_advisory_xact_lock(hashtext('${TABLE}'))`);
      }
      const head = await trx(TABLE).orderBy('seq', 'desc').first();
      const text = JSON.stringify(content);
      const row: Record<string, any> = {
        version: head ? Number(head.version) + 1 : 1,
        approved_by: approvedBy,
        approved_at: now,
        comment: comment ?? null,
        content: text,
        content_hash: sha256(text),
        prev_hash: head ? String(head.chain_hash) : null,
      };
      row.chain_hash = chainHashOf(row.prev_hash, row);
      const [inserted] = await trx(TABLE).insert(row, ['seq']);
      const id = String(
        typeof inserted === 'object'
          ? (inserted as { seq: unknown }).seq
          : inserted,
      );
      await this.audit.record(
        approvedBy,
        'soa.approve',
        'soa',
        String(row.version),
        {
          version: row.version,
          contentHash: row.content_hash,
          chainHash: row.chain_hash,
          comment: row.comment,
        },
        now,
        trx,
      );
      return id;
    });
    return toVersion(await this.knex(TABLE).where('seq', seq).first());
  }

  /** Every version, newest first, without content. */
  async list(): Promise<Array<Omit<SoaVersion, 'content'>>> {
    const rows = await this.knex(TABLE)
      .orderBy('seq', 'desc')
      .select(
        'seq',
        'version',
        'approved_by',
        'approved_at',
        'comment',
        'content_hash',
        'prev_hash',
        'chain_hash',
      );
    return rows.map(row => {
      const { content: _content, ...rest } = toVersion({
        ...row,
        content: 'null',
      });
      return rest;
    });
  }

  async get(version: number): Promise<SoaVersion | undefined> {
    const row = await this.knex(TABLE).where('version', version).first();
    return row ? toVersion(row) : undefined;
  }

  /**
   * Recomputes every version's content hash from the stored content and
   * its chain hash from its fields and the previous version's chain hash.
   */
  async verify(): Promise<SoaVerification> {
    const rows = await this.knex(TABLE).orderBy('seq', 'asc');
    const broken: SoaVerification['broken'] = [];
    let previous: string | null = null;
    for (const row of rows) {
      const version = Number(row.version);
      if (sha256(String(row.content)) !== row.content_hash) {
        broken.push({
          version,
          problem: 'its content does not match its recorded content hash',
        });
      }
      const prev = row.prev_hash ? String(row.prev_hash) : null;
      if (chainHashOf(prev, row) !== row.chain_hash) {
        broken.push({
          version,
          problem: 'its chain hash does not match its recorded fields',
        });
      }
      if (prev !== previous) {
        broken.push({
          version,
          problem:
            'its previous hash is not the chain hash of the version before it',
        });
      }
      previous = String(row.chain_hash);
    }
    return { ok: broken.length === 0, checked: rows.length, broken };
  }
}
