import { Link } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { ItopsLinkedChange } from '../../api';
import { codeLabel } from '../shared/labels';
import { formatTimeRange } from '../shared/time';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, paddingLeft: theme.spacing(2.5) },
  meta: { color: theme.palette.text.secondary },
}));

const RELATIONS: Record<ItopsLinkedChange['relation'], string> = {
  caused_by: 'Caused by',
  related: 'Related',
};

/** Why a linked change is shown as its bare reference. */
const UNRESOLVED: Record<
  NonNullable<ItopsLinkedChange['unresolved']>,
  string
> = {
  not_synced: 'not synced or not visible to ITOps',
  not_permitted: 'you may not read changes in ITOps',
};

function LinkedChangeItem(props: { link: ItopsLinkedChange }) {
  const classes = useStyles();
  const { link } = props;
  const { change } = link;
  const url = change?.url ?? link.url;
  const name = change?.number ?? link.reference;
  return (
    <li>
      <Typography variant="body2">
        {RELATIONS[link.relation]}:{' '}
        {url ? (
          <Link to={url} underline="always">
            {name}
          </Link>
        ) : (
          name
        )}
        {change ? ` ${change.title}` : ''}
      </Typography>
      <Typography variant="body2" className={classes.meta}>
        {change
          ? [
              codeLabel(change.state),
              change.plannedStart
                ? `planned ${formatTimeRange(
                    change.plannedStart,
                    change.plannedEnd,
                  )}`
                : 'no planned window',
            ].join(' · ')
          : UNRESOLVED[link.unresolved ?? 'not_synced']}
      </Typography>
    </li>
  );
}

/**
 * The changes the source links to an incident: the synced change's number,
 * title, state and planned window where ITOps has it, else the bare
 * reference and why nothing more is shown.
 */
export function LinkedChangesList(props: {
  links: readonly ItopsLinkedChange[];
}) {
  const classes = useStyles();
  if (props.links.length === 0) {
    return <Typography variant="body2">None linked in the source.</Typography>;
  }
  return (
    <ul className={classes.list} aria-label="Linked changes">
      {props.links.map(link => (
        <LinkedChangeItem key={link.externalId} link={link} />
      ))}
    </ul>
  );
}
