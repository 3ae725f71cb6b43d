import { NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { ComplianceSettings } from './config';
import { readFacts } from './entityFacts';
import type { SnapshotStore, StoredResult } from './SnapshotStore';
import {
  type ResultFilter,
  filterResults,
  frameworkOf,
  overviewOf,
  scorecardOf,
  withLiveWaivers,
} from './views';
import type { WaiverStore } from './WaiverStore';

/** Teams or services ranked in an overview. */
const OVERVIEW_RANKING = 10;

/**
 * The compliance reads that the REST routes and the actions share: an
 * entity's scorecard and the overview of a filtered population, as of now
 * (live waivers) or of a past date (the snapshot's waivers).
 */
export class ComplianceReader {
  readonly #knex: Knex;
  readonly #snapshots: SnapshotStore;
  readonly #waivers: WaiverStore;
  readonly #settings: ComplianceSettings;
  readonly #now: () => number;

  constructor(options: {
    knex: Knex;
    snapshots: SnapshotStore;
    waivers: WaiverStore;
    settings: ComplianceSettings;
    now?: () => number;
  }) {
    this.#knex = options.knex;
    this.#snapshots = options.snapshots;
    this.#waivers = options.waivers;
    this.#settings = options.settings;
    this.#now = options.now ?? Date.now;
  }

  async #activeWaiverIds(): Promise<Set<string>> {
    return new Set(
      [...(await this.#waivers.active(this.#now())).values()].map(w => w.id),
    );
  }

  /** Results at `at`, or now with expired waivers no longer applied. */
  async orgResults(
    at: number | undefined,
    query: { checkIds?: readonly string[]; lean?: boolean },
  ) {
    const { snapshot, results } = await this.#snapshots.currentResults(
      at,
      query,
    );
    return {
      snapshot,
      results:
        at === undefined
          ? withLiveWaivers(results, await this.#activeWaiverIds())
          : results,
    };
  }

  /**
   * The entity's scorecard; NotFoundError saying why when it has no
   * results (not selected for compliance, or not evaluated yet).
   */
  async entityScorecard(entityRef: string, at?: number) {
    const settings = this.#settings;
    let results: StoredResult[] = await this.#snapshots.entityResults(
      entityRef,
      at,
    );
    if (results.length === 0) {
      const evaluated = (await readFacts(this.#knex, entityRef)).length > 0;
      throw new NotFoundError(
        evaluated
          ? `Entity ${entityRef} has not been evaluated${
              at ? ' by that date' : ' yet'
            }`
          : `Entity ${entityRef} is not evaluated for compliance (kinds ${settings.selection.kinds.join(
              ', ',
            )}, lifecycles ${settings.selection.lifecycles.join(', ')})`,
      );
    }
    if (at === undefined) {
      results = withLiveWaivers(results, await this.#activeWaiverIds());
    }
    return scorecardOf({
      entityRef,
      frameworks: settings.frameworks,
      checks: settings.checks,
      results,
      waivers: await this.#waivers.list({ entityRef }, this.#now()),
    });
  }

  /** The overview of the results the filter selects (a team's, a tier's…). */
  async overview(filter: ResultFilter, at?: number) {
    const settings = this.#settings;
    const { snapshot, results } = await this.orgResults(at, { lean: true });
    const frameworks = filter.framework
      ? [frameworkOf(settings.frameworks, filter.framework)]
      : settings.frameworks;
    return {
      snapshot,
      ...overviewOf({
        frameworks,
        checks: settings.checks,
        results: filterResults(results, filter, settings.checks),
        limit: OVERVIEW_RANKING,
      }),
    };
  }
}
