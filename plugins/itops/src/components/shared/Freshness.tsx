import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import WarningIcon from '@material-ui/icons/Warning';
import useAsync from 'react-use/esm/useAsync';
import { type ItopsFreshness, itopsApiRef } from '../../api';
import { sourceTitle } from './RecordLink';
import { formatAge, formatDateTime } from './time';

const STALE_TEXT: Record<NonNullable<ItopsFreshness['staleReason']>, string> = {
  never_synced: 'never synced',
  last_run_failed: 'last sync failed',
  too_old: 'out of date',
};

const CAPABILITY_TEXT: Record<string, string> = {
  incidents: 'incidents',
  changes: 'changes',
  oncall: 'on-call',
  freezeWindows: 'freeze windows',
  backups: 'backups',
};

/** "synced 4 min ago", or why the data may be out of date. */
export function freshnessText(
  item: ItopsFreshness,
  now: number = Date.now(),
): string {
  const age = item.syncedAt
    ? `synced ${formatAge(item.syncedAt, now)} ago`
    : undefined;
  if (!item.stale) {
    return age ?? 'synced';
  }
  const reason = STALE_TEXT[item.staleReason ?? 'too_old'];
  return age ? `${age}, ${reason}` : reason;
}

/**
 * Freshness of every area the user may read, in one request the tab's
 * cards share (the client joins identical requests in flight). Best effort:
 * without an answer the cards just leave the line out.
 */
export function useFreshness(): ItopsFreshness[] | undefined {
  const api = useApi(itopsApiRef);
  const { value } = useAsync(
    () => api.getFreshness().catch(() => undefined),
    [api],
  );
  return value?.items;
}

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  stale: {
    color: theme.palette.warning.dark,
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
  icon: { fontSize: '1rem' },
}));

/**
 * One line per source instance behind the card: how long ago it synced,
 * with a warning when stale (never synced, last run failed, or older than
 * three sync intervals). Shown to every reader of the area; the reasons of
 * a failure stay with the sync-status permission.
 */
export function FreshnessNote(props: {
  capabilities: readonly string[];
  items: ItopsFreshness[] | undefined;
}) {
  const classes = useStyles();
  const rows = (props.items ?? []).filter(item =>
    props.capabilities.includes(item.capability),
  );
  if (rows.length === 0) {
    return null;
  }
  return (
    <Box mt={2}>
      <ul className={classes.list} aria-label="Data freshness">
        {rows.map(item => (
          <li key={`${item.capability}/${item.source}/${item.instance}`}>
            <Typography
              variant="caption"
              color="textSecondary"
              component="span"
              className={item.stale ? classes.stale : undefined}
              title={
                item.syncedAt
                  ? `Last successful sync ${formatDateTime(item.syncedAt)}`
                  : undefined
              }
            >
              {item.stale && (
                <WarningIcon className={classes.icon} aria-label="Stale" />
              )}
              {sourceTitle(item.source)} ({item.instance})
              {props.capabilities.length > 1
                ? ` ${CAPABILITY_TEXT[item.capability] ?? item.capability}`
                : ''}
              : {freshnessText(item)}
            </Typography>
          </li>
        ))}
      </ul>
    </Box>
  );
}
