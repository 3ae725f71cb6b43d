import type {
  CheckDefinition,
  ComplianceSnapshot,
  ComplianceStatus,
  ItopsCapability,
  SnapshotTrigger,
} from '@backstage-itops/plugin-itops-common';
import { stringifyError } from '@backstage/errors';
import type { Knex } from 'knex';
import { type ComplianceSettings, thresholdsFor } from './config';
import { FACTS_TABLE, replaceFacts, upsertFact } from './entityFacts';
import {
  type LoadScope,
  loadBackups,
  loadChanges,
  loadIncidents,
  loadLinkedEntities,
  loadFullSnapshotTimes,
  loadOnCall,
} from './loaders';
import {
  type CheckRule,
  DAY_MS,
  type EvaluatedEntity,
  type Outcome,
} from './model';
import { BACKUP_RULES, type BackupData } from './rules/backupRules';
import { CATALOG_RULES, type CatalogData } from './rules/catalogRules';
import { CHANGE_RULES, type ChangeData } from './rules/changeRules';
import { GOVERNANCE_RULES, type GovernanceData } from './rules/governanceRules';
import { INCIDENT_RULES, type IncidentData } from './rules/incidentRules';
import { ONCALL_RULES, type OnCallData } from './rules/oncallRules';
import {
  type IncrementalWrite,
  type NewResult,
  SnapshotBaseGoneError,
  type SnapshotStore,
  catalogueHashOf,
  resultHashOf,
  resultKey,
} from './SnapshotStore';
import { AttestationStore } from './AttestationStore';
import { BreachDecisionStore } from './BreachDecisionStore';
import {
  type AttestationsInForce,
  attestationsForSnapshot,
} from './snapshotAttestations';
import { sourceNotConfigured, sourcedCapabilities } from './sources';
import type { WaiverStore } from './WaiverStore';

/** Where the facts of the entities to evaluate come from (the catalog). */
export interface EntityFactsSource {
  all(): Promise<EvaluatedEntity[]>;
  /** Undefined when the entity is not (or no longer) evaluated. */
  one(entityRef: string): Promise<EvaluatedEntity | undefined>;
}

/** What one evaluation run did. */
export interface EvaluationSummary {
  snapshot: ComplianceSnapshot;
  timings: Record<string, number>;
  /** The full snapshot an incremental one was stored against. */
  baseSnapshotId?: string;
  /** Result rows stored with the snapshot (all of them for a full one). */
  storedResults: number;
}

/**
 * How a run of every entity is stored: `auto` stores it against the newest
 * full snapshot when that is allowed and worth it, `full` always in full.
 * Scheduled runs default to `auto`, others to `full`.
 */
export type EvaluationMode = 'auto' | 'full';

/**
 * Above this share of changed results an incremental snapshot would save
 * little, so the run is stored in full and becomes the next base.
 */
const MAX_INCREMENTAL_SHARE = 0.5;

/** Checks reading one data set, and how to read it for a run. */
interface Family<Data> {
  name: string;
  /** The capability whose records the checks read; none for catalog facts. */
  capability?: ItopsCapability;
  rules: CheckRule<Data>[];
  /** The data set, and the data of an entity it has no rows for. */
  load(
    scope: LoadScope,
    now: number,
  ): Promise<{ byEntity: Map<string, Data>; empty: Data }>;
}

const ALL_RULES: CheckRule<any>[] = [
  ...CATALOG_RULES,
  ...BACKUP_RULES,
  ...CHANGE_RULES,
  ...INCIDENT_RULES,
  ...ONCALL_RULES,
  ...GOVERNANCE_RULES,
];

/**
 * Evaluates every check for the evaluated entities and stores the results
 * as an immutable snapshot. Each data set is read once per run for all
 * entities (see loaders.ts); rules are pure functions of an entity's rows.
 * A rule that throws gives `error` for that entity, never a pass; approved,
 * unexpired waivers turn a result into `exempt`, keeping what the evidence
 * said as the underlying status.
 */
