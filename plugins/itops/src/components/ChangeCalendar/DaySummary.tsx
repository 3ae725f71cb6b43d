import { makeStyles } from '@material-ui/core';
import { dayCellLabel } from './useGridNavigation';

const useStyles = makeStyles({
  // Read by assistive technology, not drawn (the usual clip pattern).
  hidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    margin: -1,
    padding: 0,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
});

/**
 * The first words of a day cell's accessible name. The cell takes its name
 * from its content rather than from `aria-label`: a label would hide the
 * changes drawn in the cell from the name, which axe reports as a mismatch
 * between what is seen and what is announced.
 */
export function DaySummary(props: {
  date: string;
  today: boolean;
  total: number;
  freezes: readonly string[];
}) {
  const classes = useStyles();
  const { date, ...details } = props;
  return (
    <span className={classes.hidden} data-day-summary>
      {`${dayCellLabel(date, details)}. `}
    </span>
  );
}
