import type { SourceHttpClient } from '@backstage-itops/plugin-itops-node';

export interface OpsTeam {
  id: string;
  name: string;
}

export interface OpsSchedule {
  id: string;
  name: string;
  teamId?: string;
  enabled?: boolean;
}

export interface OpsParticipant {
  id?: string;
  type?: string;
  name?: string;
}

export interface OpsPeriod {
  startDate: string;
  endDate: string;
  responder?: OpsParticipant;
  /** Opsgenie's name for the responder. */
  recipient?: OpsParticipant;
}

export interface OpsRotation {
  id?: string;
  name?: string;
  order?: number;
  periods?: OpsPeriod[];
}

interface OpsPage<T> {
  values?: T[];
  links?: { next?: string | null };
}

interface TimelineAnswer {
  finalTimeline?: { rotations?: OpsRotation[] };
  data?: { finalTimeline?: { rotations?: OpsRotation[] } };
}

/** Safety net against a `links.next` that never ends. */
const MAX_PAGES = 1000;

/**
 * JSM Operations (the successor of Opsgenie) on Atlassian's API gateway,
 * `{atlassianApiUrl}/jsm/ops/api/{cloudId}/v1`: teams, schedules and their
 * on-call timeline.
 */
export class JsmOpsClient {
  readonly #http: SourceHttpClient;
  readonly #base: string;

  constructor(
    http: SourceHttpClient,
    atlassianApiUrl: string,
    cloudId: string,
  ) {
    this.#http = http;
    this.#base = `${atlassianApiUrl}/jsm/ops/api/${encodeURIComponent(
      cloudId,
    )}/v1`;
  }

  async teams(signal?: AbortSignal): Promise<OpsTeam[]> {
    const raw = await this.#list<{
      teamId?: string;
      teamName?: string;
      id?: string;
      name?: string;
    }>(`${this.#base}/teams`, signal);
    return raw
      .map(team => ({
        id: team.teamId ?? team.id ?? '',
        name: team.teamName ?? team.name ?? '',
      }))
      .filter(team => team.id && team.name);
  }

  async schedules(signal?: AbortSignal): Promise<OpsSchedule[]> {
    return this.#list<OpsSchedule>(`${this.#base}/schedules`, signal);
  }

  /** The rotations' shifts overlapping [from, from + days). */
  async timeline(
    scheduleId: string,
    from: Date,
    days: number,
    signal?: AbortSignal,
  ): Promise<OpsRotation[]> {
    const { body } = await this.#http.json<TimelineAnswer>(
      `${this.#base}/schedules/${encodeURIComponent(scheduleId)}/timeline`,
      {
        query: {
          date: from.toISOString(),
          interval: days,
          intervalUnit: 'days',
        },
        signal,
      },
    );
    return (
      body?.finalTimeline?.rotations ??
      body?.data?.finalTimeline?.rotations ??
      []
    );
  }

  /**
   * A list endpoint: a plain array, or `{values, links.next}` pages
   * (offset/size), whichever the service answers.
   */
  async #list<T>(url: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = url;
    for (let pages = 0; next && pages < MAX_PAGES; pages++) {
      const { body }: { body: T[] | OpsPage<T> } = await this.#http.json<
        T[] | OpsPage<T>
      >(next, { signal });
      if (Array.isArray(body)) {
        return [...items, ...body];
      }
      items.push(...(body?.values ?? []));
      next = body?.links?.next
        ? new URL(body.links.next, url).toString()
        : undefined;
    }
    return items;
  }
}
