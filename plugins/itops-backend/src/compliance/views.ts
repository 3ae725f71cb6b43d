import {
  type CheckDefinition,
  type ComplianceFramework,
  type ComplianceStatus,
  type ComplianceWaiver,
  complianceScore,
  countStatuses,
  rollUpControl,
  scoreIfWaiversHeld,
} from '@backstage-itops/plugin-itops-common';
import { NotFoundError } from '@backstage/errors';
import type { SnapshotCatalogue, StoredResult } from './SnapshotStore';

/**
 * Evidence records a view shows per result; `evidenceTotal` keeps the
 * population's size and the evidence route pages through all of it.
 */
export const EVIDENCE_PREVIEW = 10;

/** A result with its evidence cut to the preview, its total kept. */
export function withEvidencePreview<T extends StoredResult>(result: T): T {
  return result.evidence.length > EVIDENCE_PREVIEW
    ? {
        ...result,
        evidence: result.evidence.slice(0, EVIDENCE_PREVIEW),
        evidenceTotal: result.evidenceTotal ?? result.evidence.length,
      }
    : result;
}

/** Filters of the organisation views. */
export interface ResultFilter {
  framework?: string;
  ownerRef?: string;
  systemRef?: string;
  tier?: number;
}

export function frameworkOf(
  frameworks: readonly ComplianceFramework[],
  id: string,
): ComplianceFramework {
  const framework = frameworks.find(f => f.id === id);
  if (!framework) {
    throw new NotFoundError(
      `Unknown compliance framework '${id}' (one of ${frameworks
        .map(f => f.id)
        .join(', ')})`,
    );
  }
  return framework;
}

/** Check ids mapped to a framework (or to a control of it). */
export function checksOf(
  checks: readonly CheckDefinition[],
  framework: string,
  control?: string,
): string[] {
  return checks
    .filter(c =>
      c.mappings.some(
        m =>
          m.framework === framework &&
          (control === undefined || m.control === control),
      ),
    )
    .map(c => c.id);
}

export function filterResults(
  results: readonly StoredResult[],
  filter: ResultFilter,
  checks: readonly CheckDefinition[],
): StoredResult[] {
  const inFramework = filter.framework
    ? new Set(checksOf(checks, filter.framework))
    : undefined;
  return results.filter(
    r =>
      (!inFramework || inFramework.has(r.checkId)) &&
      (!filter.ownerRef || r.ownerRef === filter.ownerRef) &&
      (!filter.systemRef || r.systemRef === filter.systemRef) &&
      (filter.tier === undefined || r.tier === filter.tier),
  );
}

/**
 * Results as they stand now: an exemption whose waiver has expired (or
 * was revoked) since the snapshot shows the underlying status again, so a
 * waiver stops applying on its own without waiting for the next run.
 */
export function withLiveWaivers(
  results: readonly StoredResult[],
  activeWaiverIds: ReadonlySet<string>,
): StoredResult[] {
  return results.map(r =>
    r.status === 'exempt' && r.waiverId && !activeWaiverIds.has(r.waiverId)
      ? {
          ...r,
          status: r.underlyingStatus ?? 'no_data',
          reason: `Waiver ${r.waiverId} no longer applies. ${r.reason}`,
          waiverId: undefined,
          underlyingStatus: undefined,
        }
      : r,
  );
}

function byEntity(results: readonly StoredResult[]) {
  const map = new Map<string, StoredResult[]>();
  for (const r of results) {
    const list = map.get(r.entityRef);
    if (list) list.push(r);
    else map.set(r.entityRef, [r]);
  }
  return map;
}

