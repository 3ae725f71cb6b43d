import type { KpiCalculator } from '../kpis/KpiCalculator';
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
 * The entity tab's first view in one response. Areas load in parallel;
 * denied ones are `{ forbidden: true }` instead of failing the whole
 * summary, so the tab can still show what the user may see.
 */
export async function entitySummary(options: {
  store: ItopsReadStore;
  kpis: KpiCalculator;
  entity: ItopsEntity;
  allowed: Record<(typeof SUMMARY_AREAS)[number], boolean>;
  kpiWindow: TimeRange;
}) {
  const { store, kpis, entity, allowed, kpiWindow } = options;
  const ref = entity.entityRef;
  // Asked alongside the areas rather than before them: one round trip less.
  const kindsOfEntity = store.recordKindsOf(ref);
  // Nobody awaits it when every area is denied; its failure must not go
  // unhandled then.
  kindsOfEntity.catch(() => undefined);
  const area = async (available: (kinds: Set<string>) => boolean) => ({
    forbidden: false as const,
    available: available(await kindsOfEntity),
  });

  const [oncall, incidents, changes, backups, mttr, changeSuccessRate] =
    await Promise.all([
      ifAllowed(allowed.oncall, async () => {
        const { now, next } = await store.onCall(ref);
        return { ...(await area(k => k.has('oncall'))), now, next };
      }),
      ifAllowed(allowed.incidents, async () => {
        const openByPriority = await store.countOpenIncidentsByPriority(ref);
        return {
          ...(await area(k => k.has('incident'))),
          openCount: Object.values(openByPriority).reduce((a, b) => a + b, 0),
          openByPriority,
        };
      }),
      ifAllowed(allowed.changes, async () => {
        const [nextChange, freezes] = await Promise.all([
          store.nextEntityChange(ref),
          store.activeFreezeWindows(ref),
        ]);
        return {
          ...(await area(k => k.has('change'))),
          ...(nextChange ? { nextChange } : {}),
          freeze: {
            active: freezes.length > 0,
            windows: freezes.map(({ name, end }) => ({ name, end })),
          },
        };
      }),
      ifAllowed(allowed.backups, async () => {
        const available = await area(
          k => k.has('backup_job') || k.has('backup_run'),
        );
        if (!available.available) {
          // Nothing to aggregate; only the declared RPO needs reading.
          return {
            ...available,
            health: await store.backupHealthWithoutRuns(ref),
            jobs: [],
          };
        }
        const [jobs, health] = await Promise.all([
          store.backupJobs(ref),
          store.backupHealth(ref),
        ]);
        return { ...available, health, jobs };
      }),
      ifAllowed(allowed.incidents, () => kpis.mttr(ref, kpiWindow)),
      ifAllowed(
        allowed.changes,
        async () => (await kpis.changes(ref, kpiWindow)).successRate,
      ),
    ]);

  return {
    entity,
    oncall,
    incidents,
    changes,
    backups,
    kpis: { window: isoWindow(kpiWindow), mttr, changeSuccessRate },
  };
}

/** An entity's KPIs per area, denied areas marked. */
export async function entityKpis(options: {
  kpis: KpiCalculator;
  entityRef: string;
  allowed: Record<'incidents' | 'changes' | 'backups', boolean>;
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
