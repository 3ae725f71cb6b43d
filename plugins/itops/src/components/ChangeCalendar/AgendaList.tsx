import {
  Button,
  Chip,
  List,
  ListItem,
  ListItemText,
  ListSubheader,
  makeStyles,
  Typography,
} from '@material-ui/core';
import { useMemo } from 'react';
import { DateTime } from 'luxon';
import { codeLabel } from '../shared/labels';
import { formatLongDate, formatTimeRange } from '../shared/time';
import { ChangeFlags, TYPE_COLOURS } from './ChangeChip';
import type { ItopsCalendarChange } from './types';

const useStyles = makeStyles(theme => ({
  day: { background: theme.palette.background.paper, fontWeight: 600 },
  today: { color: theme.palette.primary.main },
  row: { borderLeft: '4px solid', marginBottom: 2, gap: theme.spacing(1) },
  time: { minWidth: 170, fontVariantNumeric: 'tabular-nums' },
  type: { color: '#fff', height: 20 },
  item: { listStyle: 'none' },
}));

/** A change's planned window in the zone and the user's locale. */
export function windowText(
  change: { plannedStart?: string; plannedEnd?: string },
  zone: string,
): string {
  if (!change.plannedStart) return 'not planned';
  return formatTimeRange(change.plannedStart, change.plannedEnd, zone);
}

/**
 * Changes as a list grouped by the day they start, today marked; the agenda
 * view and the entity-scoped calendar.
 */
export function AgendaList(props: {
  changes: ItopsCalendarChange[];
  zone: string;
  today: string;
  onOpen(id: string): void;
  /** Shown when more pages exist. */
  onLoadMore?: () => void;
  remaining?: number;
  dense?: boolean;
}) {
  const classes = useStyles();
  const { changes, zone, today, onOpen, onLoadMore, remaining, dense } = props;
  // Grouped once per page of changes, not on every render: a long agenda
  // holds thousands after a few "Load more".
  const byDay = useMemo(() => {
    const groups = new Map<string, ItopsCalendarChange[]>();
    for (const change of changes) {
      const day = DateTime.fromISO(change.plannedStart, { zone }).toISODate()!;
      const list = groups.get(day);
      if (list) list.push(change);
      else groups.set(day, [change]);
    }
    return groups;
  }, [changes, zone]);
  if (changes.length === 0) {
    return (
      <Typography color="textSecondary">
        No changes planned in this period.
      </Typography>
    );
  }
  return (
    <List dense={dense} aria-label="agenda">
      {[...byDay.entries()].map(([day, list]) => (
        <li key={day}>
          <ul style={{ padding: 0 }}>
            <ListSubheader
              className={`${classes.day} ${day === today ? classes.today : ''}`}
            >
              {formatLongDate(day)}
              {day === today ? ' · Today' : ''}
            </ListSubheader>
            {list.map(change => (
              // The button inside a list item: a list holds only items.
              <li key={change.id} className={classes.item}>
                <ListItem
                  button
                  className={classes.row}
                  style={{ borderLeftColor: TYPE_COLOURS[change.type] }}
                  onClick={() => onOpen(change.id)}
                  data-testid={`agenda-${change.number}`}
                >
                  <Typography variant="body2" className={classes.time}>
                    {windowText(change, zone)}
                  </Typography>
                  <ListItemText
                    primary={`${change.number} ${change.title}`}
                    secondary={[
                      codeLabel(change.state),
                      change.risk
                        ? `risk ${codeLabel(change.risk).toLocaleLowerCase(
                            'en-US',
                          )}`
                        : undefined,
                      change.entityRefs.join(', ') || undefined,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  />
                  <ChangeFlags change={change} />
                  <Chip
                    size="small"
                    label={codeLabel(change.type)}
                    className={classes.type}
                    style={{ background: TYPE_COLOURS[change.type] }}
                  />
                </ListItem>
              </li>
            ))}
          </ul>
        </li>
      ))}
      {onLoadMore && remaining !== undefined && remaining > 0 && (
        <li className={classes.item}>
          <Button onClick={onLoadMore}>
            Load {Math.min(remaining, 100)} more
          </Button>
        </li>
      )}
    </List>
  );
}