export class ComplianceEngine {
  readonly #knex: Knex;
  readonly #settings: ComplianceSettings;
  readonly #facts: EntityFactsSource;
  readonly #snapshots: SnapshotStore;
  readonly #waivers: WaiverStore;
  readonly #breaches: BreachDecisionStore;
  readonly #attestations: AttestationsInForce;
  readonly #now: () => number;

  constructor(options: {
    knex: Knex;
    settings: ComplianceSettings;
    facts: EntityFactsSource;
    snapshots: SnapshotStore;
    waivers: WaiverStore;
    breaches?: BreachDecisionStore;
    /** The attestation register each snapshot records the state of. */
    attestations?: AttestationsInForce;
    now?: () => number;
  }) {
    this.#knex = options.knex;
    this.#settings = options.settings;
    this.#facts = options.facts;
    this.#snapshots = options.snapshots;
    this.#waivers = options.waivers;
    this.#breaches =
      options.breaches ??
      new BreachDecisionStore(options.knex, options.waivers);
    this.#attestations =
      options.attestations ??
      new AttestationStore(options.knex, options.waivers);
    this.#now = options.now ?? Date.now;
  }

  /** The database the engine reads and writes. */
  get knex(): Knex {
    return this.#knex;
  }

  /** The check definitions in force, with thresholds, as a snapshot records them. */
  catalogue() {
    return {
      checks: this.#checks().map(check => ({
        id: check.id,
        version: check.version,
        mappings: check.mappings,
        thresholds: thresholdsFor(this.#settings, check),
      })),
      tierThresholds: this.#settings.tierThresholds,
      frameworks: this.#settings.frameworks.map(f => ({
        id: f.id,
        version: f.version,
      })),
      // Which categories count as patches is part of what a result means.
      ...(this.#settings.categories
        ? { categories: { ...this.#settings.categories } }
        : {}),
    };
  }

  #checks(): CheckDefinition[] {
    return this.#settings.checks;
  }

  /** Evaluates every entity the catalog selects. */
  async evaluateAll(
    trigger: SnapshotTrigger = 'scheduled',
    // An evaluation asked for by hand is a fresh, complete baseline.
    mode: EvaluationMode = trigger === 'scheduled' ? 'auto' : 'full',
  ): Promise<EvaluationSummary> {
    const now = this.#now();
    const started = performance.now();
    // Waivers past their expiry get their `expire` event before the run, so
    // the register says when each exception ended.
    await this.#waivers.recordExpiries(now);
    const facts = await this.#facts.all();
    await replaceFacts(this.#knex, facts, now);
    const factsMs = performance.now() - started;
    const summary = await this.#evaluate({}, facts, now, trigger, 'all', mode);
    summary.timings.factsMs = factsMs;
    return summary;
  }

  /**
   * Evaluates one entity now. Returns undefined when the catalog does not
   * select the entity for evaluation.
   */
  async evaluateEntity(
    entityRef: string,
  ): Promise<EvaluationSummary | undefined> {
    const now = this.#now();
    const fact = await this.#facts.one(entityRef);
    await upsertFact(this.#knex, entityRef, fact, now);
    if (!fact) return undefined;
    return this.#evaluate(
      { entityRef: fact.entityRef },
      [fact],
      now,
      'entity',
      fact.entityRef,
    );
  }

  async #evaluate(
    scope: LoadScope,
    entities: EvaluatedEntity[],
    now: number,
    trigger: SnapshotTrigger,
    snapshotScope: string,
    mode: EvaluationMode = 'full',
  ): Promise<EvaluationSummary> {
    const started = performance.now();
    const timings: Record<string, number> = {};
    const windowOf = (id: string, fallback: number) => {
      const check = this.#checks().find(c => c.id === id)!;
      // The longest window any tier uses, so per-tier overrides get their rows.
      return Math.max(
        thresholdsFor(this.#settings, check).windowDays ?? fallback,
        ...Object.keys(this.#settings.tierThresholds).map(
          tier =>
            thresholdsFor(this.#settings, check, { tier: Number(tier) })
              .windowDays ?? fallback,
        ),
      );
    };
    const maxWindow = (ids: string[]) =>
      Math.max(...ids.map(id => windowOf(id, 0)));
    const oncallDays = (name: 'pastDays' | 'aheadDays') =>
      Math.max(
        ...['OC-01', 'OC-02'].map(
          id =>
            thresholdsFor(
              this.#settings,
              this.#checks().find(c => c.id === id)!,
            )[name],
        ),
      );

    const families: Family<any>[] = [
      {
        name: 'catalog',
        rules: CATALOG_RULES,
        load: async s => {
          const linked = await loadLinkedEntities(this.#knex, s);
          return {
            byEntity: new Map(
              [...linked].map((ref): [string, CatalogData] => [
                ref,
                { hasLinkedRecords: true },
              ]),
            ),
            empty: { hasLinkedRecords: false },
          };
        },
      },
      {
        name: 'backups',
        capability: 'backups',
        rules: BACKUP_RULES,
        load: async (s, n) => ({
          byEntity: await loadBackups(this.#knex, s, n, windowOf('BKP-03', 30)),
          empty: {
            jobs: [],
            recentRuns: [],
            lastFinishedRuns: [],
            lastSuccessByJob: {},
          } as BackupData,
        }),
      },
      {
        name: 'changes',
        capability: 'changes',
        rules: CHANGE_RULES,
        load: async (s, n) => {
          const { byEntity, globalFreezes } = await loadChanges(
            this.#knex,
            s,
            n,
            maxWindow([
              'CHG-01',
              'CHG-02',
              'CHG-03',
              'CHG-04',
              'CHG-07',
              'VUL-01',
              'SOD-01',
            ]),
          );
          const securityPatchCategories =
            this.#settings.categories?.securityPatch ?? [];
          for (const data of byEntity.values()) {
            data.securityPatchCategories = securityPatchCategories;
          }
          // Entities without changes still face the global freezes.
          const empty: ChangeData = {
            changes: [],
            freezes: globalFreezes,
            securityPatchCategories,
          };
          return { byEntity, empty };
        },
      },
      {
        name: 'incidents',
        capability: 'incidents',
        rules: INCIDENT_RULES,
        load: async (s, n) => {
          const byEntity = await loadIncidents(this.#knex, s, n, {
            incidentDays: maxWindow([
              'INC-01',
              'INC-02',
              'INC-03',
              'INC-04',
              'INC-06',
              'CAP-01',
            ]),
            breachDays: Math.max(
              windowOf('NTF-01', 365),
              windowOf('NTF-02', 365),
            ),
          });
          await this.#attachBreachDecisions(byEntity);
          const capacityCategories = this.#settings.categories?.capacity ?? [];
          for (const data of byEntity.values()) {
            data.capacityCategories = capacityCategories;
          }
          return {
            byEntity,
            empty: {
              incidents: [],
              breaches: [],
              capacityCategories,
            } as IncidentData,
          };
        },
      },
      {
        // The engine's own record: needs no source, same data for all.
        name: 'governance',
        rules: GOVERNANCE_RULES,
        load: async (_s, n) => ({
          byEntity: new Map<string, GovernanceData>(),
          empty: {
            fullSnapshotsAt: await loadFullSnapshotTimes(
              this.#knex,
              n,
              windowOf('GOV-01', 90),
            ),
          },
        }),
      },
      {
        name: 'oncall',
        capability: 'oncall',
        rules: ONCALL_RULES,
        load: async (s, n) => ({
          byEntity: await loadOnCall(
            this.#knex,
            s,
            n - oncallDays('pastDays') * DAY_MS,
            n + oncallDays('aheadDays') * DAY_MS,
            entities,
          ),
          empty: { shifts: [] } as OnCallData,
        }),
      },
    ];

    const waivers = await this.#waivers.active(now, scope.entityRef);
    const sourced = await sourcedCapabilities(this.#knex);
    const results: NewResult[] = [];
    for (const family of families) {
      const t0 = performance.now();
      const unsourced =
        family.capability && !sourced.has(family.capability)
          ? sourceNotConfigured(family.capability)
          : undefined;
      let loaded:
        | { byEntity: Map<string, unknown>; empty: unknown }
        | undefined;
      let failed: Outcome | undefined = unsourced;
      if (!failed) {
        try {
          loaded = await family.load(scope, now);
        } catch (error) {
          // The other families still run; this one's checks report `error`.
          failed = {
            status: 'error',
            reason: `Reading ${family.name} failed: ${stringifyError(error)}`,
            evidence: [],
          };
        }
      }
      for (const entity of entities) {
        for (const rule of family.rules) {
          const outcome: Outcome =
            failed ??
            this.#judge(
              rule,
              entity,
              loaded!.byEntity.get(entity.entityRef) ?? loaded!.empty,
              now,
            );
          results.push(this.#result(rule.check, entity, outcome, waivers));
        }
      }
      timings[`${family.name}Ms`] = performance.now() - t0;
    }

    const t1 = performance.now();
    const catalogue = this.catalogue();
    const incremental =
      snapshotScope === 'all' && mode === 'auto'
        ? await this.#incremental(catalogue, results, now)
        : undefined;
    timings.diffMs = performance.now() - t1;
    // Recorded with the snapshot as its catalogue is, so its exports show
    // what was attested when it was taken, whatever the register says later.
    const attestations = await attestationsForSnapshot(
      this.#attestations,
      now,
      snapshotScope,
    );
    const write = (asIncremental: typeof incremental) =>
      this.#snapshots.write({
        takenAt: now,
        trigger,
        scope: snapshotScope,
        catalogue,
        entityCount: entities.length,
        durationMs: performance.now() - started,
        results,
        incremental: asIncremental,
        attestations,
      });
    const t2 = performance.now();
    let snapshot: ComplianceSnapshot;
    let stored = incremental;
    try {
      snapshot = await write(incremental);
    } catch (error) {
      // The base was disposed of or replaced since it was chosen: the
      // results are complete, so they are stored in full instead.
      if (!(error instanceof SnapshotBaseGoneError)) throw error;
      stored = undefined;
      snapshot = await write(undefined);
    }
    timings.writeMs = performance.now() - t2;
    timings.totalMs = performance.now() - started;
    return {
      snapshot,
      timings,
      ...(stored ? { baseSnapshotId: stored.baseId } : {}),
      storedResults: stored ? stored.changed.length : results.length,
    };
  }

  /**
   * The difference of a run of every entity to the newest full snapshot,
   * when the run may be stored against it: incremental runs are enabled,
   * that snapshot is younger than `fullEvery`, was taken with the same
   * check catalogue and thresholds, has result hashes, and most results
   * are unchanged. Every result has been judged at `now` either way, so
   * what changes with time alone (backup age against the RPO, restore-test
   * age, breach deadlines, rate windows, on-call coverage) is as current as
   * in a full run; only storing the unchanged ones is skipped.
   */
  async #incremental(
    catalogue: unknown,
    results: readonly NewResult[],
    now: number,
  ): Promise<IncrementalWrite | undefined> {
    const settings = this.#settings.incremental;
    if (!settings.enabled) return undefined;
    const latest = await this.#snapshots.latestAll();
    if (!latest) return undefined;
    const base = await this.#snapshots.get(latest.baseId ?? latest.id);
    if (
      !base ||
      now - Date.parse(base.takenAt) >= settings.fullEveryMs ||
      base.catalogueHash !== catalogueHashOf(catalogue)
    ) {
      return undefined;
    }
    const hashes = await this.#snapshots.resultHashes(base.id);
    if (!hashes) return undefined;
    const changed = results.filter(
      r => hashes.get(resultKey(r.entityRef, r.checkId)) !== resultHashOf(r),
    );
    if (changed.length > results.length * MAX_INCREMENTAL_SHARE) {
      return undefined;
    }
    const evaluated = new Set(results.map(r => r.entityRef));
    const removed = new Set<string>();
    for (const key of hashes.keys()) {
      const entityRef = key.slice(0, key.indexOf('\u0000'));
      if (!evaluated.has(entityRef)) removed.add(entityRef);
    }
    return { baseId: base.id, changed, removed: [...removed] };
  }

  /** The decisions recorded in ITOps on each loaded breach (NTF-01, NTF-02). */
  async #attachBreachDecisions(byEntity: Map<string, IncidentData>) {
    const refs = new Set<string>();
    for (const data of byEntity.values()) {
      for (const breach of data.breaches) refs.add(breach.number);
    }
    if (refs.size === 0) return;
    const decisions = await this.#breaches.byBreach([...refs]);
    for (const data of byEntity.values()) {
      data.breaches = data.breaches.map(breach =>
        decisions.has(breach.number)
          ? { ...breach, breachDecisions: decisions.get(breach.number) }
          : breach,
      );
    }
  }

  #judge(
    rule: CheckRule<any>,
    entity: EvaluatedEntity,
    data: unknown,
    now: number,
  ): Outcome {
    // An untiered service is judged at the default tier, never skipped.
    const judged =
      entity.tier === undefined
        ? { ...entity, tier: this.#settings.defaultTier, tierDefaulted: true }
        : entity;
    const thresholds = thresholdsFor(this.#settings, rule.check, judged);
    try {
      return rule.judge(judged, data, thresholds, now);
    } catch (error) {
      return {
        status: 'error',
        reason: `The check failed: ${stringifyError(error)}`,
        evidence: [],
      };
    }
  }

  #result(
    check: CheckDefinition,
    entity: EvaluatedEntity,
    outcome: Outcome,
    waivers: Map<string, { id: string }>,
  ): NewResult {
    const waiver = waivers.get(`${entity.entityRef} ${check.id}`);
    const base = {
      ...outcome,
      checkId: check.id,
      checkVersion: check.version,
      entityRef: entity.entityRef,
      ownerRef: entity.ownerRef,
      systemRef: entity.systemRef,
      tier: entity.tier,
    };
    // A waiver covers judged findings only: a pass shows as passing again,
    // missing evidence (`no_data`) and broken data (`error`) must be fixed,
    // not excused, and a legal duty is never waivable.
    if (waiver && isWaivable(check, outcome.status)) {
      return {
        ...base,
        status: 'exempt',
        underlyingStatus: outcome.status,
        waiverId: waiver.id,
        reason: `Exempt by waiver ${waiver.id}; the evidence says: ${outcome.reason}`,
      };
    }
    return base;
  }
}

/** The statuses a waiver may turn into `exempt`: judged findings. */
const WAIVABLE_STATUSES: readonly ComplianceStatus[] = ['fail', 'warn'];

/**
 * Whether a waiver may cover a result: a finding (`fail`, `warn`) of a
 * check that is not a legal duty.
 */
export function isWaivable(
  check: Pick<CheckDefinition, 'legalDuty'>,
  status: ComplianceStatus,
): boolean {
  return !check.legalDuty && WAIVABLE_STATUSES.includes(status);
}

/** Counts evaluated entities: a cheap probe for the health of the facts. */
export async function countEvaluatedEntities(knex: Knex): Promise<number> {
  const row = await knex(FACTS_TABLE).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Every rule, for the check list and its tests. */
export { ALL_RULES };