/** Controls of a framework with entity counts per rolled-up status: the heatmap. */
export function controlHeatmap(
  framework: ComplianceFramework,
  checks: readonly CheckDefinition[],
  results: readonly StoredResult[],
) {
  const entities = byEntity(results);
  return framework.controls.map(control => {
    const mapped = new Set(checksOf(checks, framework.id, control.id));
    const counts: Partial<Record<ComplianceStatus | 'manual', number>> = {};
    const statuses: ComplianceStatus[] = [];
    let waivedEntities = 0;
    let judgedEntities = 0;
    if (mapped.size > 0) {
      for (const list of entities.values()) {
        const own = list.filter(r => mapped.has(r.checkId));
        const status = rollUpControl(own.map(r => r.status));
        counts[status] = (counts[status] ?? 0) + 1;
        if (status !== 'manual') statuses.push(status);
        if (status !== 'manual' && status !== 'not_applicable') {
          judgedEntities++;
        }
        if (own.some(r => r.status === 'exempt')) waivedEntities++;
      }
    }
    return {
      id: control.id,
      label: control.label,
      theme: control.theme,
      evidence: control.evidence,
      checks: [...mapped],
      status: mapped.size === 0 ? ('manual' as const) : rollUpControl(statuses),
      entityCounts: counts,
      // "fail, 2 of 5 services waived": a waiver on some services stays
      // visible however the control rolls up.
      waivedEntities,
      judgedEntities,
    };
  });
}

/** Entities or teams ranked worst first by score, then by failures. */
function ranked(
  groups: Map<string, StoredResult[]>,
  limit: number,
): Array<{
  ref: string;
  score: number | null;
  fail: number;
  warn: number;
  noData: number;
}> {
  return [...groups]
    .map(([ref, list]) => {
      const counts = countStatuses(list.map(r => r.status));
      return {
        ref,
        score: complianceScore(counts),
        fail: counts.fail + counts.error,
        warn: counts.warn,
        noData: counts.no_data,
      };
    })
    .filter(row => row.score !== null)
    .sort(
      (a, b) =>
        a.score! - b.score! || b.fail - a.fail || a.ref.localeCompare(b.ref),
    )
    .slice(0, limit);
}

/**
 * The check definitions as a snapshot recorded them: the versions,
 * thresholds and control mappings in force when it was taken, with
 * today's wording (titles, remediation) where the check still exists.
 * Exports and print views of a snapshot read these, never today's config.
 */
export function checksAtSnapshot(
  catalogue: SnapshotCatalogue | undefined,
  today: readonly CheckDefinition[],
): CheckDefinition[] {
  if (!catalogue) return [...today];
  return catalogue.checks.map(recorded => {
    const current = today.find(c => c.id === recorded.id);
    return {
      ...(current ?? {
        id: recorded.id,
        title: recorded.id,
        description: '',
        remediation: '',
        data: [],
        thresholdText: '',
      }),
      id: recorded.id,
      version: recorded.version,
      thresholds: recorded.thresholds,
      mappings: recorded.mappings,
    } as CheckDefinition;
  });
}

/**
 * One framework's figures over a set of results: score, counts, control
 * roll-ups. The overview, the print view and the exports all take them
 * from here, so they cannot disagree about the same snapshot.
 */
export function frameworkSummaryOf(
  framework: ComplianceFramework,
  checks: readonly CheckDefinition[],
  results: readonly StoredResult[],
) {
  const ids = new Set(checksOf(checks, framework.id));
  const own = results.filter(r => ids.has(r.checkId));
  const counts = countStatuses(own.map(r => r.status));
  const controls = controlHeatmap(framework, checks, own);
  return {
    id: framework.id,
    name: framework.name,
    version: framework.version,
    attribution: framework.attribution,
    score: complianceScore(counts),
    scoreIfWaiversHeld: scoreIfWaiversHeld(counts),
    counts,
    controlCounts: countBy(controls.map(c => c.status)),
    controls,
  };
}

