import { Random } from '../world/random';
import { draftIncident } from './generate';
import type { IssueRecord } from './issue';
import type { Site } from './site';
import type { IssueStore } from './store';
import { DAY, HOUR, MINUTE } from './time';

/**
 * Live mode and the shifting-page fault: changes to the world after it was
 * seeded. Every change stores a new version of an issue with a later
 * `updated`, as Jira bumps it on every edit and transition.
 */
export class LiveWorld {
  readonly #seed: number;
  readonly #site: Site;
  readonly #store: IssueStore;
  #step = 0;
  /**
   * Incidents opened by live mode minus those it resolved, kept at or below
   * zero: incidents resolve as they arrive, so that the open count and the
   * KPIs stay where the seeded world put them however long the demo runs.
   */
  #openedNotResolved = 0;

  constructor(seed: number, site: Site, store: IssueStore) {
    this.#seed = seed;
    this.#site = site;
    this.#store = store;
  }

  /**
   * One step: maybe a new incident, and one open incident moves on; when
   * more opened than resolved, the longest-open of the recent ones is
   * resolved.
   */
  tick(now: number): void {
    const random = Random.derive(this.#seed, 'tick', this.#step++);
    if (random.chance(0.5)) {
      const project = random.pick(this.#site.projects);
      this.#add(
        draftIncident(random, this.#site, project, now, now),
        project.key,
      );
      this.#openedNotResolved++;
    }
    const open = this.#openIncidents(now);
    if (open.length > 0) {
      this.#store.put(this.#advance(random.pick(open), random, now));
    }
    if (this.#openedNotResolved > 0) {
      const oldest = this.#openIncidents(now)
        .filter(issue => issue.resolved === null)
        .sort((a, b) => a.created - b.created)[0];
      if (oldest) {
        this.#store.put(this.#resolve(oldest, random, now));
      }
    }
  }

  /**
   * Adds an incident whose `updated` precedes every other issue, so that it
   * sorts first in `ORDER BY updated ASC` and shifts offset-based pages.
   */
  insertShiftingRecord(now: number): IssueRecord {
    const first = this.#store.ascendingByUpdated().next();
    const updated = (first.done ? now : first.value.updated) - MINUTE;
    const random = Random.derive(this.#seed, 'shift', this.#step++);
    const project = random.pick(this.#site.projects);
    const draft = draftIncident(
      random,
      this.#site,
      project,
      updated - DAY,
      updated,
    );
    return this.#add({ ...draft, updated }, project.key);
  }

  #add(
    draft: Omit<IssueRecord, 'id' | 'number'>,
    projectKey: string,
  ): IssueRecord {
    const issue = { ...draft, ...this.#store.allocate(projectKey) };
    this.#store.put(issue);
    return issue;
  }

  /**
   * Open incidents touched lately: the last hour first, widened up to a
   * week until some are found, so that a tick stays cheap in scale mode
   * where an hour already holds hundreds of issues.
   */
  #openIncidents(now: number): IssueRecord[] {
    for (let window = HOUR; ; window = Math.min(4 * window, 7 * DAY)) {
      const open: IssueRecord[] = [];
      for (const issue of this.#store.ascendingByUpdated(now - window)) {
        if (issue.issueType === 'Incident' && issue.resolved === null) {
          open.push(issue);
        }
      }
      if (open.length > 0 || window === 7 * DAY) {
        return open;
      }
    }
  }

  /** The issue resolved now, answered first if nobody had yet. */
  #resolve(issue: IssueRecord, random: Random, now: number): IssueRecord {
    const updated = Math.max(now, issue.updated + 1);
    const team = this.#site.teamUsers(
      this.#site.projects.find(p => p.key === issue.projectKey)!.team,
    );
    this.#openedNotResolved--;
    return {
      ...issue,
      updated,
      status: 'Resolved',
      resolved: updated,
      resolution: 'Done',
      firstResponse: issue.firstResponse ?? updated,
      assignee: issue.assignee ?? random.pick(team).userName,
    };
  }

  #advance(issue: IssueRecord, random: Random, now: number): IssueRecord {
    const next: IssueRecord = {
      ...issue,
      updated: Math.max(now, issue.updated + 1),
    };
    const team = this.#site.teamUsers(
      this.#site.projects.find(p => p.key === issue.projectKey)!.team,
    );
    if (issue.status === 'Open') {
      next.status = 'Work in progress';
      next.firstResponse = issue.firstResponse ?? next.updated;
      next.assignee = issue.assignee ?? random.pick(team).userName;
    } else if (this.#openedNotResolved > 0 && random.chance(0.6)) {
      // Only as many resolve as arrived, or the open count would drain.
      return this.#resolve(issue, random, now);
    } else {
      next.status = issue.status === 'Pending' ? 'Work in progress' : 'Pending';
    }
    return next;
  }
}
