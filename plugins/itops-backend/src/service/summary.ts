import type { CalendarService } from '../calendar/CalendarService';
import type { RecordKind } from '../database/recordTables';
import type { KpiCalculator } from '../kpis/KpiCalculator';
import { backupHealthWithoutRuns } from '../read/backupHealth';
import type { ItopsEntity } from '../read/entities';
import type { ItopsReadStore } from '../read/ItopsReadStore';
import type { TimeRange } from '../read/records';

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

/**
 * The entity tab's first view in one response. Counts and KPI headlines
 * come from one query ({@link ItopsReadStore.summaryFacts}); the records
 * behind them (shifts, the next change, freezes, backup jobs) load in
 * parallel. Denied areas are `{ forbidden: true }` instead of failing the
 * whole summary, so the tab can still show what the user may see, and cost
 * no query.
 */
export async function entitySummary(options: {
  store: ItopsReadStore;
  calendar: CalendarService;
  entity: ItopsEntity;
  allowed: Record<(typeof SUMMARY_AREAS)[number], boolean>;
  kpiWindow: TimeRange;
}) {
  const { store, calendar, entity, allowed, kpiWindow } = options;
  const ref = entity.entityRef;
  const facts = await store.summaryFacts(ref, {
    kpiWindow,
    incidents: allowed.incidents,
    changes: allowed.changes,
    backups: allowed.backups,
  });
  const available = (...kinds: RecordKind[]) => ({
    forbidden: false as const,
    available: kinds.some(kind => facts.kinds.has(kind)),
  });

  const [oncall, changes, backups] = await Promise.all([
    ifAllowed(allowed.oncall, async () => {
      const area = available('oncall');
      // Services rarely have rotas of their own; their teams do.
      const { now, next } = area.available
        ? await store.onCall(ref)
        : { now: [], next: [] };
      return { ...area, now, next };
    }),
    ifAllowed(allowed.changes, async () => {
      const [nextChange, freeze] = await Promise.all([
        facts.nextChangeId === undefined
          ? undefined
          : store.changeById(facts.nextChangeId),
        // The calendar's answer, so windows from config count as well as
        // synced blackout schedules.
        calendar.freezeStatus(ref, store.now()),
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
          ? await store.backupHealth(ref)
          : // Nothing to aggregate; only the declared RPO is needed.
            backupHealthWithoutRuns(facts.rpo, store.now()),
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
      window: isoWindow(kpiWindow),
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
