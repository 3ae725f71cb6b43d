import { randomUUID } from 'node:crypto';
import type {
  ComplianceWaiver,
  WaiverEvent,
  WaiverEventType,
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

const EVENTS = 'itops_compliance_waiver_events';

/** Who performed the automatic expiry of waivers. */
export const EXPIRY_ACTOR = 'plugin:itops/compliance';

/** Entity refs name the same person whatever their case. */
export function sameIdentity(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

function toEvent(row: Record<string, any>): WaiverEvent {
  return {
    event: row.event as WaiverEventType,
    actor: String(row.actor),
    at: iso(Number(row.at)),
    ...(row.comment ? { comment: String(row.comment) } : {}),
  };
}

/**
 * A waiver from its request row and its events, oldest first. The stored
 * request never changes; the status is the events read in order: the
 * first approve or reject decides, a revoke ends it, and an approved or
 * pending waiver past its expiry is expired whether or not the expiry
 * event has been appended yet.
 */
function toWaiver(
  row: Record<string, any>,
  events: readonly WaiverEvent[],
  now: number,
): ComplianceWaiver {
  const expiresAt = Number(row.expires_at);
  const decision = events.find(
    e => e.event === 'approve' || e.event === 'reject',
  );
  const revocation = events.find(e => e.event === 'revoke');
  let status: WaiverStatus = 'pending';
  if (decision) {
    status = decision.event === 'approve' ? 'approved' : 'rejected';
  }
  if (revocation && status !== 'rejected') status = 'revoked';
  if ((status === 'approved' || status === 'pending') && expiresAt <= now) {
    status = 'expired';
  }
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
    status,
    ...(decision
      ? {
          decidedBy: decision.actor,
          decidedAt: decision.at,
          ...(decision.comment ? { decisionComment: decision.comment } : {}),
        }
      : {}),
    ...(revocation
      ? {
          revokedBy: revocation.actor,
          revokedAt: revocation.at,
          ...(revocation.comment
            ? { revocationReason: revocation.comment }
            : {}),
        }
      : {}),
    events: [...events],
  };
}

/**
 * Waivers (exceptions), their decisions and the audit trail of every
 * action on them. Requests and decisions are appended, never updated (the
 * tables reject UPDATE and DELETE); each one and its audit row are written
 * in one transaction, so the trail cannot miss an action that took effect.
 */
export class WaiverStore {
  constructor(
    private readonly knex: Knex,
    private readonly options: { maxWaiverDays: number },
  ) {}

  /** Waivers of the given request rows with their events. */
  async #withEvents(
    db: Knex,
    rows: Record<string, any>[],
    now: number,
  ): Promise<ComplianceWaiver[]> {
    const byWaiver = new Map<string, WaiverEvent[]>();
    const ids = rows.map(r => String(r.id));
    for (let i = 0; i < ids.length; i += 500) {
      const events = await db(EVENTS)
        .whereIn('waiver_id', ids.slice(i, i + 500))
        .orderBy('id');
      for (const e of events) {
        const list = byWaiver.get(String(e.waiver_id)) ?? [];
        list.push(toEvent(e));
        byWaiver.set(String(e.waiver_id), list);
      }
    }
    return rows.map(row =>
      toWaiver(row, byWaiver.get(String(row.id)) ?? [], now),
    );
  }

  async #one(db: Knex, id: string, now: number): Promise<ComplianceWaiver> {
    const row = await db(WAIVERS)
      .where('id', id)
      .modify(q => (db.client.dialect === 'postgresql' ? q.forUpdate() : q))
      .first();
    if (!row) throw new NotFoundError(`No compliance waiver ${id}`);
    const [waiver] = await this.#withEvents(db, [row], now);
    return waiver;
  }

  async get(id: string, now: number): Promise<ComplianceWaiver> {
    return this.#one(this.knex, id, now);
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
    return (await this.#withEvents(this.knex, rows, now)).filter(
      w => !filter.status || w.status === filter.status,
    );
  }

  /** Approved waivers in force at `now`, by `${entityRef} ${checkId}`. */
  async active(
    now: number,
    entityRef?: string,
  ): Promise<Map<string, ComplianceWaiver>> {
    const rows = await this.knex(WAIVERS)
      .where('expires_at', '>', now)
      .modify(q => (entityRef ? q.where('entity_ref', entityRef) : q));
    const waivers = await this.#withEvents(this.knex, rows, now);
    return new Map(
      waivers
        .filter(w => w.status === 'approved')
        .map((w): [string, ComplianceWaiver] => [
          `${w.entityRef} ${w.checkId}`,
          w,
        ]),
    );
  }

  /** Approved waivers that expire within `days` of `now`, soonest first. */
  async expiring(now: number, days: number): Promise<ComplianceWaiver[]> {
    const rows = await this.knex(WAIVERS)
      .where('expires_at', '>', now)
      .where('expires_at', '<=', now + days * DAY_MS)
      .orderBy([
        { column: 'expires_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return (await this.#withEvents(this.knex, rows, now)).filter(
      w => w.status === 'approved',
    );
  }

  /**
   * Appends the `expire` event of every approved waiver past its expiry
   * that has none yet, with its audit row, so the register shows when the
   * exception ended. The status is already `expired` without it.
   */
  async recordExpiries(now: number): Promise<ComplianceWaiver[]> {
    return this.knex.transaction(async trx => {
      const rows = await trx(WAIVERS)
        .where('expires_at', '<=', now)
        .whereNotExists(
          trx(EVENTS)
            .whereRaw(`${EVENTS}.waiver_id = ${WAIVERS}.id`)
            .whereIn('event', ['expire', 'revoke', 'reject'])
            .select(trx.raw('1')),
        );
      const expired: ComplianceWaiver[] = [];
      for (const before of await this.#withEvents(trx, rows, now)) {
        if (!before.events.some(e => e.event === 'approve')) continue;
        const event = {
          waiver_id: before.id,
          event: 'expire',
          actor: EXPIRY_ACTOR,
          at: now,
          comment: `expired at ${before.expiresAt}`,
        };
        await trx(EVENTS).insert(event);
        const after = toWaiver(
          rows.find(r => String(r.id) === before.id)!,
          [...before.events, toEvent(event)],
          now,
        );
        await this.#audit(
          trx,
          EXPIRY_ACTOR,
          'waiver.expire',
          before.id,
          before,
          after,
          now,
        );
        expired.push(after);
      }
      return expired;
    });
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
      const candidates = await trx(WAIVERS)
        .where({ entity_ref: input.entityRef, check_id: input.checkId })
        .where('expires_at', '>', now);
      const open = (await this.#withEvents(trx, candidates, now)).find(
        w => w.status === 'pending' || w.status === 'approved',
      );
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
        // Frozen: the status is derived from the events.
        status: 'pending',
      };
      await trx(WAIVERS).insert(row);
      const waiver = toWaiver(row, [], now);
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
   * requester, whatever the case of their entity refs: an exception needs
   * a second person.
   */
  async decide(
    id: string,
    decision: 'approved' | 'rejected',
    actor: string,
    comment: string | undefined,
    now: number,
  ): Promise<ComplianceWaiver> {
    return this.#append(id, now, actor, before => {
      if (before.status !== 'pending') {
        throw new ConflictError(
          `Waiver ${id} is ${before.status}, not pending`,
        );
      }
      if (sameIdentity(before.requestedBy, actor)) {
        throw new NotAllowedError(
          `Waiver ${id} was requested by ${before.requestedBy}; another person must decide on it`,
        );
      }
      return {
        event: decision === 'approved' ? 'approve' : 'reject',
        comment: comment?.trim() || undefined,
      };
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
    return this.#append(id, now, actor, before => {
      if (before.status !== 'pending' && before.status !== 'approved') {
        throw new ConflictError(
          `Waiver ${id} is ${before.status} and cannot be revoked`,
        );
      }
      return { event: 'revoke', comment: reason.trim() };
    });
  }

  /** Appends one event after `check` accepted it, with its audit row. */
  async #append(
    id: string,
    now: number,
    actor: string,
    check: (before: ComplianceWaiver) => {
      event: WaiverEventType;
      comment?: string;
    },
  ): Promise<ComplianceWaiver> {
    return this.knex.transaction(async trx => {
      const before = await this.#one(trx, id, now);
      const { event, comment } = check(before);
      const row = {
        waiver_id: id,
        event,
        actor,
        at: now,
        comment: comment ?? null,
      };
      await trx(EVENTS).insert(row);
      const requestRow = await trx(WAIVERS).where('id', id).first();
      const after = toWaiver(requestRow, [...before.events, toEvent(row)], now);
      await this.#audit(trx, actor, `waiver.${event}`, id, before, after, now);
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