export function overviewOf(options: {
  frameworks: readonly ComplianceFramework[];
  checks: readonly CheckDefinition[];
  results: readonly StoredResult[];
  limit: number;
}) {
  const { frameworks, checks, results, limit } = options;
  const teams = new Map<string, StoredResult[]>();
  for (const r of results) {
    const key = r.ownerRef ?? '(no owner)';
    const list = teams.get(key);
    if (list) list.push(r);
    else teams.set(key, [r]);
  }
  const allCounts = countStatuses(results.map(r => r.status));
  return {
    entityCount: new Set(results.map(r => r.entityRef)).size,
    counts: allCounts,
    score: complianceScore(allCounts),
    scoreIfWaiversHeld: scoreIfWaiversHeld(allCounts),
    frameworks: frameworks.map(framework =>
      frameworkSummaryOf(framework, checks, results),
    ),
    checks: checks.map(check => {
      const own = results.filter(r => r.checkId === check.id);
      return {
        id: check.id,
        title: check.title,
        counts: countStatuses(own.map(r => r.status)),
      };
    }),
    worstServices: ranked(byEntity(results), limit).map(({ ref, ...rest }) => ({
      entityRef: ref,
      ...rest,
    })),
    worstTeams: ranked(teams, limit).map(({ ref, ...rest }) => ({
      ownerRef: ref,
      ...rest,
    })),
  };
}

function countBy<T extends string>(
  values: readonly T[],
): Partial<Record<T, number>> {
  const counts: Partial<Record<T, number>> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

export function controlViewOf(options: {
  framework: ComplianceFramework;
  controlId: string;
  checks: readonly CheckDefinition[];
  results: readonly StoredResult[];
}) {
  const { framework, controlId, checks, results } = options;
  const control = framework.controls.find(c => c.id === controlId);
  if (!control) {
    throw new NotFoundError(
      `Framework '${framework.id}' has no control '${controlId}'`,
    );
  }
  const mapped = checks.filter(c =>
    c.mappings.some(
      m => m.framework === framework.id && m.control === controlId,
    ),
  );
  const ids = new Set(mapped.map(c => c.id));
  const entities = [...byEntity(results.filter(r => ids.has(r.checkId)))].map(
    ([entityRef, list]) => ({
      entityRef,
      ownerRef: list[0].ownerRef,
      systemRef: list[0].systemRef,
      tier: list[0].tier,
      status: rollUpControl(list.map(r => r.status)),
      waivedChecks: list.filter(r => r.status === 'exempt').map(r => r.checkId),
      results: list.map(withEvidencePreview),
    }),
  );
  const order = [
    'fail',
    'error',
    'warn',
    'no_data',
    'exempt',
    'pass',
    'not_applicable',
    'manual',
  ];
  entities.sort(
    (a, b) =>
      order.indexOf(a.status) - order.indexOf(b.status) ||
      a.entityRef.localeCompare(b.entityRef),
  );
  return {
    framework: {
      id: framework.id,
      name: framework.name,
      attribution: framework.attribution,
    },
    control,
    checks: mapped,
    status:
      mapped.length === 0
        ? 'manual'
        : rollUpControl(
            entities
              .map(e => e.status)
              .filter((s): s is ComplianceStatus => s !== 'manual'),
          ),
    counts: countBy(entities.map(e => e.status)),
    waivedEntities: entities.filter(e => e.waivedChecks.length > 0).length,
    judgedEntities: entities.filter(e => e.status !== 'not_applicable').length,
    entities,
  };
}

export function scorecardOf(options: {
  entityRef: string;
  frameworks: readonly ComplianceFramework[];
  checks: readonly CheckDefinition[];
  results: readonly StoredResult[];
  waivers: readonly ComplianceWaiver[];
}) {
  const { frameworks, checks, results } = options;
  const counts = countStatuses(results.map(r => r.status));
  const byCheck = new Map(checks.map(c => [c.id, c]));
  return {
    entityRef: options.entityRef,
    snapshotId: results[0]?.snapshotId,
    evaluatedAt: results[0]?.takenAt,
    score: complianceScore(counts),
    scoreIfWaiversHeld: scoreIfWaiversHeld(counts),
    counts,
    results: results.map(r => ({
      ...withEvidencePreview(r),
      title: byCheck.get(r.checkId)?.title ?? r.checkId,
      remediation: byCheck.get(r.checkId)?.remediation,
      mappings: byCheck.get(r.checkId)?.mappings ?? [],
    })),
    frameworks: frameworks.map(framework => ({
      id: framework.id,
      name: framework.name,
      controls: controlHeatmap(framework, checks, results)
        .filter(c => c.status !== 'manual')
        .map(({ entityCounts: _ignored, ...control }) => control),
    })),
    waivers: options.waivers,
  };
}
