import { makeStyles, Tooltip } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import AcUnitIcon from '@material-ui/icons/AcUnit';
import { DateTime } from 'luxon';
import type { CSSProperties } from 'react';
import { formatShortDateTime, formatTime } from '../shared/time';
import type { ItopsCalendarChange, ItopsChangeType } from './types';

/** One colour per change type, the same in every view and in the legend. */
export const TYPE_COLOURS: Record<ItopsChangeType, string> = {
  standard: '#2e7d32',
  normal: '#1565c0',
  emergency: '#c62828',
};

const useStyles = makeStyles(theme => ({
  chip: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    width: '100%',
    border: 'none',
    borderLeft: '4px solid',
    borderRadius: 3,
    padding: theme.spacing(0.25, 0.5),
    marginBottom: 2,
    background: theme.palette.background.default,
    color: theme.palette.text.primary,
    font: 'inherit',
    fontSize: '0.75rem',
    textAlign: 'left',
    cursor: 'pointer',
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    textOverflow: 'ellipsis',
    '&:hover': { background: theme.palette.action.hover },
  },
  text: { overflow: 'hidden', textOverflow: 'ellipsis' },
  // Struck through, not faded or grey: either falls below 4.5:1 on the
  // chip's background.
  cancelled: { textDecoration: 'line-through' },
  flag: { fontSize: '0.9rem', flexShrink: 0 },
  conflict: { color: theme.palette.warning.main },
  freeze: { color: theme.palette.info.main },
}));

/** Conflict and freeze flags, with the reason in a tooltip. */
export function ChangeFlags(props: { change: ItopsCalendarChange }) {
  const classes = useStyles();
  const { change } = props;
  return (
    <>
      {change.conflictCount > 0 && (
        <Tooltip
          title={`Conflicts with ${change.conflictCount} other change${
            change.conflictCount === 1 ? '' : 's'
          } on the same or related entities`}
        >
          <WarningIcon
            aria-label={`${change.conflictCount} conflicts`}
            className={`${classes.flag} ${classes.conflict}`}
          />
        </Tooltip>
      )}
      {change.freezes.length > 0 && (
        <Tooltip title={`Planned in freeze: ${change.freezes.join(', ')}`}>
          <AcUnitIcon
            aria-label={`In freeze ${change.freezes.join(', ')}`}
            className={`${classes.flag} ${classes.freeze}`}
          />
        </Tooltip>
      )}
    </>
  );
}

/**
 * A change in a calendar cell: type colour, start, number, title and flags.
 * A change still running from an earlier day shows its start date too, so
 * that "20:11" in a cell is never read as that day's evening.
 */
export function ChangeChip(props: {
  change: ItopsCalendarChange;
  zone: string;
  /** The cell's day, `2026-11-25`. */
  day: string;
  onOpen(id: string): void;
  /** -1 outside the grid's active cell: the grid is one tab stop. */
  tabIndex?: number;
  /** The week view's placement of the block. */
  style?: CSSProperties;
}) {
  const classes = useStyles();
  const { change, zone, day, onOpen, tabIndex, style } = props;
  const planned = DateTime.fromISO(change.plannedStart, { zone });
  const start =
    planned.toISODate() === day
      ? formatTime(change.plannedStart, zone)
      : `since ${formatShortDateTime(change.plannedStart, zone)}`;
  return (
    <button
      type="button"
      className={`${classes.chip} ${
        change.state === 'cancelled' ? classes.cancelled : ''
      }`}
      style={{ ...style, borderLeftColor: TYPE_COLOURS[change.type] }}
      tabIndex={tabIndex}
      title={`${change.number} ${change.title} (${change.type}, ${change.state})`}
      onClick={() => onOpen(change.id)}
      data-testid={`change-${change.number}`}
    >
      <ChangeFlags change={change} />
      <span className={classes.text}>
        {start} <strong>{change.number}</strong> {change.title}
      </span>
    </button>
  );
}
