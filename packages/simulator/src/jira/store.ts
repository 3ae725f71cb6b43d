import type { IssueRecord } from './issue';

/**
 * The issues of the site, read in ascending (updated, id) order, which is
 * the order of the usual incremental sync `updated >= X ORDER BY updated ASC`.
 *
 * A base holds the seeded issues (materialised for the demo, derived from
 * (seed, index) in scale mode); issues created or changed later live in a
 * small overlay that shadows their base version.
 */
export interface IssueBase {
  readonly count: number;
  /** The index-th issue in ascending (updated, id) order. */
  at(index: number): IssueRecord;
  /** `at(index).updated`, cheaply. */
  updatedAt(index: number): number;
  /** By key (`PAY-12`) or numeric id. */
  find(keyOrId: string): IssueRecord | undefined;
  /** Highest issue number used in a project. */
  lastNumber(projectKey: string): number;
  lastId(): number;
}

function compareByUpdated(a: IssueRecord, b: IssueRecord): number {
  return a.updated - b.updated || a.id - b.id;
}

/** First index whose value is >= target, for a non-decreasing sequence. */
function lowerBound(
  length: number,
  valueAt: (index: number) => number,
  target: number,
): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (valueAt(middle) < target) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/** A demo base: the generated issues held in memory. */
export function arrayBase(issues: IssueRecord[]): IssueBase {
  const sorted = [...issues].sort(compareByUpdated);
  const byKey = new Map<string, IssueRecord>();
  const lastNumbers = new Map<string, number>();
  let lastId = 0;
  for (const issue of sorted) {
    byKey.set(`${issue.projectKey}-${issue.number}`, issue);
    byKey.set(String(issue.id), issue);
    lastNumbers.set(
      issue.projectKey,
      Math.max(lastNumbers.get(issue.projectKey) ?? 0, issue.number),
    );
    lastId = Math.max(lastId, issue.id);
  }
  return {
    count: sorted.length,
    at: index => sorted[index],
    updatedAt: index => sorted[index].updated,
    find: keyOrId => byKey.get(keyOrId.toUpperCase()),
    lastNumber: projectKey => lastNumbers.get(projectKey) ?? 0,
    lastId: () => lastId,
  };
}

export class IssueStore {
  readonly #base: IssueBase;
  /** Overlay issues, kept in ascending (updated, id) order. */
  #overlay: IssueRecord[] = [];
  readonly #overlayById = new Map<number, IssueRecord>();
  readonly #lastNumbers = new Map<string, number>();
  /** Ids of deleted issues: gone from every walk and look-up. */
  readonly #deleted = new Set<number>();
  #lastId: number;
  #added = 0;

  constructor(base: IssueBase) {
    this.#base = base;
    this.#lastId = base.lastId();
  }

  get count(): number {
    return this.#base.count + this.#added - this.#deleted.size;
  }

  /**
   * Deletes an issue, as Jira does: no tombstone a search could show, so
   * only a client that compares what exists with what it holds notices.
   */
  delete(id: number): boolean {
    if (this.#deleted.has(id) || !this.#findAny(String(id))) {
      return false;
    }
    this.#deleted.add(id);
    return true;
  }

  /** Issues with `updated >= fromUpdated`, ascending by (updated, id). */
  *ascendingByUpdated(fromUpdated = -Infinity): Generator<IssueRecord> {
    const base = this.#base;
    let b = lowerBound(base.count, i => base.updatedAt(i), fromUpdated);
    let o = lowerBound(
      this.#overlay.length,
      i => this.#overlay[i].updated,
      fromUpdated,
    );
    let nextBase = this.#nextBase(b);
    while (nextBase || o < this.#overlay.length) {
      const fromOverlay = this.#overlay[o];
      if (
        nextBase &&
        (!fromOverlay || compareByUpdated(nextBase.issue, fromOverlay) < 0)
      ) {
        if (!this.#deleted.has(nextBase.issue.id)) {
          yield nextBase.issue;
        }
        b = nextBase.index + 1;
        nextBase = this.#nextBase(b);
      } else {
        if (!this.#deleted.has(fromOverlay.id)) {
          yield fromOverlay;
        }
        o++;
      }
    }
  }

  find(keyOrId: string): IssueRecord | undefined {
    const issue = this.#findAny(keyOrId);
    return issue && !this.#deleted.has(issue.id) ? issue : undefined;
  }

  #findAny(keyOrId: string): IssueRecord | undefined {
    const base = this.#base.find(keyOrId);
    if (base) {
      return this.#overlayById.get(base.id) ?? base;
    }
    const upper = keyOrId.toUpperCase();
    for (const issue of this.#overlayById.values()) {
      if (
        String(issue.id) === upper ||
        `${issue.projectKey}-${issue.number}` === upper
      ) {
        return issue;
      }
    }
    return undefined;
  }

  /** Stores a changed copy of an issue, or a new issue from `allocate`. */
  put(issue: IssueRecord): void {
    const previous = this.#overlayById.get(issue.id);
    if (previous) {
      this.#overlay.splice(this.#overlay.indexOf(previous), 1);
    } else if (!this.#base.find(String(issue.id))) {
      this.#added++;
    }
    this.#overlayById.set(issue.id, issue);
    const at = lowerBound(
      this.#overlay.length,
      i => (compareByUpdated(this.#overlay[i], issue) < 0 ? -1 : 0),
      0,
    );
    this.#overlay.splice(at, 0, issue);
  }

  /** The id and number a new issue in a project gets. */
  allocate(projectKey: string): { id: number; number: number } {
    const number =
      (this.#lastNumbers.get(projectKey) ?? this.#base.lastNumber(projectKey)) +
      1;
    this.#lastNumbers.set(projectKey, number);
    this.#lastId++;
    return { id: this.#lastId, number };
  }

  #nextBase(from: number): { index: number; issue: IssueRecord } | undefined {
    for (let index = from; index < this.#base.count; index++) {
      const issue = this.#base.at(index);
      if (!this.#overlayById.has(issue.id)) {
        return { index, issue };
      }
    }
    return undefined;
  }
}
