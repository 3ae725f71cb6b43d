import type { AuditorService } from '@backstage/backend-plugin-api';
import type { RetentionPolicy } from './config';
import { DAY_MS, iso } from './model';
import type { SnapshotRef, SnapshotStore } from './SnapshotStore';
import type { WaiverStore } from './WaiverStore';

/** A snapshot the policy lets go, and why. */
export interface Disposal {
  snapshot: SnapshotRef;
  reason: string;
}

/** What the retention policy keeps and disposes of. */
export interface RetentionPlan {
  keep: SnapshotRef[];
  /** Dependent (incremental, single-entity) snapshots before full ones. */
  dispose: Disposal[];
}

const dayOf = (ms: number) => iso(ms).slice(0, 10);
const monthOf = (ms: number) => iso(ms).slice(0, 7);

function newer(a: SnapshotRef, b: SnapshotRef): boolean {
  return a.takenAt > b.takenAt || (a.takenAt === b.takenAt && a.seq > b.seq);
}

/**
 * Decides which snapshots to keep at `now`. Every snapshot younger than
 * `keepAllDays` is kept. Older, only snapshots of every entity are kept:
 * the last of each UTC day while younger than `keepDailyDays`, then the
 * last of each UTC month while younger than `keepMonthlyDays` (forever
 * when unset), so "the state at the end of a day or month" stays
 * answerable. The newest snapshot of every entity is always kept, and so
 * is the full base of every kept incremental snapshot, since reads resolve
 * through it.
 */
export function planRetention(
  snapshots: readonly SnapshotRef[],
  policy: RetentionPolicy,
  now: number,
): RetentionPlan {
  const lastOfDay = new Map<string, SnapshotRef>();
  const lastOfMonth = new Map<string, SnapshotRef>();
  let newest: SnapshotRef | undefined;
  for (const s of snapshots) {
    if (s.scope !== 'all') continue;
    for (const [map, key] of [
      [lastOfDay, dayOf(s.takenAt)],
      [lastOfMonth, monthOf(s.takenAt)],
    ] as const) {
      const current = map.get(key);
      if (!current || newer(s, current)) map.set(key, s);
    }
    if (!newest || newer(s, newest)) newest = s;
  }

  const reasons = new Map<string, string | undefined>();
  for (const s of snapshots) {
    const ageDays = (now - s.takenAt) / DAY_MS;
    let reason: string | undefined;
    if (ageDays < policy.keepAllDays || s === newest) {
      reason = undefined;
    } else if (s.scope !== 'all') {
      reason = `single-entity run older than ${policy.keepAllDays} days`;
    } else if (ageDays < policy.keepDailyDays) {
      if (lastOfDay.get(dayOf(s.takenAt)) !== s) {
        reason = `not the last snapshot of ${dayOf(s.takenAt)}, older than ${
          policy.keepAllDays
        } days`;
      }
    } else if (
      policy.keepMonthlyDays === undefined ||
      ageDays < policy.keepMonthlyDays
    ) {
      if (lastOfMonth.get(monthOf(s.takenAt)) !== s) {
        reason = `not the last snapshot of ${monthOf(s.takenAt)}, older than ${
          policy.keepDailyDays
        } days`;
      }
    } else {
      reason = `older than ${policy.keepMonthlyDays} days`;
    }
    reasons.set(s.id, reason);
  }
  // Bases of kept incremental snapshots stay: their results are read through them.
  for (const s of snapshots) {
    if (s.baseId && reasons.get(s.id) === undefined && reasons.has(s.baseId)) {
      reasons.set(s.baseId, undefined);
    }
  }

  const keep = snapshots.filter(s => reasons.get(s.id) === undefined);
  const dispose = snapshots
    .filter(s => reasons.get(s.id) !== undefined)
    .map(snapshot => ({ snapshot, reason: reasons.get(snapshot.id)! }))
    // Dependents first, so that no reader resolves through a deleted base.
    .sort(
      (a, b) =>
        Number(isFullBase(a.snapshot)) - Number(isFullBase(b.snapshot)) ||
        a.snapshot.takenAt - b.snapshot.takenAt ||
        a.snapshot.seq - b.snapshot.seq,
    );
  return { keep, dispose };
}

function isFullBase(s: SnapshotRef): boolean {
  return s.scope === 'all' && !s.baseId;
}

/** Who disposes of snapshots in the ledger and the audit trail. */
export const RETENTION_ACTOR = 'plugin:itops/compliance-retention';

/**
 * Applies the retention policy: each snapshot it lets go is recorded in
 * the disposal ledger and the audit trail and deleted with its results, in
 * one transaction per snapshot, under one auditor event for the run. The
 * database refuses to delete a snapshot the ledger does not name.
 */
export async function applyRetention(options: {
  snapshots: SnapshotStore;
  waivers: WaiverStore;
  auditor: AuditorService;
  policy: RetentionPolicy;
  now: number;
  actor?: string;
}): Promise<{ plan: RetentionPlan; disposed: number }> {
  const { snapshots, waivers, auditor, policy, now } = options;
  const actor = options.actor ?? RETENTION_ACTOR;
  const plan = planRetention(await snapshots.refs(), policy, now);
  if (plan.dispose.length === 0) return { plan, disposed: 0 };
  const event = await auditor.createEvent({
    eventId: 'compliance-retention',
    severityLevel: 'medium',
    meta: {
      actor,
      policy: JSON.stringify(policy),
      planned: plan.dispose.length,
      kept: plan.keep.length,
    },
  });
  let disposed = 0;
  try {
    for (const { snapshot, reason } of plan.dispose) {
      await snapshots.dispose(snapshot.id, {
        actor,
        policy,
        reason,
        now,
        audit: (trx, summary) =>
          waivers.record(
            actor,
            'snapshot.dispose',
            'snapshot',
            snapshot.id,
            { ...summary, reason },
            now,
            trx,
          ),
      });
      disposed += 1;
    }
    await event.success({ meta: { disposed } });
  } catch (error) {
    await event.fail({ error: error as Error, meta: { disposed } });
    throw error;
  }
  return { plan, disposed };
}
