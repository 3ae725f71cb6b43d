import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({
  text: {
    display: 'block',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
});

/**
 * A name on one line, cut with an ellipsis where it does not fit and shown
 * whole in a tooltip; the text itself stays whole in the page, so that
 * screen readers and search read all of it.
 */
export function Truncated(props: { text: string; maxWidth?: number | string }) {
  const classes = useStyles();
  return (
    <Tooltip title={props.text}>
      <span className={classes.text} style={{ maxWidth: props.maxWidth }}>
        {props.text}
      </span>
    </Tooltip>
  );
}
