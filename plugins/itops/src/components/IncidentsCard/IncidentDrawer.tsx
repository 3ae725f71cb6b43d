import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import useAsync from 'react-use/esm/useAsync';
import {
  type ItopsIncident,
  type ItopsLinkedChange,
  type ItopsOrigin,
  itopsApiRef,
} from '../../api';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';
import { sourceTitle } from '../shared/RecordLink';
import { RelativeTime } from '../shared/RelativeTime';
import { formatDateTime } from '../shared/time';
import { PRIORITY_LABELS, STATE_LABELS } from './incidentLabels';
import { LinkedChangesList } from './LinkedChangesList';

const useStyles = makeStyles(theme => ({
  paper: { width: 480, maxWidth: '100vw', padding: theme.spacing(2) },
  header: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-start',
  },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(0.5, 2),
    margin: theme.spacing(2, 0),
  },
  label: { color: theme.palette.text.secondary },
  section: { marginTop: theme.spacing(2) },
  timeline: { margin: 0, paddingLeft: theme.spacing(2.5) },
}));

const NOT_REPORTED = 'Not reported by source';

/** The SLA as the source reported it, never guessed from times. */
export function slaText(slaMet: boolean | undefined): string {
  if (slaMet === undefined) {
    return NOT_REPORTED;
  }
  return slaMet ? 'Met' : 'Breached';
}

type Step = { label: string; at?: string; detail?: string };

/** Opened → detected → assigned → acknowledged → resolved → closed, as known. */
function timelineOf(incident: ItopsIncident): Step[] {
  const open = ['new', 'in_progress', 'on_hold'].includes(incident.state);
  const steps: Step[] = [{ label: 'Opened', at: incident.openedAt }];
  if (incident.detectedAt) {
    steps.push({ label: 'Detected', at: incident.detectedAt });
  }
  if (incident.assignedAt) {
    steps.push({
      label: 'Assigned',
      at: incident.assignedAt,
      detail: incident.assignmentGroup && `to ${incident.assignmentGroup}`,
    });
  }
  steps.push({ label: 'Acknowledged', at: incident.acknowledgedAt });
  // An open incident is not resolved yet; a closed one without the time
  // was resolved, the source just did not say when.
  if (incident.resolvedAt || !open) {
    steps.push({ label: 'Resolved', at: incident.resolvedAt });
  }
  if (incident.closedAt) {
    steps.push({ label: 'Closed', at: incident.closedAt });
  }
  return steps;
}

