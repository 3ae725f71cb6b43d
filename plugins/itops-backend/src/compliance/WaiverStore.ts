import { randomUUID } from 'node:crypto';
import type {
  ComplianceWaiver,
  WaiverStatus,
} from '@backstage-itops/plugin-itops-common';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { Knex } from 'knex';
import { DAY_MS, iso } from './model';

const WAIVERS = 'itops_compliance_waivers';
const AUDIT = 'itops_compliance_audit';

/** One row of the append-only audit trail. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string;
  before?: unknown;
  after?: unknown;
}

/** Justifications shorter than this say nothing an auditor can use. */
export const MIN_JUSTIFICATION_LENGTH = 10;

function toWaiver(row: Record<string, any>, now: number): ComplianceWaiver {
  const expiresAt = Number(row.expires_at);
  const stored = row.status as WaiverStatus;
  return {
    id: String(row.id),
    checkId: String(row.check_id),
    entityRef: String(row.entity_ref),
    justification: String(row.justification),
    ...(row.compensating_control
      ? { compensatingControl: String(row.compensating_control) }
      : {}),
    requestedBy: String(row.requested_by),
    requestedAt: iso(Number(row.requested_at)),
    expiresAt: iso(expiresAt),
    // Expiry needs no job: an approved waiver past its date reads as expired.
    status:
      (stored === 'approved' || stored === 'pending') && expiresAt <= now
        ? 'expired'
        : stored,
    ...(row.decided_by ? { decidedBy: String(row.decided_by) } : {}),
    ...(row.decided_at ? { decidedAt: iso(Number(row.decided_at)) } : {}),
    ...(row.decision_comment
      ? { decisionComment: String(row.decision_comment) }
      : {}),
  };
}

/**
 * Waivers (exceptions) and the audit trail of every action on them. Each
 * change and its audit row are written in one transaction, so the trail
 * cannot miss an action that took effect.
 */
export class WaiverStore {
  constructor(
    private readonly knex: Knex,
    private readonly options: { maxWaiverDays: number },
  ) {}

  async get(id: string, now: number): Promise<ComplianceWaiver> {
    const row = await this.knex(WAIVERS).where('id', id).first();
    if (!row) throw new NotFoundError(`No compliance waiver ${id}`);
    return toWaiver(row, now);
  }

  async list(
    filter: { entityRef?: string; checkId?: string; status?: WaiverStatus },
    now: number,
  ): Promise<ComplianceWaiver[]> {
    const rows = await this.knex(WAIVERS)
      .modify(q => {
        if (filter.entityRef) q.where('entity_ref', filter.entityRef);
        if (filter.checkId) q.where('check_id', filter.checkId);
      })
      .orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows
      .map((row: Record<string, any>) => toWaiver(row, now))
      .filter(
        (w: ComplianceWaiver) => !filter.status || w.status === filter.status,
      );
  }

  /** Approved waivers in force at `now`, by `${entityRef} ${checkId}`. */
  async active(
    now: number,
    entityRef?: string,
  ): Promise<Map<string, ComplianceWaiver>> {
    const rows = await this.knex(WAIVERS)
      .where('status', 'approved')
      .where('expires_at', '>', now)
      .modify(q => (entityRef ? q.where('entity_ref', entityRef) : q));
    return new Map(
      rows.map((row: Record<string, any>): [string, ComplianceWaiver] => [
        `${row.entity_ref} ${row.check_id}`,
        toWaiver(row, now),
      ]),
    );
  }

