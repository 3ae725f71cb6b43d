import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import {
  type ItopsApi,
  type ItopsEntitySummary,
  type ItopsIncident,
  isForbidden,
} from '../../api';
import {
  IncidentDrawer,
  IncidentOpener,
} from '../IncidentsCard/IncidentDrawer';
import { PriorityCounts } from '../IncidentsCard/IncidentsCard';
import { incidentsPagePath } from '../IncidentsPage/incidentsQuery';
import { RecordLink } from './RecordLink';
import { formatAge, formatDateTime } from './time';

/** Open P3–P5 incidents listed per entity, after every P1 and P2. */
const LESSER_PER_ENTITY = 3;
/** P1 and P2 are always all listed, up to a page the API serves at once. */
const CRITICAL_LIMIT = 100;

/** On-call now and open incidents of one entity, from its summary. */
export interface EntityOverview {
  entityRef: string;
  summary: ItopsEntitySummary;
  /** Every open P1 and P2, then the first P3–P5: by priority, then newest. */
  incidents: ItopsIncident[];
}

/**
 * The open incidents a reader must see: all P1 and P2 (a "newest three"
 * list would hide an old P1 behind fresh P4s), then a few of the rest, each
 * group by priority then newest first (the API's `sort=priority`).
 */
async function loadOpenIncidents(
  api: ItopsApi,
  entityRef: string,
): Promise<ItopsIncident[]> {
  const [critical, lesser] = await Promise.all([
    api.getEntityIncidents(entityRef, {
      state: 'open',
      priority: [1, 2],
      sort: 'priority',
      limit: CRITICAL_LIMIT,
    }),
    api.getEntityIncidents(entityRef, {
      state: 'open',
      priority: [3, 4, 5],
      sort: 'priority',
      limit: LESSER_PER_ENTITY,
    }),
  ]);
  const seen = new Set<string>();
  return [...critical.items, ...lesser.items].filter(incident => {
    const key = `${incident.sourceType}/${incident.externalId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
        const incidents = isForbidden(summary.incidents)
          ? []
          : await loadOpenIncidents(api, entityRef);
        return { entityRef, summary, incidents };
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
  const [selected, setSelected] = useState<ItopsIncident>();
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
          <List
            dense
            disablePadding
            aria-label="Open incidents, most critical first"
          >
            {overview.incidents.map(incident => (
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
                      P{incident.priority}{' '}
                      <IncidentOpener
                        incident={incident}
                        onOpen={setSelected}
                      />
                    </>
                  }
                  secondary={
                    <span title={formatDateTime(incident.openedAt)}>
                      Opened {formatAge(incident.openedAt)} ago
                    </span>
                  }
                />
              </ListItem>
            ))}
          </List>
          {incidents.openCount > 0 && (
            <Link to={incidentsPagePath(overview.entityRef)}>
              View all {incidents.openCount} open incident
              {incidents.openCount === 1 ? '' : 's'}
            </Link>
          )}
          <IncidentDrawer
            incident={selected}
            onClose={() => setSelected(undefined)}
          />
        </>
      )}
    </Box>
  );
}