function IncidentDetail(props: {
  incident: ItopsIncident;
  entityRefs: string[];
  linkedChanges: ItopsLinkedChange[];
  onClose(): void;
}) {
  const classes = useStyles();
  const { incident, entityRefs, linkedChanges, onClose } = props;
  const review = incident.postIncidentReview;
  const source = `${sourceTitle(incident.sourceType)} (${
    incident.sourceInstance
  })`;
  return (
    <div role="region" aria-label={`Incident ${incident.number}`}>
      <div className={classes.header}>
        <div>
          <Typography variant="h6" component="h2">
            {incident.number}
          </Typography>
          <Typography variant="subtitle1">{incident.title}</Typography>
        </div>
        <IconButton aria-label="Close incident detail" onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </div>
      <ul className={classes.chips} aria-label="Labels">
        <li>
          <Chip
            size="small"
            label={
              PRIORITY_LABELS[incident.priority] ?? `P${incident.priority}`
            }
          />
        </li>
        <li>
          <Chip
            size="small"
            label={STATE_LABELS[incident.state] ?? incident.state}
          />
        </li>
        {incident.major && (
          <li>
            <Chip size="small" label="Major incident" />
          </li>
        )}
        {incident.security && (
          <li>
            <Chip size="small" label="Security" />
          </li>
        )}
      </ul>
      <div className={classes.fields}>
        <span className={classes.label}>Assignment group</span>
        <span>{incident.assignmentGroup ?? NOT_REPORTED}</span>
        {incident.sourceState &&
          incident.sourceState !== STATE_LABELS[incident.state] && (
            <>
              <span className={classes.label}>State in source</span>
              <span>{incident.sourceState}</span>
            </>
          )}
        <span className={classes.label}>Resolution SLA</span>
        <span>{slaText(incident.slaMet)}</span>
        <span className={classes.label}>Source</span>
        <span>{source}</span>
      </div>

      <Typography variant="subtitle2" component="h3">
        Timeline
      </Typography>
      <ol className={classes.timeline} aria-label="Timeline">
        {timelineOf(incident).map(step => (
          <li key={step.label}>
            <Typography variant="body2">
              <strong>{step.label}</strong>{' '}
              {step.at ? (
                <>
                  {formatDateTime(step.at)} (<RelativeTime iso={step.at} />)
                </>
              ) : (
                <span>not yet, or not reported by source</span>
              )}
              {step.detail ? ` ${step.detail}` : ''}
            </Typography>
          </li>
        ))}
      </ol>

      <div className={classes.section}>
        <Typography variant="subtitle2" component="h3">
          Linked problem or review
        </Typography>
        {review ? (
          <Typography variant="body2">
            {review.url ? (
              <Link to={review.url} underline="always">
                {review.reference}
              </Link>
            ) : (
              review.reference
            )}
            {review.completed === undefined
              ? ''
              : ` (${review.completed ? 'completed' : 'in progress'})`}
            {review.rootCause ? `: ${review.rootCause}` : ''}
          </Typography>
        ) : (
          <Typography variant="body2">None linked in the source.</Typography>
        )}
      </div>

      <div className={classes.section}>
        <Typography variant="subtitle2" component="h3">
          Linked changes
        </Typography>
        <LinkedChangesList links={linkedChanges} />
      </div>

      <div className={classes.section}>
        <Typography variant="subtitle2" component="h3">
          Entities
        </Typography>
        {entityRefs.map(ref => (
          <Box key={ref}>
            <EntityRefLink entityRef={ref} />
          </Box>
        ))}
      </div>

      {incident.url && (
        <div className={classes.section}>
          <Link to={incident.url} underline="always">
            Open {incident.number} in {source}
          </Link>
        </div>
      )}
    </div>
  );
}

const useOpenerStyles = makeStyles({
  // A button that reads as the text it is, in a table cell or a list.
  open: {
    font: 'inherit',
    color: 'inherit',
    textAlign: 'left',
    background: 'none',
    border: 0,
    padding: 0,
    cursor: 'pointer',
    textDecoration: 'underline dotted',
  },
});

/** The incident's title as the button that opens its drawer. */
export function IncidentOpener(props: {
  incident: ItopsIncident;
  onOpen(incident: ItopsIncident): void;
}) {
  const classes = useOpenerStyles();
  const { incident, onOpen } = props;
  return (
    <button
      type="button"
      className={classes.open}
      aria-haspopup="dialog"
      title={`Details of ${incident.number}`}
      onClick={() => onOpen(incident)}
    >
      {incident.title}
    </button>
  );
}

/**
 * An incident's detail in a drawer: labels, timeline, SLA, linked problem
 * and changes, entities and the source record. Closed by Escape or the close button;
 * the drawer's modal returns focus to what opened it.
 */
export function IncidentDrawer(props: {
  /** The incident to show; the drawer is closed without one. */
  incident?: ItopsOrigin;
  onClose(): void;
}) {
  const classes = useStyles();
  const api = useApi(itopsApiRef);
  const { incident, onClose } = props;
  const detail = useAsync(
    async () => (incident ? api.getIncident(incident) : undefined),
    [api, incident?.sourceType, incident?.sourceInstance, incident?.externalId],
  );
  return (
    <Drawer
      anchor="right"
      open={Boolean(incident)}
      onClose={onClose}
      classes={{ paper: classes.paper }}
    >
      {detail.loading && <Progress />}
      {detail.error && <ItopsErrorPanel error={detail.error} />}
      {detail.value && (
        <IncidentDetail
          incident={detail.value.incident}
          entityRefs={detail.value.entityRefs}
          // An older backend sends no links.
          linkedChanges={detail.value.linkedChanges ?? []}
          onClose={onClose}
        />
      )}
    </Drawer>
  );
}
