import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  type ItopsApi,
  type ItopsEntitySummary,
  type ItopsIncident,
  isForbidden,
} from '../../api';
import { PriorityCounts } from '../IncidentsCard/IncidentsCard';
import { RecordLink } from './RecordLink';
import { formatAge, formatDateTime } from './time';

/** Newest open incidents listed per entity. */
const NEWEST_PER_ENTITY = 3;

/** On-call now and open incidents of one entity, from its summary. */
export interface EntityOverview {
  entityRef: string;
  summary: ItopsEntitySummary;
  newest: ItopsIncident[];
}

/**
 * The overviews of several entities (a person's teams, a domain's
 * systems). Entities unknown to ITOps (404) are left out; other errors
 * fail the whole list, as a partial list would read as complete.
 */
export async function loadEntityOverviews(
  api: ItopsApi,
  entityRefs: string[],
): Promise<EntityOverview[]> {
  const overviews = await Promise.all(
    entityRefs.map(async entityRef => {
      try {
        const summary = await api.getEntitySummary(entityRef);
        const newest = isForbidden(summary.incidents)
          ? []
          : (
              await api.getEntityIncidents(entityRef, {
                state: 'open',
                sort: '-opened_at',
                limit: NEWEST_PER_ENTITY,
              })
            ).items;
        return { entityRef, summary, newest };
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) {
          return undefined;
        }
        throw error;
      }
    }),
  );
  return overviews.filter(
    (overview): overview is EntityOverview => overview !== undefined,
  );
}

/**
 * One entity's on-call now and open incidents, as a section named
 * `<label> <entityRef>` (e.g. "Team group:default/payments-team").
 */
export function EntityOverviewSection(props: {
  overview: EntityOverview;
  label: string;
  /** The signed-in user's email: their own shifts read "You". */
  myEmail?: string;
}) {
  const { overview, label, myEmail } = props;
  const { oncall, incidents } = overview.summary;
  return (
    <Box
      component="section"
      aria-label={`${label} ${overview.entityRef}`}
      mb={2}
    >
      <Typography variant="h6" component="h3">
        <EntityRefLink entityRef={overview.entityRef} />
      </Typography>
      {isForbidden(oncall) ? (
        <Typography variant="body2" color="textSecondary">
          No permission to see on-call.
        </Typography>
      ) : (
        <List dense disablePadding aria-label="On call now">
          {oncall.now.length === 0 && (
            <ListItem disableGutters>
              <ListItemText primary="Nobody on call now" />
            </ListItem>
          )}
          {oncall.now.map(shift => (
            <ListItem
              disableGutters
              key={`${shift.sourceType}/${shift.externalId}`}
            >
              <ListItemText
                primary={`${
                  myEmail && shift.personEmail === myEmail
                    ? 'You'
                    : shift.personName
                } on call (level ${shift.escalationLevel}, ${
                  shift.scheduleName
                })`}
                secondary={`Until ${formatDateTime(shift.end)}`}
              />
            </ListItem>
          ))}
        </List>
      )}
      {isForbidden(incidents) ? (
        <Typography variant="body2" color="textSecondary">
          No permission to see incidents.
        </Typography>
      ) : (
        <>
          <Typography variant="body2" gutterBottom>
            {incidents.openCount} open incident
            {incidents.openCount === 1 ? '' : 's'}
          </Typography>
          <PriorityCounts counts={incidents.openByPriority} />
          <List dense disablePadding aria-label="Newest open incidents">
            {overview.newest.map(incident => (
              <ListItem
                disableGutters
                key={`${incident.sourceType}/${incident.externalId}`}
              >
                <ListItemText
                  primary={
                    <>
                      <RecordLink record={incident}>
                        {incident.number}
                      </RecordLink>{' '}
                      P{incident.priority} {incident.title}
                    </>
                  }
                  secondary={`Opened ${formatAge(incident.openedAt)} ago`}
                />
              </ListItem>
            ))}
          </List>
        </>
      )}
    </Box>
  );
}
