import type { IssueRecord } from './issue';
import type { PriorityName } from './site';
import { HOUR, jsmDate, jsmDuration, MINUTE } from './time';

/**
 * JSM's default SLAs, "Time to first response" and "Time to resolution",
 * with goals by priority on a 24/7 calendar. Changes carry no SLA.
 */

interface SlaMetric {
  id: string;
  name: string;
  goals: Record<PriorityName, number>;
  stop(issue: IssueRecord): number | null;
  /** Status names during which the clock is paused. */
  pausedIn: string[];
}

const METRICS: SlaMetric[] = [
  {
    id: '1',
    name: 'Time to first response',
    goals: {
      Highest: 30 * MINUTE,
      High: HOUR,
      Medium: 4 * HOUR,
      Low: 8 * HOUR,
      Lowest: 24 * HOUR,
    },
    stop: issue => issue.firstResponse ?? issue.resolved,
    pausedIn: [],
  },
  {
    id: '2',
    name: 'Time to resolution',
    goals: {
      Highest: 4 * HOUR,
      High: 8 * HOUR,
      Medium: 24 * HOUR,
      Low: 72 * HOUR,
      Lowest: 120 * HOUR,
    },
    stop: issue => issue.resolved,
    pausedIn: ['Pending'],
  },
];

export function slaMetricIds(issue: IssueRecord): string[] {
  return issue.issueType === 'Change' ? [] : METRICS.map(metric => metric.id);
}

/** One SLA of a request: its completed cycle or its ongoing one. */
export function renderSla(
  issue: IssueRecord,
  metricId: string,
  now: number,
  baseUrl: string,
) {
  const metric = METRICS.find(m => m.id === metricId);
  if (!metric || !slaMetricIds(issue).includes(metricId)) {
    return undefined;
  }
  const goal = metric.goals[issue.priority];
  const start = issue.created;
  const stop = metric.stop(issue);
  const elapsed = (stop ?? now) - start;
  const cycle = {
    startTime: jsmDate(start, now),
    breachTime: jsmDate(start + goal, now),
    breached: elapsed > goal,
    goalDuration: jsmDuration(goal),
    elapsedTime: jsmDuration(elapsed),
    remainingTime: jsmDuration(goal - elapsed),
  };
  return {
    id: metric.id,
    name: metric.name,
    _links: {
      self: `${baseUrl}/rest/servicedeskapi/request/${issue.id}/sla/${metric.id}`,
    },
    completedCycles:
      stop === null ? [] : [{ ...cycle, stopTime: jsmDate(stop, now) }],
    ...(stop === null
      ? {
          ongoingCycle: {
            ...cycle,
            paused: metric.pausedIn.includes(issue.status),
            withinCalendarHours: true,
          },
        }
      : {}),
    slaDisplayFormat: 'NEW_SLA_FORMAT',
  };
}
