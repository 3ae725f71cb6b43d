import { Link, makeStyles, Tooltip } from '@material-ui/core';
import AcUnitIcon from '@material-ui/icons/AcUnit';
import { DateTime } from 'luxon';
import { formatTimeRange } from '../shared/time';
import { ChangeChip } from './ChangeChip';
import { freezeScopeText } from './freezeBands';
import type { ItopsCalendarDay, ItopsFreezeWindow } from './types';
import { DaySummary } from './DaySummary';
import { useGridNavigation } from './useGridNavigation';
import { freezeSegments, hourOnDay, layoutDay } from './weekLayout';

/** Pixels per hour: the whole day fits without an inner scroll bar. */
const HOUR = 28;
const HEADER = 40;
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    background: theme.palette.background.paper,
    border: `1px solid ${theme.palette.divider}`,
  },
  axis: { width: 56, flexShrink: 0, paddingTop: HEADER },
  hour: {
    height: HOUR,
    fontSize: '0.7rem',
    textAlign: 'right',
    paddingRight: theme.spacing(0.5),
    color: theme.palette.text.secondary,
    transform: 'translateY(-0.5em)',
    fontVariantNumeric: 'tabular-nums',
  },
  grid: {
    flexGrow: 1,
    display: 'grid',
    gridTemplateColumns: 'repeat(7, minmax(0, 1fr))',
    minWidth: 0,
  },
  row: { display: 'contents' },
  header: {
    height: HEADER,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    gap: theme.spacing(0.5),
    fontSize: '0.8rem',
    fontWeight: 600,
    borderLeft: `1px solid ${theme.palette.divider}`,
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  todayHeader: {
    color: theme.palette.primary.contrastText,
    background: theme.palette.primary.main,
  },
  day: {
    position: 'relative',
    height: HOUR * 24,
    borderLeft: `1px solid ${theme.palette.divider}`,
    // One line per hour, drawn by the background, not by 24 elements a day.
    backgroundImage: `repeating-linear-gradient(to bottom, ${theme.palette.divider} 0 1px, transparent 1px ${HOUR}px)`,
    '&:focus': { outline: 'none' },
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: -2,
    },
  },
  todayColumn: { boxShadow: `inset 0 0 0 2px ${theme.palette.primary.main}` },
  freeze: {
    position: 'absolute',
    left: 0,
    right: 0,
    backgroundImage: `repeating-linear-gradient(135deg, transparent 0 8px, ${theme.palette.info.light}33 8px 16px)`,
    borderTop: `2px solid ${theme.palette.info.main}`,
  },
  freezeLabel: {
    display: 'flex',
    alignItems: 'center',
    gap: 2,
    fontSize: '0.7rem',
    color: theme.palette.info.dark,
    background: theme.palette.background.paper,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    textOverflow: 'ellipsis',
  },
  block: {
    position: 'absolute',
    padding: '0 1px',
    boxSizing: 'border-box',
  },
  more: {
    position: 'absolute',
    bottom: 2,
    right: 2,
    zIndex: 1,
    fontSize: '0.75rem',
    background: theme.palette.background.paper,
  },
  now: {
    position: 'absolute',
    left: 0,
    right: 0,
    height: 2,
    background: theme.palette.error.main,
    pointerEvents: 'none',
  },
}));

/**
 * The week with a time axis in the user's zone: each change a block from
 * its start to its end (split at midnight when it runs over), overlapping
 * changes side by side, freeze windows shaded over the hours they cover,
 * today's column and the current time marked. Keyboard as in the month
 * grid: one tab stop, arrows between days and weeks, Enter opens the day.
 */
export function WeekView(props: {
  days: ItopsCalendarDay[];
  today: string;
  zone: string;
  freezes: ItopsFreezeWindow[];
  selected?: string;
  onOpen(id: string): void;
  onDay(date: string): void;
  onNavigate(date: string): void;
}) {
  const classes = useStyles();
  const { days, today, zone, freezes, onOpen } = props;
  const { current, cellProps } = useGridNavigation({
    dates: days.map(day => day.date),
    preferred: [props.selected ?? today, today],
    onNavigate: props.onNavigate,
    onEnter: props.onDay,
  });
  const now = DateTime.now().setZone(zone);
  return (
    <div className={classes.root}>
      {/* The hour labels repeat what each block's own text says. */}
      <div className={classes.axis} aria-hidden="true">
        {HOURS.map(hour => (
          <div key={hour} className={classes.hour}>
            {hour === 0
              ? ''
              : DateTime.fromObject({ hour }, { zone }).toLocaleString(
                  DateTime.TIME_SIMPLE,
                )}
          </div>
        ))}
      </div>
      <div className={classes.grid} role="grid" aria-label="week calendar">
        <div role="row" className={classes.row}>
          {days.map(day => (
            <div
              key={`h-${day.date}`}
              role="columnheader"
              className={`${classes.header} ${
                day.date === today ? classes.todayHeader : ''
              }`}
            >
              {DateTime.fromISO(day.date).toLocaleString({
                weekday: 'short',
                day: 'numeric',
                month: 'short',
              })}
              {day.date === today ? ' · Today' : ''}
            </div>
          ))}
        </div>
        <div role="row" className={classes.row}>
          {days.map(day => {
            const bands = freezeSegments(freezes, day.date, zone);
            const blocks = layoutDay(day.items, day.date, zone);
            const isToday = day.date === today;
            const inner = day.date === current ? 0 : -1;
            return (
              <div
                key={day.date}
                role="gridcell"
                {...cellProps(day.date)}
                data-testid={`day-${day.date}`}
                className={`${classes.day} ${
                  isToday ? classes.todayColumn : ''
                }`}
              >
                <DaySummary
                  date={day.date}
                  today={isToday}
                  total={day.total}
                  freezes={bands.map(band => band.window.name)}
                />
                {bands.map(({ window, top, bottom }) => (
                  <div
                    key={`${window.sourceType}-${window.externalId}-${window.start}`}
                    className={classes.freeze}
                    data-testid={`freeze-${day.date}`}
                    data-hours={`${top}-${bottom}`}
                    style={{ top: top * HOUR, height: (bottom - top) * HOUR }}
                  >
                    <Tooltip
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
                  </div>
                ))}
                {blocks.map(block => (
                  <div
                    key={block.change.id}
                    className={classes.block}
                    data-testid={`block-${block.change.number}`}
                    data-hours={`${block.top}-${block.bottom}`}
                    data-column={`${block.column}/${block.columns}`}
                    style={{
                      top: block.top * HOUR,
                      height: (block.bottom - block.top) * HOUR,
                      left: `${(block.column / block.columns) * 100}%`,
                      width: `${100 / block.columns}%`,
                    }}
                  >
                    <ChangeChip
                      change={block.change}
                      zone={zone}
                      day={day.date}
                      onOpen={onOpen}
                      tabIndex={inner}
                      style={{
                        height: '100%',
                        alignItems: 'flex-start',
                        whiteSpace: 'normal',
                      }}
                    />
                  </div>
                ))}
                {day.total > day.items.length && (
                  // More than a day's page of changes: the rest in the agenda.
                  <Link
                    component="button"
                    className={classes.more}
                    tabIndex={inner}
                    onClick={() => props.onDay(day.date)}
                  >
                    +{day.total - day.items.length} more
                  </Link>
                )}
                {isToday && (
                  <div
                    className={classes.now}
                    aria-hidden="true"
                    style={{
                      top: hourOnDay(now.toISO()!, day.date, zone) * HOUR,
                    }}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
