import type { CalendarService } from '../calendar/CalendarService';
import type { RecordKind } from '../database/recordTables';
import type { KpiCalculator } from '../kpis/KpiCalculator';
import {
  backupHealthOf,
  backupHealthWithoutRuns,
  type EntityBackupHealth,
} from '../read/backupHealth';
import type { ItopsEntity } from '../read/entities';
import type { ItopsReadStore } from '../read/ItopsReadStore';
import type { TimeRange } from '../read/records';
import type { SummaryFacts } from '../read/summaryFacts';
import type { EntityRollups, RollupRead } from '../rollups/EntityRollups';
import type { RollupFacts } from '../rollups/rollupFacts';

/** What a denied area of the summary or KPIs is replaced with. */
export const FORBIDDEN = { forbidden: true } as const;

/** Areas the summary shows, each behind its own read permission. */
export const SUMMARY_AREAS = [
  'oncall',
  'incidents',
  'changes',
  'backups',
] as const;

/**
 * Loads the area only if allowed, so that a denied area costs no query and
 * leaks nothing.
 */
async function ifAllowed<T>(
  allowed: boolean,
  load: () => Promise<T>,
): Promise<T | typeof FORBIDDEN> {
  return allowed ? load() : FORBIDDEN;
}

function isoWindow(window: TimeRange) {
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
  };
}

/** The summary's facts with the KPI window they cover and the entity's backup health. */
type SummaryBasis = SummaryFacts & {
  kpiWindow: TimeRange;
  /** Called only when backups are allowed and the entity has some. */
  backupHealth(): Promise<EntityBackupHealth>;
};

/** The summary's facts from a fresh rollup: no aggregate runs. */
function basisOfRollup(
  rollup: RollupRead & { facts: RollupFacts },
  now: number,
): SummaryBasis {
  const { facts, rpo } = rollup;
  return {
    kinds: new Set(facts.kinds),
    openByPriority: facts.openByPriority,
    mttr: facts.kpis.incidents.mttr,
    changeSuccessRate: facts.kpis.changes.successRate,
    ...(rollup.nextChangeId !== undefined
      ? { nextChangeId: rollup.nextChangeId }
      : {}),
    ...(rpo ? { rpo } : {}),
    kpiWindow: facts.kpis.window,
    backupHealth: async () =>
      facts.backupHealth
        ? backupHealthOf(facts.backupHealth, rpo, now)
        : backupHealthWithoutRuns(rpo, now),
  };
}

/**
 * The entity tab's first view in one response. Counts and KPI headlines
 * come from the entity's rollup when it is fresh, else from one query
 * ({@link ItopsReadStore.summaryFacts}); the records behind them (shifts,
 * the next change, freezes) load in parallel. Denied areas are
 * `{ forbidden: true }` instead of failing the whole summary, so the tab
 * can still show what the user may see, and cost no query.
 */
