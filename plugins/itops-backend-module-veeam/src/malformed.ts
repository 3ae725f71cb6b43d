import type { SkippedRecord } from '@backstage-itops/plugin-itops-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseVeeamTime } from './dates';
import type {
  VeeamJobState,
  VeeamRestorePoint,
  VeeamSession,
  VeeamTaskSession,
} from './VeeamClient';

/** What is wrong with a record: the field and the value found there. */
export interface Problem {
  field: string;
  value: unknown;
}

/** ESessionResult; `None` is what a cancelled session (or a running one) carries. */
const RESULTS = new Set(['none', 'success', 'warning', 'failed']);

/**
 * The first field of a session that ITOps cannot read, or undefined. A
 * running session's result is not read (it says `None` until it stops),
 * so only a stopped one is checked for it.
 */
export function sessionProblem(session: VeeamSession): Problem | undefined {
  return (
    requiredString(session, 'id') ??
    requiredString(session, 'sessionType') ??
    requiredTime(session, 'creationTime') ??
    optionalTime(session, 'endTime') ??
    (isStopped(session)
      ? knownResult(session.result?.result, 'result.result')
      : undefined)
  );
}

/** The first field of a job state ITOps cannot read, or undefined. */
export function jobStateProblem(state: VeeamJobState): Problem | undefined {
  return (
    requiredString(state, 'id') ??
    requiredString(state, 'name') ??
    requiredString(state, 'type') ??
    optionalTime(state, 'lastRun') ??
    optionalTime(state, 'nextRun') ??
    knownResult(state.lastResult, 'lastResult')
  );
}

export function restorePointProblem(
  point: VeeamRestorePoint,
): Problem | undefined {
  return requiredString(point, 'id') ?? requiredTime(point, 'creationTime');
}

export function taskProblem(task: VeeamTaskSession): Problem | undefined {
  return (
    requiredString(task, 'name') ??
    knownResult(task.result?.result, 'result.result')
  );
}

function isStopped(session: VeeamSession): boolean {
  return (
    typeof session.state !== 'string' ||
    session.state.toLowerCase() === 'stopped'
  );
}

function requiredString(record: object, field: string): Problem | undefined {
  const value = (record as Record<string, unknown>)[field];
  return typeof value === 'string' && value.trim() !== ''
    ? undefined
    : { field, value };
}

function requiredTime(record: object, field: string): Problem | undefined {
  const value = (record as Record<string, unknown>)[field];
  return parseVeeamTime(value) === undefined ? { field, value } : undefined;
}

function optionalTime(record: object, field: string): Problem | undefined {
  const value = (record as Record<string, unknown>)[field];
  return value === undefined ||
    value === null ||
    parseVeeamTime(value) !== undefined
    ? undefined
    : { field, value };
}

function knownResult(value: unknown, field: string): Problem | undefined {
  return value === undefined ||
    value === null ||
    (typeof value === 'string' && RESULTS.has(value.toLowerCase()))
    ? undefined
    : { field, value };
}

/** Warnings one run writes about single records before it only counts them. */
const WARNINGS_PER_RUN = 20;

/**
 * The records one sync run skipped because a field could not be read:
 * each is named with the field in a warning (the first few of a run), and
 * counted, and the run never stops for one.
 */
export class SkippedRecords {
  readonly #server: string;
  readonly #logger?: LoggerService;
  #count = 0;
  #batch: SkippedRecord[] = [];

  constructor(server: string, logger?: LoggerService) {
    this.#server = server;
    this.#logger = logger;
  }

  get count(): number {
    return this.#count;
  }

  /**
   * Checks a record; a problem is warned about and counted, and the
   * record should then be left out. Returns whether it is readable.
   */
  check<T>(
    kind: string,
    record: T,
    problemOf: (record: T) => Problem | undefined,
    nameOf: (record: T) => string,
    /**
     * The external id of the stored record this one would have updated,
     * for records (not details of records): a full run keeps its copy.
     */
    externalIdOf?: (record: T) => string | undefined,
  ): boolean {
    const problem =
      typeof record === 'object' && record !== null
        ? problemOf(record)
        : { field: '(record)', value: record };
    if (!problem) {
      return true;
    }
    this.#count++;
    const externalId =
      typeof record === 'object' && record !== null
        ? externalIdOf?.(record)
        : undefined;
    if (externalId) {
      this.#batch.push({
        externalId,
        reason: `${kind}: unreadable ${problem.field}`,
      });
    }
    if (this.#count <= WARNINGS_PER_RUN) {
      this.#logger?.warn(
        `Skipping Veeam ${kind} ${nameOf(record)} of ${
          this.#server
        }: unreadable ${problem.field} ${describe(problem.value)}`,
      );
    }
    return false;
  }

  /** Records skipped for another record's sake (e.g. the runs of a skipped job). */
  add(externalIds: readonly string[], reason: string): void {
    for (const externalId of externalIds) {
      this.#batch.push({ externalId, reason });
    }
  }

  /** The skipped records since the last call, for the batch to name. */
  takeBatch(): SkippedRecord[] | undefined {
    const batch = this.#batch;
    this.#batch = [];
    return batch.length > 0 ? batch : undefined;
  }

  /** One line for the end of a run that skipped more than it warned about. */
  logSummary(): void {
    if (this.#count > WARNINGS_PER_RUN) {
      this.#logger?.warn(
        `Veeam ${this.#server}: skipped ${
          this.#count
        } unreadable records in this run (the first ${WARNINGS_PER_RUN} are named above)`,
      );
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) {
    return '(missing)';
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
