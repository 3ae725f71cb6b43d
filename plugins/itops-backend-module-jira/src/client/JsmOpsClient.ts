import {
  type SourceHttpClient,
  SourceRequestError,
} from '@backstage-itops/plugin-itops-node';

/** What the unverified timeline call gave: rotations, or why not. */
export type TimelineAnswerOrRefusal =
  | { rotations: OpsRotation[] }
  | { refused: string };

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
  /** `user`, `team`, `escalation` (or `schedule`). */
  type?: string;
  name?: string;
  /** Teams and escalations, with `flat=false`: who they resolve to now. */
  onCallParticipants?: OpsParticipant[];
  /** Within an escalation: minutes after the alert that this one is notified. */
  escalationTime?: number;
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

/** `/on-calls` and `/next-on-calls`, bare or in Opsgenie's `data` envelope. */
interface OnCallsAnswer {
  onCallParticipants?: OpsParticipant[];
  nextOnCallParticipants?: OpsParticipant[];
  data?: {
    onCallParticipants?: OpsParticipant[];
    nextOnCallParticipants?: OpsParticipant[];
  };
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

  /**
   * Who is on call at `date` (documented `GET …/on-calls`). `flat=false`
   * keeps the participants' types, so that teams and escalations come with
   * the people they resolve to instead of as bare names.
   */
  async onCalls(
    scheduleId: string,
    date: Date,
    signal?: AbortSignal,
  ): Promise<OpsParticipant[]> {
    const body = await this.#onCalls(scheduleId, 'on-calls', date, signal);
    return body?.onCallParticipants ?? body?.data?.onCallParticipants ?? [];
  }

  /** Who takes over after the shift running at `date` (documented `GET …/next-on-calls`). */
  async nextOnCalls(
    scheduleId: string,
    date: Date,
    signal?: AbortSignal,
  ): Promise<OpsParticipant[]> {
    const body = await this.#onCalls(scheduleId, 'next-on-calls', date, signal);
    return (
      body?.nextOnCallParticipants ?? body?.data?.nextOnCallParticipants ?? []
    );
  }

  async #onCalls(
    scheduleId: string,
    endpoint: 'on-calls' | 'next-on-calls',
    date: Date,
    signal?: AbortSignal,
  ): Promise<OnCallsAnswer | undefined> {
    const { body } = await this.#http.json<OnCallsAnswer>(
      `${this.#base}/schedules/${encodeURIComponent(scheduleId)}/${endpoint}`,
      { query: { flat: false, date: date.toISOString() }, signal },
    );
    return body;
  }

  /**
   * The rotations' shifts overlapping [from, from + days), from
   * `GET …/timeline`, a path Atlassian's reference does not confirm:
   * undefined when the service answers 404 (or 405/501), so that callers
   * fall back to the documented calls.
   */
  async timeline(
    scheduleId: string,
    from: Date,
    days: number,
    signal?: AbortSignal,
  ): Promise<TimelineAnswerOrRefusal> {
    // The path is unverified ([U]): any refusal, a 5xx or rate limit after
    // the retries, or an answer of another shape, sends the caller to the
    // documented calls instead of failing the run.
    let response;
    try {
      response = await this.#http.json<TimelineAnswer>(
        `${this.#base}/schedules/${encodeURIComponent(scheduleId)}/timeline`,
        {
          query: {
            date: from.toISOString(),
            interval: days,
            intervalUnit: 'days',
          },
          acceptStatuses: [400, 403, 404, 405, 501],
          signal,
        },
      );
    } catch (error) {
      if (signal?.aborted || !(error instanceof SourceRequestError)) {
        throw error;
      }
      return { refused: error.status ? `HTTP ${error.status}` : 'no answer' };
    }
    if (response.status !== 200) {
      return { refused: `HTTP ${response.status}` };
    }
    const rotations =
      response.body?.finalTimeline?.rotations ??
      response.body?.data?.finalTimeline?.rotations;
    return Array.isArray(rotations)
      ? { rotations }
      : { refused: 'an answer without rotations' };
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
      // One by one: a page may hold more than a call takes as arguments.
      for (const item of body?.values ?? []) items.push(item);
      next = body?.links?.next
        ? new URL(body.links.next, url).toString()
        : undefined;
    }
    return items;
  }
}