export async function entitySummary(options: {
  store: ItopsReadStore;
  calendar: CalendarService;
  entity: ItopsEntity;
  /** The entity's {@link EntityRollups.read}, with its next change. */
  rollup: RollupRead;
  allowed: Record<(typeof SUMMARY_AREAS)[number], boolean>;
  kpiWindow: TimeRange;
}) {
  const { store, calendar, entity, rollup, allowed, kpiWindow } = options;
  const ref = entity.entityRef;
  const now = store.now();
  const facts: SummaryBasis = rollup.facts
    ? basisOfRollup({ ...rollup, facts: rollup.facts }, now)
    : {
        ...(await store.summaryFacts(ref, {
          kpiWindow,
          incidents: allowed.incidents,
          changes: allowed.changes,
          backups: allowed.backups,
        })),
        kpiWindow,
        backupHealth: () => store.backupHealth(ref),
      };
  const available = (...kinds: RecordKind[]) => ({
    forbidden: false as const,
    available: kinds.some(kind => facts.kinds.has(kind)),
  });

  const [oncall, changes, backups] = await Promise.all([
    ifAllowed(allowed.oncall, async () => {
      const area = available('oncall');
      // Services rarely have rotas of their own; their teams do. A system's
      // on-call is that of the teams owning it and its parts, which its own
      // links do not show.
      const rolledUp = entity.kind === 'system';
      const shifts =
        area.available || rolledUp
          ? await store.onCall(ref)
          : { now: [], next: [] };
      return {
        ...area,
        available: area.available || shifts.now.length + shifts.next.length > 0,
        now: shifts.now,
        next: shifts.next,
      };
    }),
    ifAllowed(allowed.changes, async () => {
      const [nextChange, freeze] = await Promise.all([
        facts.nextChangeId === undefined
          ? undefined
          : store.changeById(facts.nextChangeId),
        // The calendar's answer, so windows from config count as well as
        // synced blackout schedules.
        calendar.freezeStatus(ref, now),
      ]);
      return {
        ...available('change'),
        ...(nextChange ? { nextChange } : {}),
        freeze: {
          active: freeze.frozen,
          windows: freeze.windows.map(({ name, end }) => ({ name, end })),
        },
      };
    }),
    ifAllowed(allowed.backups, async () => {
      // The health only: job by job is the backups route's, so that the
      // summary of an entity with backups stays a handful of queries.
      const area = available('backup_job', 'backup_run');
      return {
        ...area,
        health: area.available
          ? await facts.backupHealth()
          : // Nothing to aggregate; only the declared RPO is needed.
            backupHealthWithoutRuns(facts.rpo, now),
      };
    }),
  ]);

  const openByPriority = facts.openByPriority!;
  return {
    entity,
    oncall,
    incidents: allowed.incidents
      ? {
          ...available('incident'),
          openCount: Object.values(openByPriority).reduce((a, b) => a + b, 0),
          openByPriority,
        }
      : FORBIDDEN,
    changes,
    backups,
    kpis: {
      window: isoWindow(facts.kpiWindow),
      mttr: allowed.incidents ? facts.mttr! : FORBIDDEN,
      changeSuccessRate: allowed.changes ? facts.changeSuccessRate! : FORBIDDEN,
    },
  };
}

/** Areas the KPI routes report, each behind its own read permission. */
export const KPI_AREAS = ['incidents', 'changes', 'backups'] as const;
type KpiAccess = Record<(typeof KPI_AREAS)[number], boolean>;

/** Points of the entity tab's KPI sparklines. */
export const DEFAULT_TREND_BUCKETS = 12;

/** An entity's KPIs per area, denied areas marked. */
export async function entityKpis(options: {
  kpis: KpiCalculator;
  entityRef: string;
  allowed: KpiAccess;
  window: TimeRange;
  now: number;
}) {
  const { kpis, entityRef, allowed, window, now } = options;
  const [incidents, changes, backups] = await Promise.all([
    ifAllowed(allowed.incidents, () => kpis.incidents(entityRef, window)),
    ifAllowed(allowed.changes, () => kpis.changes(entityRef, window)),
    ifAllowed(allowed.backups, () => kpis.backups(entityRef, window, now)),
  ]);
  return { window: isoWindow(window), incidents, changes, backups };
}

/**
 * {@link entityKpis} of the default window from a fresh rollup: the
 * window it was computed for, and the age of the last successful backup
 * as of now.
 */
export function entityKpisOfRollup(options: {
  facts: RollupFacts;
  allowed: KpiAccess;
  now: number;
}) {
  const { facts, allowed, now } = options;
  const { backups } = facts.kpis;
  const lastSuccess =
    backups.lastSuccessAt === undefined
      ? undefined
      : Date.parse(backups.lastSuccessAt);
  return {
    window: isoWindow(facts.kpis.window),
    incidents: allowed.incidents ? facts.kpis.incidents : FORBIDDEN,
    changes: allowed.changes ? facts.kpis.changes : FORBIDDEN,
    backups: allowed.backups
      ? {
          ...backups,
          ...(lastSuccess !== undefined
            ? { lastSuccessAgeMs: Math.max(0, now - lastSuccess) }
            : {}),
        }
      : FORBIDDEN,
  };
}

/** An entity's KPI trend: per bucket, the KPIs of its window, denied areas marked. */
export async function entityKpiTrend(options: {
  kpis: KpiCalculator;
  entityRef: string;
  allowed: KpiAccess;
  window: TimeRange;
  buckets: number;
}) {
  const { kpis, entityRef, allowed, window, buckets } = options;
  const points = await kpis.trend(entityRef, window, buckets, allowed);
  return {
    window: isoWindow(window),
    buckets: points.map(point => ({
      window: isoWindow(point),
      incidents: point.incidents ?? FORBIDDEN,
      changes: point.changes ?? FORBIDDEN,
      backups: point.backups ?? FORBIDDEN,
    })),
  };
}
