import type {
  CheckDefinition,
  ComplianceSnapshot,
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
import { INCIDENT_RULES, type IncidentData } from './rules/incidentRules';
import { ONCALL_RULES, type OnCallData } from './rules/oncallRules';
import type { NewResult, SnapshotStore } from './SnapshotStore';
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
}

/** Checks reading one data set, and how to read it for a run. */
interface Family<Data> {
  name: string;
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
  readonly #now: () => number;

  constructor(options: {
    knex: Knex;
    settings: ComplianceSettings;
    facts: EntityFactsSource;
    snapshots: SnapshotStore;
    waivers: WaiverStore;
    now?: () => number;
  }) {
    this.#knex = options.knex;
    this.#settings = options.settings;
    this.#facts = options.facts;
    this.#snapshots = options.snapshots;
    this.#waivers = options.waivers;
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
    };
  }

  #checks(): CheckDefinition[] {
    return this.#settings.checks;
  }

  /** Evaluates every entity the catalog selects. */
  async evaluateAll(
    trigger: SnapshotTrigger = 'scheduled',
  ): Promise<EvaluationSummary> {
    const now = this.#now();
    const started = performance.now();
    const facts = await this.#facts.all();
    await replaceFacts(this.#knex, facts, now);
    const factsMs = performance.now() - started;
    const summary = await this.#evaluate({}, facts, now, trigger, 'all');
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
        rules: BACKUP_RULES,
        load: async (s, n) => ({
          byEntity: await loadBackups(this.#knex, s, n, windowOf('BKP-03', 30)),
          empty: {
            jobs: [],
            recentRuns: [],
            lastFinishedRuns: [],
          } as BackupData,
        }),
      },
      {
        name: 'changes',
        rules: CHANGE_RULES,
        load: async (s, n) => {
          const { byEntity, globalFreezes } = await loadChanges(
            this.#knex,
            s,
            n,
            maxWindow(['CHG-01', 'CHG-02', 'CHG-03', 'CHG-04', 'CHG-07']),
          );
          // Entities without changes still face the global freezes.
          const empty: ChangeData = { changes: [], freezes: globalFreezes };
          return { byEntity, empty };
        },
      },
      {
        name: 'incidents',
        rules: INCIDENT_RULES,
        load: async (s, n) => ({
          byEntity: await loadIncidents(this.#knex, s, n, {
            incidentDays: maxWindow([
              'INC-01',
              'INC-02',
              'INC-03',
              'INC-04',
              'INC-06',
            ]),
            breachDays: windowOf('NTF-01', 365),
          }),
          empty: { incidents: [], breaches: [] } as IncidentData,
        }),
      },
      {
        name: 'oncall',
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
    const results: NewResult[] = [];
    for (const family of families) {
      const t0 = performance.now();
      let loaded:
        | { byEntity: Map<string, unknown>; empty: unknown }
        | undefined;
      let loadError: unknown;
      try {
        loaded = await family.load(scope, now);
      } catch (error) {
        // The other families still run; this one's checks report `error`.
        loadError = error;
      }
      for (const entity of entities) {
        for (const rule of family.rules) {
          const outcome: Outcome = loadError
            ? {
                status: 'error',
                reason: `Reading ${family.name} failed: ${stringifyError(
                  loadError,
                )}`,
                evidence: [],
              }
            : this.#judge(
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
    const snapshot = await this.#snapshots.write({
      takenAt: now,
      trigger,
      scope: snapshotScope,
      catalogue: this.catalogue(),
      entityCount: entities.length,
      durationMs: performance.now() - started,
      results,
    });
    timings.writeMs = performance.now() - t1;
    timings.totalMs = performance.now() - started;
    return { snapshot, timings };
  }

  #judge(
    rule: CheckRule<any>,
    entity: EvaluatedEntity,
    data: unknown,
    now: number,
  ): Outcome {
    const thresholds = thresholdsFor(this.#settings, rule.check, entity);
    try {
      return rule.judge(entity, data, thresholds, now);
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
    // A waiver covers findings, not passes or not-applicable results, so a
    // check that recovers shows as passing again.
    if (
      waiver &&
      ['fail', 'warn', 'no_data', 'error'].includes(outcome.status)
    ) {
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

/** Counts evaluated entities: a cheap probe for the health of the facts. */
export async function countEvaluatedEntities(knex: Knex): Promise<number> {
  const row = await knex(FACTS_TABLE).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Every rule, for the check list and its tests. */
export { ALL_RULES };
