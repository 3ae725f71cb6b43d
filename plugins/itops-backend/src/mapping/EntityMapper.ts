import {
  type AuditorService,
  type AuthService,
  type LoggerService,
  type SchedulerService,
  type SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { stringifyError } from '@backstage/errors';
import type { catalogServiceRef } from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import { type ClaimPolicies, readClaimPolicies } from './claimPolicy';
import { type ClaimIssueChanges, replaceClaimIssues } from './claimIssueStore';
import { computeEntityMapping } from './computeEntityMapping';
import { replaceEntityMappingIfChanged } from './entityMappingStore';
import { readMappableEntities } from './readMappableEntities';

/** Id of the scheduled mapping task. */
export const ENTITY_MAPPING_TASK_ID = 'itops-entity-mapping';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 2 },
  scope: 'global',
};

/**
 * What one mapping refresh found and did.
 */
export interface MappingSummary {
  /** Whether the stored mapping was rewritten; false when the catalog gave the same mapping. */
  changed: boolean;
  /** Entities in the mapping (rows of `itops_entities`). */
  entities: number;
  /** Entity keys in the mapping (rows of `itops_entity_keys`). */
  keys: number;
  /** Keys left out because they are longer than the key column. */
  droppedKeys: number;
  /** Claims withheld or refused by `itops.mapping.claims`. */
  claimIssues: number;
  durationMs: number;
}

/**
 * Keeps the catalog side of the record mapping (`itops_entities` and
 * `itops_entity_keys`) in step with the catalog.
 *
 * The catalog offers plugins no change feed, so "recomputed when the catalog
 * changes" is done by recomputing the whole mapping on a short schedule and
 * writing it only when its content differs from the stored one. A catalog
 * edit thus shows within one period (a minute by default) plus the catalog's
 * own processing delay, while an unchanged catalog costs one read of the
 * catalog and of the two tables, and no writes. Records are never rewritten:
 * they link to entities through shared keys at query time.
 */
export class EntityMapper {
  readonly #knex: Knex;
  readonly #catalog: typeof catalogServiceRef.T;
  readonly #auth: AuthService;
  readonly #scheduler: SchedulerService;
  readonly #config: Config;
  readonly #logger: LoggerService;
  readonly #onChange?: () => Promise<void>;
  readonly #auditor?: AuditorService;
  readonly #claimPolicies: ClaimPolicies;
  #lastRefresh: Promise<unknown> = Promise.resolve();

  static create(options: {
    knex: Knex;
    catalog: typeof catalogServiceRef.T;
    auth: AuthService;
    scheduler: SchedulerService;
    config: Config;
    logger: LoggerService;
    /** Called after a refresh stored a changed mapping. */
    onChange?: () => Promise<void>;
    /** Records each stored change of the mapping: who may see which records. */
    auditor?: AuditorService;
  }): EntityMapper {
    return new EntityMapper(options);
  }

  private constructor(options: {
    knex: Knex;
    catalog: typeof catalogServiceRef.T;
    auth: AuthService;
    scheduler: SchedulerService;
    config: Config;
    logger: LoggerService;
    onChange?: () => Promise<void>;
    auditor?: AuditorService;
  }) {
    this.#onChange = options.onChange;
    this.#auditor = options.auditor;
    this.#knex = options.knex;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#scheduler = options.scheduler;
    this.#config = options.config;
    this.#logger = options.logger.child({ task: ENTITY_MAPPING_TASK_ID });
    // Read here so that a bad policy fails start-up, naming its key.
    this.#claimPolicies = readClaimPolicies(options.config);
  }