  async request(
    input: {
      checkId: string;
      entityRef: string;
      justification: string;
      compensatingControl?: string;
      expiresAt: number;
    },
    actor: string,
    now: number,
  ): Promise<ComplianceWaiver> {
    const justification = input.justification.trim();
    if (justification.length < MIN_JUSTIFICATION_LENGTH) {
      throw new InputError(
        `A waiver needs a justification of at least ${MIN_JUSTIFICATION_LENGTH} characters`,
      );
    }
    if (!Number.isFinite(input.expiresAt) || input.expiresAt <= now) {
      throw new InputError(`A waiver's 'expiresAt' must be in the future`);
    }
    if (input.expiresAt > now + this.options.maxWaiverDays * DAY_MS) {
      throw new InputError(
        `A waiver may last at most ${this.options.maxWaiverDays} days ('expiresAt')`,
      );
    }
    return this.knex.transaction(async trx => {
      const open = await trx(WAIVERS)
        .where({ entity_ref: input.entityRef, check_id: input.checkId })
        .whereIn('status', ['pending', 'approved'])
        .where('expires_at', '>', now)
        .first('id');
      if (open) {
        throw new ConflictError(
          `Waiver ${open.id} for ${input.checkId} on ${input.entityRef} is already pending or in force`,
        );
      }
      const row = {
        id: randomUUID(),
        check_id: input.checkId,
        entity_ref: input.entityRef,
        justification,
        compensating_control: input.compensatingControl?.trim() || null,
        requested_by: actor,
        requested_at: now,
        expires_at: input.expiresAt,
        status: 'pending',
      };
      await trx(WAIVERS).insert(row);
      const waiver = toWaiver(row, now);
      await this.#audit(
        trx,
        actor,
        'waiver.request',
        waiver.id,
        undefined,
        waiver,
        now,
      );
      return waiver;
    });
  }

  /**
   * Approves or rejects a pending waiver. The decider must not be the
   * requester: an exception needs a second person.
   */
  async decide(
    id: string,
    decision: 'approved' | 'rejected',
    actor: string,
    comment: string | undefined,
    now: number,
  ): Promise<ComplianceWaiver> {
    return this.knex.transaction(async trx => {
      const row = await trx(WAIVERS).where('id', id).first();
      if (!row) throw new NotFoundError(`No compliance waiver ${id}`);
      const before = toWaiver(row, now);
      if (before.status !== 'pending') {
        throw new ConflictError(
          `Waiver ${id} is ${before.status}, not pending`,
        );
      }
      if (before.requestedBy === actor) {
        throw new NotAllowedError(
          `Waiver ${id} was requested by ${actor}; another person must decide on it`,
        );
      }
      const changes = {
        status: decision,
        decided_by: actor,
        decided_at: now,
        decision_comment: comment?.trim() || null,
      };
      await trx(WAIVERS).where('id', id).update(changes);
      const after = toWaiver({ ...row, ...changes }, now);
      await this.#audit(
        trx,
        actor,
        decision === 'approved' ? 'waiver.approve' : 'waiver.reject',
        id,
        before,
        after,
        now,
      );
      return after;
    });
  }

  /** Ends a pending or approved waiver before its expiry. */
  async revoke(
    id: string,
    actor: string,
    reason: string | undefined,
    now: number,
  ): Promise<ComplianceWaiver> {
    if (!reason?.trim()) {
      throw new InputError(`Revoking a waiver needs a 'reason'`);
    }
    return this.knex.transaction(async trx => {
      const row = await trx(WAIVERS).where('id', id).first();
      if (!row) throw new NotFoundError(`No compliance waiver ${id}`);
      const before = toWaiver(row, now);
      if (before.status !== 'pending' && before.status !== 'approved') {
        throw new ConflictError(
          `Waiver ${id} is ${before.status} and cannot be revoked`,
        );
      }
      const changes = {
        status: 'revoked',
        decided_by: actor,
        decided_at: now,
        decision_comment: reason.trim(),
      };
      await trx(WAIVERS).where('id', id).update(changes);
      const after = toWaiver({ ...row, ...changes }, now);
      await this.#audit(trx, actor, 'waiver.revoke', id, before, after, now);
      return after;
    });
  }

  /** Records an action that is not a waiver change, e.g. an evaluation run. */
  async record(
    actor: string,
    action: string,
    objectType: string,
    objectId: string,
    after: unknown,
    now: number,
    /** A transaction the row must commit with. */
    db: Knex = this.knex,
  ): Promise<void> {
    await db(AUDIT).insert({
      at: now,
      actor,
      action,
      object_type: objectType,
      object_id: objectId,
      before: null,
      after: JSON.stringify(after),
    });
  }

  async auditTrail(filter: {
    objectId?: string;
    limit: number;
    offset: number;
  }): Promise<AuditEntry[]> {
    const rows = await this.knex(AUDIT)
      .modify(q =>
        filter.objectId ? q.where('object_id', filter.objectId) : q,
      )
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset);
    return rows.map((row: Record<string, any>) => ({
      id: Number(row.id),
      at: iso(Number(row.at)),
      actor: String(row.actor),
      action: String(row.action),
      objectType: String(row.object_type),
      objectId: String(row.object_id),
      ...(row.before ? { before: JSON.parse(row.before) } : {}),
      ...(row.after ? { after: JSON.parse(row.after) } : {}),
    }));
  }

  async #audit(
    trx: Knex.Transaction,
    actor: string,
    action: string,
    waiverId: string,
    before: ComplianceWaiver | undefined,
    after: ComplianceWaiver,
    now: number,
  ): Promise<void> {
    await trx(AUDIT).insert({
      at: now,
      actor,
      action,
      object_type: 'waiver',
      object_id: waiverId,
      before: before ? JSON.stringify(before) : null,
      after: JSON.stringify(after),
    });
  }
}
