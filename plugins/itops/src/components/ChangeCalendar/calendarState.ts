import { DateTime } from 'luxon';
import type { ItopsCalendarFilters } from './types';

export type CalendarView = 'month' | 'week' | 'agenda';
export const CALENDAR_VIEWS: readonly CalendarView[] = [
  'month',
  'week',
  'agenda',
];

/** Everything the page shows, as kept in the URL so views can be shared. */
export type CalendarState = {
  view: CalendarView;
  /** An ISO date inside the period shown. */
  date: string;
  /**
   * `mine`: the signed-in user's teams (the default); `all`: every owner;
   * otherwise the listed group refs.
   */
  owner: 'mine' | 'all' | string[];
  system: string[];
  entityRef: string[];
  source: string[];
  type: string[];
  state: string[];
  risk: string[];
  q: string;
  /** The change whose detail drawer is open. */
  change?: string;
};

const LIST_KEYS = [
  'system',
  'entityRef',
  'source',
  'type',
  'state',
  'risk',
] as const;

function list(value: string | null): string[] {
  return value ? value.split(',').filter(Boolean) : [];
}

function ownerOf(value: string | null): CalendarState['owner'] {
  if (value === null || value === 'mine') return 'mine';
  if (value === 'all') return 'all';
  return list(value);
}

/** Reads the state from the URL, falling back to the month of `today`. */
export function parseCalendarState(
  params: URLSearchParams,
  today: string,
): CalendarState {
  const view = params.get('view');
  const date = params.get('date');
  const owner = params.get('owner');
  return {
    view: CALENDAR_VIEWS.includes(view as CalendarView)
      ? (view as CalendarView)
      : 'month',
    date: date && DateTime.fromISO(date).isValid ? date : today,
    owner: ownerOf(owner),
    system: list(params.get('system')),
    entityRef: list(params.get('entityRef')),
    source: list(params.get('source')),
    type: list(params.get('type')),
    state: list(params.get('state')),
    risk: list(params.get('risk')),
    q: params.get('q') ?? '',
    change: params.get('change') ?? undefined,
  };
}

/** The URL form of the state; defaults are left out to keep links short. */
export function serializeCalendarState(state: CalendarState): URLSearchParams {
  const params = new URLSearchParams();
  params.set('view', state.view);
  params.set('date', state.date);
  if (state.owner !== 'mine') {
    params.set(
      'owner',
      Array.isArray(state.owner) ? state.owner.join(',') : state.owner,
    );
  }
  for (const key of LIST_KEYS) {
    if (state[key].length) params.set(key, state[key].join(','));
  }
  if (state.q) params.set('q', state.q);
  if (state.change) params.set('change', state.change);
  return params;
}

/**
 * The API filters of a state. "My teams" needs the user's groups: without
 * any (a guest, or a user in no team) it shows every team.
 */
export function filtersOf(
  state: CalendarState,
  myTeams: readonly string[],
): ItopsCalendarFilters {
  let owner: string[] = [];
  if (state.owner === 'mine') owner = [...myTeams];
  else if (Array.isArray(state.owner)) owner = state.owner;
  return {
    owner,
    system: state.system,
    entityRef: state.entityRef,
    source: state.source,
    type: state.type,
    state: state.state,
    risk: state.risk,
    q: state.q || undefined,
  };
}

/** The visible period of a view: whole weeks (Monday first) for a month. */
export function periodOf(
  view: CalendarView,
  date: string,
  zone: string,
): { start: DateTime; end: DateTime } {
  const day = DateTime.fromISO(date, { zone }).startOf('day');
  if (view === 'month') {
    return {
      start: day.startOf('month').startOf('week'),
      end: day.endOf('month').endOf('week').plus({ milliseconds: 1 }),
    };
  }
  if (view === 'week') {
    return {
      start: day.startOf('week'),
      end: day.startOf('week').plus({ weeks: 1 }),
    };
  }
  return { start: day, end: day.plus({ days: 14 }) };
}

/** The date one period before or after. */
export function shiftDate(
  view: CalendarView,
  date: string,
  step: 1 | -1,
): string {
  const units = {
    month: { months: step },
    week: { weeks: step },
    agenda: { days: 14 * step },
  };
  const unit = units[view];
  return DateTime.fromISO(date).plus(unit).toISODate()!;
}

/** "December 2026", "30 Nov – 6 Dec 2026", "1 – 14 Dec 2026". */
export function periodLabel(
  view: CalendarView,
  date: string,
  zone: string,
): string {
  const { start, end } = periodOf(view, date, zone);
  if (view === 'month') {
    return DateTime.fromISO(date, { zone }).toFormat('LLLL yyyy');
  }
  const last = end.minus({ days: 1 });
  return `${start.toFormat('d LLL')} – ${last.toFormat('d LLL yyyy')}`;
}
