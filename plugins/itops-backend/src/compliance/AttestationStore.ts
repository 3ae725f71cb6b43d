import type {
  AttestationEvent,
  AttestationEventKind,
  ComplianceAttestation,
} from '@backstage-itops/plugin-itops-common';
import { InputError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import { DAY_MS, iso } from './model';
import type { WaiverStore } from './WaiverStore';

const ATTESTATIONS = 'itops_compliance_attestations';
const EVENTS = 'itops_compliance_attestation_events';

/** Default and hard ceiling of an attestation's length: 12 months. */
export const DEFAULT_MAX_ATTESTATION_DAYS = 365;

/** A validated attestation request. */
export interface AttestationInput {
  framework: string;
  control: string;
  entityRef: string;
  statement: string;
  evidenceUrl: string;
  expiresAt: number;
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || !value.trim()) {
    throw new InputError(
      `Body field '${name}' is required and must be a non-empty string`,
    );
  }
  return value.trim();
}

/**
 * Validates the body of an attestation: a statement, an http(s) evidence
 * link and an expiry in the future no further than `maxDays` ahead, each
 * refused with a 400 naming the field.
 */
export function parseAttestationBody(
  body: Record<string, unknown>,
  now: number,
  maxDays: number,
): Pick<AttestationInput, 'statement' | 'evidenceUrl' | 'expiresAt'> {
  const statement = field(body, 'statement');
  const evidenceUrl = field(body, 'evidenceUrl');
  let url: URL | undefined;
  try {
    url = new URL(evidenceUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new InputError(
      `Body field 'evidenceUrl' must be an http(s) URL, got '${evidenceUrl}'`,
    );
  }
  const expires = field(body, 'expiresAt');
  const expiresAt = Date.parse(expires);
  if (Number.isNaN(expiresAt) || !/^\d{4}-\d{2}-\d{2}/.test(expires)) {
    throw new InputError(
      `Body field 'expiresAt' must be an ISO 8601 date or date-time, got '${expires}'`,
    );
  }
  if (expiresAt <= now) {
    throw new InputError(`Body field 'expiresAt' must lie in the future`);
  }
  if (expiresAt > now + maxDays * DAY_MS) {
    throw new InputError(
      `Body field 'expiresAt' lies more than ${maxDays} days ahead, the longest an attestation may run`,
    );
  }
  return { statement, evidenceUrl, expiresAt };
}

function toEvent(row: Record<string, any>): AttestationEvent {
  return {
    id: String(row.id),
    attestationId: String(row.attestation_id),
    event: row.event as AttestationEventKind,
    actor: String(row.actor),
    at: iso(Number(row.at)),
    ...(row.superseded_by !== null && row.superseded_by !== undefined
      ? { supersededBy: String(row.superseded_by) }
      : {}),
    ...(row.reason ? { reason: String(row.reason) } : {}),
  };
}

/** The query of {@link AttestationStore.list}. */
export interface AttestationQuery {
  framework?: string;
  control?: string;
  entityRef?: string;
  /** The register as it stood then: later rows and events are left out. */
  at?: number;
}

/**
 * The attestation register: each attestation is a row written once, and
 * what happens to it afterwards (a newer attestation of the same control
 * and entity supersedes it, someone revokes it) is an appended event, each
 * with its audit row in the same transaction. Nothing is ever updated or
 * deleted, so the register at any past time is the rows and events
 * recorded up to then: that is how a snapshot's or SoA version's time
 * reads "what was attested then".
 */
export class AttestationStore {
  constructor(
    private readonly knex: Knex,
    private readonly audit: Pick<WaiverStore, 'record'>,
  ) {}

  async attest(
    input: AttestationInput,
    actor: string,
    now: number,
  ): Promise<ComplianceAttestation> {
    const entityRef = input.entityRef.toLocaleLowerCase('en-US');
    const id = await this.knex.transaction(async trx => {
      const previous = await this.inForce(
        trx,
        input.framework,
        input.control,
        entityRef,
      );
      const [inserted] = await trx(ATTESTATIONS).insert(
        {
          framework: input.framework,
          control: input.control,
          entity_ref: entityRef,
          statement: input.statement,
          evidence_url: input.evidenceUrl,
          attested_by: actor,
          attested_at: now,
          expires_at: input.expiresAt,
        },
        ['id'],
      );
      const newId = String(
        typeof inserted === 'object'
          ? (inserted as { id: unknown }).id
          : inserted,
      );
      await trx(EVENTS).insert({
        attestation_id: newId,
        event: 'attested',
        actor,
        at: now,
      });
      for (const old of previous) {
        await trx(EVENTS).insert({
          attestation_id: old,
          event: 'superseded',
          actor,
          at: now,
          superseded_by: newId,
        });
      }
      await this.audit.record(
        actor,
        'attestation.attest',
        'attestation',
        newId,
        { ...input, entityRef, supersedes: previous },
        now,
        trx,
      );
      return newId;
    });
    return (await this.get(id, now))!;
  }

  async revoke(
    id: string,
    actor: string,
    reason: string,
    now: number,
  ): Promise<ComplianceAttestation> {
    const current = await this.get(id, now);
    if (!current) throw new NotFoundError(`No attestation '${id}'`);
    if (current.state === 'revoked' || current.state === 'superseded') {
      throw new InputError(
        `Attestation ${id} is already ${current.state} and cannot be revoked`,
      );
    }
    await this.knex.transaction(async trx => {
      await trx(EVENTS).insert({
        attestation_id: id,
        event: 'revoked',
        actor,
        at: now,
        reason,
      });
      await this.audit.record(
        actor,
        'attestation.revoke',
        'attestation',
        id,
        { reason },
        now,
        trx,
      );
    });
    return (await this.get(id, now))!;
  }

  async get(
    id: string,
    now: number,
  ): Promise<ComplianceAttestation | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const [attestation] = await this.read({ ids: [id] }, now);
    return attestation;
  }

  /** Attestations matching the query, newest first, as they stood at `at ?? now`. */
  async list(
    query: AttestationQuery,
    now: number,
  ): Promise<ComplianceAttestation[]> {
    return this.read(query, query.at ?? now);
  }

  /**
   * Per `framework|control|entityRef`, the newest attestation neither
   * superseded nor revoked at `at` (in force, or expired).
   */
  async current(
    at: number,
    framework?: string,
  ): Promise<Map<string, ComplianceAttestation>> {
    const map = new Map<string, ComplianceAttestation>();
    for (const a of await this.read({ framework, at }, at)) {
      if (a.state !== 'active' && a.state !== 'expired') continue;
      const key = `${a.framework}|${a.control}|${a.entityRef}`;
      if (!map.has(key)) map.set(key, a);
    }
    return map;
  }

  /** Attestations in force that expire within `days`, soonest first. */
  async expiring(now: number, days: number): Promise<ComplianceAttestation[]> {
    return [...(await this.current(now)).values()]
      .filter(
        a =>
          a.state === 'active' &&
          Date.parse(a.expiresAt) <= now + days * DAY_MS,
      )
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  }

  private async inForce(
    trx: Knex.Transaction,
    framework: string,
    control: string,
    entityRef: string,
  ): Promise<string[]> {
    const rows = await trx(ATTESTATIONS)
      .where({ framework, control, entity_ref: entityRef })
      .whereNotExists(q =>
        q
          .select(trx.raw('1'))
          .from(EVENTS)
          .whereRaw(`${EVENTS}.attestation_id = ${ATTESTATIONS}.id`)
          .whereIn('event', ['superseded', 'revoked']),
      )
      .select('id');
    return rows.map(r => String(r.id));
  }

  private async read(
    query: AttestationQuery & { ids?: string[] },
    at: number,
  ): Promise<ComplianceAttestation[]> {
    let q = this.knex(ATTESTATIONS).where('attested_at', '<=', at);
    if (query.ids) q = q.whereIn('id', query.ids);
    if (query.framework) q = q.where('framework', query.framework);
    if (query.control) q = q.where('control', query.control);
    if (query.entityRef) {
      q = q.where('entity_ref', query.entityRef.toLocaleLowerCase('en-US'));
    }
    const rows = await q.orderBy('id', 'desc');
    const events = new Map<string, AttestationEvent[]>();
    const ids = rows.map(r => String(r.id));
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of await this.knex(EVENTS)
        .whereIn('attestation_id', ids.slice(i, i + 500))
        .where('at', '<=', at)
        .orderBy('id')) {
        const event = toEvent(row);
        const list = events.get(event.attestationId) ?? [];
        list.push(event);
        events.set(event.attestationId, list);
      }
    }
    return rows.map(row => {
      const id = String(row.id);
      const history = events.get(id) ?? [];
      const ended = history.find(
        e => e.event === 'revoked' || e.event === 'superseded',
      );
      const expiresAt = Number(row.expires_at);
      let state: ComplianceAttestation['state'] = 'active';
      if (ended) state = ended.event === 'revoked' ? 'revoked' : 'superseded';
      else if (expiresAt <= at) state = 'expired';
      return {
        id,
        framework: String(row.framework),
        control: String(row.control),
        entityRef: String(row.entity_ref),
        statement: String(row.statement),
        evidenceUrl: String(row.evidence_url),
        attestedBy: String(row.attested_by),
        attestedAt: iso(Number(row.attested_at)),
        expiresAt: iso(expiresAt),
        state,
        events: history,
      };
    });
  }
}
