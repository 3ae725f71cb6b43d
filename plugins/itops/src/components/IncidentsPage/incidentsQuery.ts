import type { ItopsIncidentQuery } from '../../api';

/** The incidents page's filters, all in the URL so a view can be shared. */
export interface IncidentsPageState {
  /** The team or service whose incidents are listed, e.g. `group:default/sre`. */
  entityRef?: string;
  state: NonNullable<ItopsIncidentQuery['state']>;
  /** Priorities 1–5 shown; empty means all. */
  priority: number[];
  page: number;
}

const STATES = new Set(['open', 'closed', 'all']);

export function parseIncidentsState(
  params: URLSearchParams,
): IncidentsPageState {
  const state = params.get('state') ?? 'open';
  const priority = (params.get('priority') ?? '')
    .split(',')
    .map(Number)
    .filter(p => Number.isInteger(p) && p >= 1 && p <= 5);
  const page = Number(params.get('page') ?? '1');
  return {
    entityRef: params.get('entityRef') || undefined,
    state: (STATES.has(state) ? state : 'open') as IncidentsPageState['state'],
    priority: [...new Set(priority)].sort(),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The URL parameters of a state, leaving defaults out. */
export function serializeIncidentsState(
  state: IncidentsPageState,
): URLSearchParams {
  const params = new URLSearchParams();
  if (state.entityRef) params.set('entityRef', state.entityRef);
  if (state.state !== 'open') params.set('state', state.state);
  if (state.priority.length) params.set('priority', state.priority.join(','));
  if (state.page > 1) params.set('page', String(state.page));
  return params;
}

/** Where the incidents page lists an entity's incidents, with filters. */
export function incidentsPagePath(
  entityRef: string,
  filters: Partial<Omit<IncidentsPageState, 'entityRef'>> = {},
): string {
  const params = serializeIncidentsState({
    state: 'open',
    priority: [],
    page: 1,
    ...filters,
    entityRef,
  });
  return `/itops/incidents?${params}`;
}
