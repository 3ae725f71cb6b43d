import {
  BREACH_COMMUNICATION_EXEMPTIONS,
  BREACH_DECISION_KINDS,
  type BreachDecision,
  type BreachDecisionKind,
} from '@backstage-itops/plugin-itops-common';
import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import { iso } from './model';
import type { WaiverStore } from './WaiverStore';

const TABLE = 'itops_compliance_breach_decisions';

/** A decision as the API receives it, before validation. */
export type BreachDecisionInput = Record<string, unknown>;

function toDecision(row: Record<string, any>): BreachDecision {
  const optional = (key: string, value: unknown) =>
    value === null || value === undefined ? {} : { [key]: value };
  return {
    id: String(row.id),
    breachRef: String(row.breach_ref),
    decision: row.decision as BreachDecisionKind,
    ...optional(
      'highRisk',
      row.high_risk === null || row.high_risk === undefined
        ? undefined
        : Boolean(row.high_risk),
    ),
    ...optional(
      'notifiedAt',
      row.notified_at === null ? undefined : iso(Number(row.notified_at)),
    ),
    ...optional('delayReason', row.delay_reason),
    ...optional('exemption', row.exemption),
    decidedBy: String(row.decided_by),
    decidedAt: iso(Number(row.decided_at)),
    reason: String(row.reason),
    ...optional('link', row.link),
    recordedBy: String(row.recorded_by),
    recordedAt: iso(Number(row.recorded_at)),
  };
}

function text(body: BreachDecisionInput, field: string, required: boolean) {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) {
      throw new InputError(`Body field '${field}' is required`);
    }
    return undefined;
  }
  if (typeof value !== 'string' || !value.trim()) {
    throw new InputError(`Body field '${field}' must be a non-empty string`);
  }
  return value.trim();
}

function instant(body: BreachDecisionInput, field: string, now: number) {
  const value = text(body, field, false);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw new InputError(
      `Body field '${field}' must be an ISO 8601 date-time, got '${value}'`,
    );
  }
  if (ms > now) {
    throw new InputError(`Body field '${field}' lies in the future`);
  }
  return ms;
}

/**
 * Validates a decision: the fields every decision needs (decision,
 * reason) and those its kind needs (the notification time of a notifiable
 * breach once notified is optional, the exemption of a
 * communication_exempt one is not), each refused with a 400 naming it.
 */
export function parseBreachDecision(body: BreachDecisionInput, now: number) {
  const decision = text(body, 'decision', true) as BreachDecisionKind;
  if (!BREACH_DECISION_KINDS.includes(decision)) {
    throw new InputError(
      `Body field 'decision' must be one of ${BREACH_DECISION_KINDS.join(
        ', ',
      )}, got '${decision}'`,
    );
  }
  const reason = text(body, 'reason', true)!;
  const highRisk = body.highRisk;
  if (highRisk !== undefined && typeof highRisk !== 'boolean') {
    throw new InputError(`Body field 'highRisk' must be true or false`);
  }
  const exemption = text(
    body,
    'exemption',
    decision === 'communication_exempt',
  );
  if (
    exemption !== undefined &&
    !(BREACH_COMMUNICATION_EXEMPTIONS as readonly string[]).includes(exemption)
  ) {
    throw new InputError(
      `Body field 'exemption' must be one of ${BREACH_COMMUNICATION_EXEMPTIONS.join(
        ', ',
      )}, got '${exemption}'`,
    );
  }
  const notifiedAt = instant(body, 'notifiedAt', now);
  if (notifiedAt !== undefined && decision !== 'notifiable') {
    throw new InputError(
      `Body field 'notifiedAt' belongs to a 'notifiable' decision, not '${decision}'`,
    );
  }
  return {
    decision,
    reason,
    highRisk: highRisk as boolean | undefined,
    exemption,
    notifiedAt,
    delayReason: text(body, 'delayReason', false),
    link: text(body, 'link', false),
    decidedAt: instant(body, 'decidedAt', now) ?? now,
    decidedBy: text(body, 'decidedBy', false),
  };
}

/**
 * Recorded decisions on personal-data breaches (GDPR art. 33, 34): each
 * appended with its audit row in one transaction, never changed. The
 * newest decision of each kind is the one in force.
 */
export class BreachDecisionStore {
  constructor(
    private readonly knex: Knex,
    private readonly audit: Pick<WaiverStore, 'record'>,
  ) {}

  async record(
    breachRef: string,
    input: ReturnType<typeof parseBreachDecision>,
    actor: string,
    now: number,
  ): Promise<BreachDecision> {
    return this.knex.transaction(async trx => {
      const row = {
        breach_ref: breachRef,
        decision: input.decision,
        high_risk: input.highRisk ?? null,
        notified_at: input.notifiedAt ?? null,
        delay_reason: input.delayReason ?? null,
        exemption: input.exemption ?? null,
        // The person who decided may be the DPO, recorded by someone else.
        decided_by: input.decidedBy ?? actor,
        decided_at: input.decidedAt,
        reason: input.reason,
        link: input.link ?? null,
        recorded_by: actor,
        recorded_at: now,
      };
      const [inserted] = await trx(TABLE).insert(row, ['id']);
      const id =
        typeof inserted === 'object'
          ? (inserted as { id: unknown }).id
          : inserted;
      const decision = toDecision({ ...row, id });
      await this.audit.record(
        actor,
        'breach.decision',
        'breach',
        breachRef,
        decision,
        now,
        trx,
      );
      return decision;
    });
  }

  /** Every decision on the breaches, oldest first, by breach ref. */
  async byBreach(
    breachRefs?: readonly string[],
  ): Promise<Map<string, BreachDecision[]>> {
    const rows: Record<string, any>[] = [];
    if (breachRefs === undefined) {
      rows.push(...(await this.knex(TABLE).orderBy('id')));
    } else {
      for (let i = 0; i < breachRefs.length; i += 500) {
        rows.push(
          ...(await this.knex(TABLE)
            .whereIn('breach_ref', breachRefs.slice(i, i + 500))
            .orderBy('id')),
        );
      }
    }
    const map = new Map<string, BreachDecision[]>();
    for (const row of rows) {
      const decision = toDecision(row);
      const list = map.get(decision.breachRef) ?? [];
      list.push(decision);
      map.set(decision.breachRef, list);
    }
    return map;
  }
}
