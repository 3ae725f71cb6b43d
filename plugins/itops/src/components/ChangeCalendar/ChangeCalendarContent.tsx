import { Progress } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  Button,
  ButtonGroup,
  IconButton,
  makeStyles,
  Typography,
} from '@material-ui/core';
import ChevronLeftIcon from '@material-ui/icons/ChevronLeft';
import ChevronRightIcon from '@material-ui/icons/ChevronRight';
import { DateTime } from 'luxon';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import { AgendaList } from './AgendaList';
import { CalendarFilters } from './CalendarFilters';
import {
  type CalendarState,
  type CalendarView,
  CALENDAR_VIEWS,
  filtersOf,
  parseCalendarState,
  periodLabel,
  periodOf,
  serializeCalendarState,
  shiftDate,
} from './calendarState';
import { TYPE_COLOURS } from './ChangeChip';
import { ChangeDrawer } from './ChangeDrawer';
import { DayGrid } from './DayGrid';
import { FeedDialog } from './FeedDialog';
import { WeekView } from './WeekView';
import type { ItopsCalendarChange } from './types';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  period: { minWidth: 220, fontWeight: 600 },
  spacer: { flexGrow: 1 },
  legend: {
    display: 'flex',
    gap: theme.spacing(2),
    fontSize: '0.75rem',
    margin: theme.spacing(1, 0),
  },
  swatch: {
    display: 'inline-block',
    width: 10,
    height: 10,
    marginRight: 4,
    borderRadius: 2,
  },
}));

/** Changes listed per day: a month cell has room for three. */
const PER_DAY: Record<Exclude<CalendarView, 'agenda'>, number> = {
  month: 3,
  week: 20,
};
const AGENDA_PAGE = 100;

/** The user's teams, for the "my teams" default. */
function useMyTeams(): { teams: string[]; loading: boolean } {
  const identityApi = useApi(identityApiRef);
  const { value, loading } = useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    return identity.ownershipEntityRefs.filter(ref => ref.startsWith('group:'));
  }, [identityApi]);
  return { teams: value ?? [], loading };
}

/**
 * The change calendar: month, week and agenda views of every change and
 * freeze window, filtered, with the state in the URL (`view`, `date`,
 * filters, the open change) so that any view can be linked to.
 */