  /**
   * Schedules the periodic refresh (`itops.mapping.schedule`, default every
   * minute, one instance at a time across the cluster). Its first run, soon
   * after startup, fills the mapping.
   */
  async start(): Promise<void> {
    const schedule = this.#readSchedule();
    await this.#scheduler.scheduleTask({
      id: ENTITY_MAPPING_TASK_ID,
      ...schedule,
      fn: async signal => {
        try {
          await this.refresh({ signal });
        } catch (error) {
          // The scheduler retries on the next tick; a failed run keeps the
          // previous mapping, which is the best data there is.
          this.#logger.error(
            `ITOps entity mapping failed: ${stringifyError(error)}`,
          );
        }
      },
    });
  }

  /**
   * Recomputes the mapping from the catalog and stores it if it changed.
   * Calls run one after another, so that each sees the catalog as it was
   * when it started and concurrent writes cannot interleave.
   */
  refresh(options?: { signal?: AbortSignal }): Promise<MappingSummary> {
    const run = this.#lastRefresh
      .catch(() => undefined)
      .then(() => this.#refreshNow(options?.signal));
    this.#lastRefresh = run;
    return run;
  }

  async #refreshNow(signal?: AbortSignal): Promise<MappingSummary> {
    const started = Date.now();
    const credentials = await this.#auth.getOwnServiceCredentials();
    const entities = await readMappableEntities(
      this.#catalog,
      credentials,
      signal,
    );
    const mapping = computeEntityMapping(entities, this.#claimPolicies);
    signal?.throwIfAborted();
    const result = await replaceEntityMappingIfChanged(this.#knex, mapping);
    this.#logClaimChanges(
      await replaceClaimIssues(this.#knex, mapping.claimIssues),
    );
    const summary: MappingSummary = {
      ...result,
      claimIssues: mapping.claimIssues.length,
      durationMs: Date.now() - started,
    };

    const message = `ITOps entity mapping ${
      summary.changed ? 'updated' : 'unchanged'
    }: ${summary.entities} entities, ${summary.keys} keys`;
    if (summary.changed) {
      this.#logger.info(message, { ...summary });
      // The mapping decides whose pages show which records: each change is
      // an audit event, the plugin itself being the actor.
      const event = await this.#auditor?.createEvent({
        eventId: 'mapping-change',
        severityLevel: 'low',
        meta: {
          entities: summary.entities,
          keys: summary.keys,
          claimIssues: summary.claimIssues,
        },
      });
      await event?.success();
      await this.#onChange?.().catch(error =>
        this.#logger.warn(
          `ITOps entity mapping change handler failed: ${stringifyError(
            error,
          )}`,
        ),
      );
    } else {
      this.#logger.debug(message, { ...summary });
    }
    if (summary.droppedKeys > 0) {
      this.#logger.warn(
        `ITOps entity mapping left out ${summary.droppedKeys} annotation values longer than 255 characters`,
      );
    }
    return summary;
  }

  /** Logs each claim decision once, when it is first stored or changes. */
  #logClaimChanges({ raised, resolved }: ClaimIssueChanges): void {
    for (const issue of raised) {
      const kept =
        issue.granted.length > 0
          ? `kept by ${issue.granted.join(', ')}`
          : 'withheld from all';
      this.#logger.warn(
        `ITOps mapping claim ${issue.decision}: ${issue.type} '${
          issue.value
        }' claimed by ${issue.claimants.join(', ')}, ${kept}. ${issue.reason}`,
        { ...issue },
      );
    }
    for (const { type, value } of resolved) {
      this.#logger.info(
        `ITOps mapping claim of ${type} '${value}' no longer withheld or refused`,
      );
    }
  }

  #readSchedule(): SchedulerServiceTaskScheduleDefinition {
    const config = this.#config.getOptionalConfig('itops.mapping.schedule');
    if (!config) {
      return DEFAULT_SCHEDULE;
    }
    const configured =
      readSchedulerServiceTaskScheduleDefinitionFromConfig(config);
    return {
      ...configured,
      initialDelay: configured.initialDelay ?? DEFAULT_SCHEDULE.initialDelay,
      scope: configured.scope ?? DEFAULT_SCHEDULE.scope,
    };
  }
}
