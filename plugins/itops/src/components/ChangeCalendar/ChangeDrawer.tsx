import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Box,
  Chip,
  Drawer,
  IconButton,
  makeStyles,
  Typography,
} from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import { sourceTitle } from '../shared/RecordLink';
import { codeLabel } from '../shared/labels';
import { windowText } from './AgendaList';
import { TYPE_COLOURS } from './ChangeChip';
import { freezeScopeText } from './freezeBands';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';

const useStyles = makeStyles(theme => ({
  paper: { width: 480, maxWidth: '100vw', padding: theme.spacing(2) },
  header: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-start',
  },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(0.5, 2),
    margin: theme.spacing(2, 0),
  },
  label: { color: theme.palette.text.secondary },
  section: { marginTop: theme.spacing(2) },
}));

/** The detail of one change: approval, implementer, entities, conflicts, outcome. */
export function ChangeDrawer(props: {
  changeId?: string;
  zone: string;
  onClose(): void;
}) {
  const classes = useStyles();
  const api = useApi(itopsApiRef);
  const { changeId, zone, onClose } = props;
  const detail = useAsync(
    async () => (changeId ? api.getCalendarChange(changeId) : undefined),
    [api, changeId],
  );
  const value = detail.value;
  return (
    <Drawer
      anchor="right"
      open={Boolean(changeId)}
      onClose={onClose}
      classes={{ paper: classes.paper }}
    >
      {detail.loading && <Progress />}
      {detail.error && <ItopsErrorPanel error={detail.error} />}
      {value && (
        <div role="region" aria-label="change detail">
          <div className={classes.header}>
            <div>
              <Typography variant="h6">
                {value.change.url ? (
                  <Link to={value.change.url}>{value.change.number}</Link>
                ) : (
                  value.change.number
                )}
              </Typography>
              <Typography variant="subtitle1">{value.change.title}</Typography>
            </div>
            <IconButton aria-label="close" onClick={onClose}>
              <CloseIcon />
            </IconButton>
          </div>
          <Chip
            size="small"
            label={value.change.type}
            style={{
              background: TYPE_COLOURS[value.change.type],
              color: '#fff',
            }}
          />
          <div className={classes.fields}>
            <span className={classes.label}>State</span>
            <span>
              {codeLabel(value.change.state)}
              {value.change.sourceState ? ` (${value.change.sourceState})` : ''}
            </span>
            <span className={classes.label}>Risk</span>
            <span>{codeLabel(value.change.risk)}</span>
            <span className={classes.label}>Planned</span>
            <span>{windowText(value.change, zone)}</span>
            {value.change.actualStart && (
              <>
                <span className={classes.label}>Actual</span>
                <span>
                  {windowText(
                    {
                      plannedStart: value.change.actualStart,
                      plannedEnd: value.change.actualEnd,
                    },
                    zone,
                  )}
                </span>
              </>
            )}
            <span className={classes.label}>Approval</span>
            <span>{codeLabel(value.change.approval)}</span>
            <span className={classes.label}>Implementer</span>
            <span>{value.change.implementerGroup ?? '—'}</span>
            {(value.change.outcome || value.change.sourceOutcome) && (
              <>
                <span className={classes.label}>Outcome</span>
                <span>
                  {codeLabel(
                    value.change.outcome ?? value.change.sourceOutcome,
                  )}
                </span>
              </>
            )}
            <span className={classes.label}>Source</span>
            <span>
              {sourceTitle(value.change.sourceType)} (
              {value.change.sourceInstance})
            </span>
          </div>

          <Typography variant="subtitle2">Affected entities</Typography>
          {value.entities.length === 0 && (
            <Typography variant="body2">None mapped</Typography>
          )}
          {value.entities.map(entity => (
            <Box key={entity.entityRef}>
              <EntityRefLink
                entityRef={entity.entityRef}
                title={entity.title}
              />
              {entity.ownerRef && (
                <Typography variant="caption" color="textSecondary">
                  {' '}
                  owned by <EntityRefLink entityRef={entity.ownerRef} />
                </Typography>
              )}
            </Box>
          ))}

          <div className={classes.section}>
            <Typography variant="subtitle2">
              Conflicts ({value.conflicts.length})
            </Typography>
            {value.conflicts.length === 0 && (
              <Typography variant="body2">
                No overlapping change on these or related entities.
              </Typography>
            )}
            {value.conflicts.map(conflict => (
              <Typography key={conflict.changeId} variant="body2" paragraph>
                {conflict.reason}
              </Typography>
            ))}
          </div>

          <div className={classes.section}>
            <Typography variant="subtitle2">Freeze windows</Typography>
            {value.freezes.length === 0 && (
              <Typography variant="body2">Not planned in a freeze.</Typography>
            )}
            {value.freezes.map(window => (
              <Typography
                key={`${window.sourceType}-${window.externalId}`}
                variant="body2"
                paragraph
              >
                <strong>{window.name}</strong>:{' '}
                {windowText(
                  { plannedStart: window.start, plannedEnd: window.end },
                  zone,
                )}
                , applies to {freezeScopeText(window)}
              </Typography>
            ))}
          </div>
        </div>
      )}
    </Drawer>
  );
}
