import { Link, makeStyles, Tooltip, Typography } from '@material-ui/core';
import AcUnitIcon from '@material-ui/icons/AcUnit';
import { DateTime } from 'luxon';
import { formatTimeRange } from '../shared/time';
import { ChangeChip } from './ChangeChip';
import { freezeScopeText, freezesOnDay } from './freezeBands';
import type { ItopsCalendarDay, ItopsFreezeWindow } from './types';
import { DaySummary } from './DaySummary';
import { useGridNavigation } from './useGridNavigation';

const useStyles = makeStyles(theme => ({
  grid: {
    display: 'grid',
    // The paper colour under the weekday names keeps their contrast ≥ 4.5:1.
    background: theme.palette.background.paper,
    gridTemplateColumns: 'repeat(7, minmax(0, 1fr))',
    borderTop: `1px solid ${theme.palette.divider}`,
    borderLeft: `1px solid ${theme.palette.divider}`,
  },
  weekday: {
    padding: theme.spacing(0.5),
    borderRight: `1px solid ${theme.palette.divider}`,
    borderBottom: `1px solid ${theme.palette.divider}`,
    fontWeight: 600,
    fontSize: '0.75rem',
    textTransform: 'uppercase',
    color: theme.palette.text.secondary,
  },
  cell: {
    position: 'relative',
    padding: theme.spacing(0.5),
    borderRight: `1px solid ${theme.palette.divider}`,
    borderBottom: `1px solid ${theme.palette.divider}`,
    overflow: 'hidden',
  },
  // Rows group the cells for assistive technology (a grid is made of rows)
  // without taking part in the CSS grid's layout.
  row: { display: 'contents' },
  month: { minHeight: 120 },
  week: { minHeight: 400 },
  // Days of the neighbouring months: shaded, their text kept at full
  // contrast (an opacity would take chips below 4.5:1).
  outside: { background: theme.palette.action.hover },
  frozen: {
    // The shaded band of a freeze window.
    backgroundImage: `repeating-linear-gradient(135deg, transparent 0 8px, ${theme.palette.info.light}33 8px 16px)`,
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
  },
  date: { fontSize: '0.8rem', fontWeight: 600 },
  focusable: {
    '&:focus': { outline: 'none' },
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: -2,
    },
  },
  today: {
    background: theme.palette.primary.main,
    color: theme.palette.primary.contrastText,
    borderRadius: '50%',
    padding: '0 6px',
  },
  todayCell: { boxShadow: `inset 0 3px 0 ${theme.palette.primary.main}` },
  freezeLabel: {
    display: 'flex',
    alignItems: 'center',
    gap: 2,
    fontSize: '0.7rem',
    color: theme.palette.info.dark,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    textOverflow: 'ellipsis',
  },
  more: { fontSize: '0.75rem', cursor: 'pointer' },
}));

/**
 * Days in a 7-column grid: the month view (whole weeks), or one week of
 * day cells. Each day shows its first changes, "+N more" for the rest, the
 * freeze windows covering it as a shaded band, and today is marked. The
 * grid is one tab stop; arrows, Home/End and PageUp/PageDown move between
 * days (into the next period past the edge), Enter opens the day.
 */
export function DayGrid(props: {
  variant: 'month' | 'week';
  days: ItopsCalendarDay[];
  /** The month shown; days outside it are dimmed. */
  month?: string;
  today: string;
  zone: string;
  freezes: ItopsFreezeWindow[];
  onOpen(id: string): void;
  /** Opens the day: "+N more", or Enter on its cell. */
  onMore(date: string): void;
  /** The day to focus first (the URL's date) when shown. */
  selected?: string;
  /** Asks for the period holding `date`, when the focus moves past the grid. */
  onNavigate?(date: string): void;
}) {
  const classes = useStyles();
  const { variant, days, month, today, zone, freezes, onOpen, onMore } = props;
  const { current, cellProps } = useGridNavigation({
    dates: days.map(day => day.date),
    preferred: [props.selected ?? today, today],
    onNavigate: date => props.onNavigate?.(date),
    onEnter: onMore,
  });
  return (
    <div
      className={classes.grid}
      role="grid"
      aria-label={`${variant} calendar`}
    >
      <div role="row" className={classes.row}>
        {days.slice(0, 7).map(day => (
          <div
            key={`h-${day.date}`}
            className={classes.weekday}
            role="columnheader"
          >
            {DateTime.fromISO(day.date).toFormat(
              variant === 'week' ? 'ccc d LLL' : 'ccc',
            )}
          </div>
        ))}
      </div>
      {weeksOf(days).map(week => (
        <div role="row" className={classes.row} key={`w-${week[0].date}`}>
          {week.map(day => {
            const inFreeze = freezesOnDay(freezes, day.date, zone);
            const isToday = day.date === today;
            const outside = month !== undefined && !day.date.startsWith(month);
            const hidden = day.total - day.items.length;
            const inner = day.date === current ? 0 : -1;
            return (
              <div
                key={day.date}
                role="gridcell"
                {...cellProps(day.date)}
                data-testid={`day-${day.date}`}
                className={[
                  classes.focusable,
                  classes.cell,
                  classes[variant],
                  outside ? classes.outside : '',
                  inFreeze.length ? classes.frozen : '',
                  isToday ? classes.todayCell : '',
                ].join(' ')}
              >
                <DaySummary
                  date={day.date}
                  today={isToday}
                  total={day.total}
                  freezes={inFreeze.map(window => window.name)}
                />
                <div className={classes.header} aria-hidden="true">
                  <span
                    aria-hidden="true"
                    className={`${classes.date} ${
                      isToday ? classes.today : ''
                    }`}
                  >
                    {DateTime.fromISO(day.date).day}
                  </span>
                  {isToday && <Typography variant="caption">Today</Typography>}
                </div>
                {inFreeze.map(window => (
                  <Tooltip
                    key={`${window.sourceType}-${window.externalId}`}
                    title={`${window.name}: ${formatTimeRange(
                      window.start,
                      window.end,
                      zone,
                    )}, applies to ${freezeScopeText(window)}`}
                  >
                    <div className={classes.freezeLabel} aria-hidden="true">
                      <AcUnitIcon style={{ fontSize: '0.8rem' }} />
                      {window.name}
                    </div>
                  </Tooltip>
                ))}
                {day.items.map(change => (
                  <ChangeChip
                    key={change.id}
                    change={change}
                    zone={zone}
                    day={day.date}
                    onOpen={onOpen}
                    tabIndex={inner}
                  />
                ))}
                {hidden > 0 && (
                  <Link
                    component="button"
                    className={classes.more}
                    tabIndex={inner}
                    onClick={() => onMore(day.date)}
                  >
                    +{hidden} more
                  </Link>
                )}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}

/** The days in rows of seven, as the grid shows them. */
function weeksOf(days: ItopsCalendarDay[]): ItopsCalendarDay[][] {
  const weeks: ItopsCalendarDay[][] = [];
  for (let i = 0; i < days.length; i += 7) {
    weeks.push(days.slice(i, i + 7));
  }
  return weeks;
}