export function ChangeCalendarContent() {
  const classes = useStyles();
  const api = useApi(itopsApiRef);
  const zone = DateTime.local().zoneName ?? 'UTC';
  const today = DateTime.local().toISODate()!;
  const [params, setParams] = useSearchParams();
  const state = parseCalendarState(params, today);
  const { teams, loading: teamsLoading } = useMyTeams();

  const update = useCallback(
    (patch: Partial<CalendarState>) =>
      setParams(
        serializeCalendarState({
          ...parseCalendarState(params, today),
          ...patch,
        }),
      ),
    [params, setParams, today],
  );

  const { start, end } = periodOf(state.view, state.date, zone);
  const range = useMemo(
    () => ({ from: start.toUTC().toISO()!, to: end.toUTC().toISO()! }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [start.toMillis(), end.toMillis()],
  );
  const filters = filtersOf(state, teams);
  const filterKey = JSON.stringify(filters);

  // Only "my teams" needs the user's teams; other filters ask at once.
  const waitingForTeams = teamsLoading && state.owner === 'mine';
  const days = useAsync(async () => {
    if (waitingForTeams || state.view === 'agenda') return undefined;
    const result = await api.getChangeCalendarDays({
      ...range,
      ...filters,
      timeZone: zone,
      perDay: PER_DAY[state.view],
    });
    return { ...result, view: state.view };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, range, filterKey, state.view, zone, waitingForTeams]);
  // While a new view loads, the previous answer must not be drawn in it
  // (a month's 35 days at week height).
  const daysOfView = days.value?.view === state.view ? days.value : undefined;

  const freezes = useAsync(() => api.getFreezeWindows(range), [api, range]);

  // The agenda pages through the list; a new period or filter starts over.
  const [agenda, setAgenda] = useState<{
    items: ItopsCalendarChange[];
    total: number;
  }>();
  const [agendaError, setAgendaError] = useState<Error>();
  const loadAgenda = useCallback(
    async (offset: number) => {
      try {
        const page = await api.getChangeCalendar({
          ...range,
          ...filters,
          limit: AGENDA_PAGE,
          offset,
        });
        setAgenda(previous => ({
          items:
            offset === 0
              ? page.items
              : [...(previous?.items ?? []), ...page.items],
          total: page.totalCount,
        }));
      } catch (error) {
        setAgendaError(error as Error);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, range, filterKey],
  );
  useEffect(() => {
    setAgenda(undefined);
    setAgendaError(undefined);
    if (state.view === 'agenda' && !waitingForTeams) loadAgenda(0);
  }, [state.view, loadAgenda, waitingForTeams]);

  const error = days.error ?? agendaError;
  const open = (id: string) => update({ change: id });

  return (
    <>
      <div className={classes.toolbar}>
        <Button
          variant="outlined"
          size="small"
          onClick={() => update({ date: today })}
        >
          Today
        </Button>
        <IconButton
          size="small"
          aria-label="previous period"
          onClick={() =>
            update({ date: shiftDate(state.view, state.date, -1) })
          }
        >
          <ChevronLeftIcon />
        </IconButton>
        <IconButton
          size="small"
          aria-label="next period"
          onClick={() => update({ date: shiftDate(state.view, state.date, 1) })}
        >
          <ChevronRightIcon />
        </IconButton>
        <Typography
          className={classes.period}
          aria-live="polite"
          data-testid="period"
        >
          {periodLabel(state.view, state.date, zone)}
        </Typography>
        <span className={classes.spacer} />
        <ButtonGroup size="small" aria-label="view">
          {CALENDAR_VIEWS.map(view => (
            <Button
              key={view}
              variant={state.view === view ? 'contained' : 'outlined'}
              color={state.view === view ? 'primary' : 'default'}
              aria-pressed={state.view === view}
              onClick={() => update({ view })}
            >
              {view[0].toUpperCase() + view.slice(1)}
            </Button>
          ))}
        </ButtonGroup>
        <FeedDialog filters={filters} />
      </div>
      <CalendarFilters
        state={state}
        hasTeams={teams.length > 0}
        onChange={patch => update(patch)}
      />
      <div className={classes.legend} aria-label="legend">
        {Object.entries(TYPE_COLOURS).map(([type, colour]) => (
          <span key={type}>
            <span className={classes.swatch} style={{ background: colour }} />
            {type}
          </span>
        ))}
        {daysOfView && (
          <span>{daysOfView.totalCount} changes in this period</span>
        )}
        {agenda && <span>{agenda.total} changes in this period</span>}
      </div>
      {error && <ItopsErrorPanel error={error} />}
      {!error && state.view !== 'agenda' && !daysOfView && <Progress />}
      {!error && state.view === 'month' && daysOfView && (
        <DayGrid
          variant="month"
          days={daysOfView.days}
          month={state.date.slice(0, 7)}
          today={today}
          zone={zone}
          freezes={freezes.value?.items ?? []}
          selected={state.date}
          onOpen={open}
          onMore={date => update({ view: 'agenda', date })}
          onNavigate={date => update({ date })}
        />
      )}
      {!error && state.view === 'week' && daysOfView && (
        <WeekView
          days={daysOfView.days}
          today={today}
          zone={zone}
          freezes={freezes.value?.items ?? []}
          selected={state.date}
          onOpen={open}
          onDay={date => update({ view: 'agenda', date })}
          onNavigate={date => update({ date })}
        />
      )}
      {!error && state.view === 'agenda' && !agenda && <Progress />}
      {!error && state.view === 'agenda' && agenda && (
        <AgendaList
          changes={agenda.items}
          zone={zone}
          today={today}
          onOpen={open}
          remaining={agenda.total - agenda.items.length}
          onLoadMore={() => loadAgenda(agenda.items.length)}
        />
      )}
      <ChangeDrawer
        changeId={state.change}
        zone={zone}
        onClose={() => update({ change: undefined })}
      />
    </>
  );
}
