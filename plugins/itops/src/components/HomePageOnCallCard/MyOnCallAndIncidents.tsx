import { parseEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  type ItopsApi,
  type ItopsEntitySummary,
  type ItopsIncident,
  isForbidden,
  itopsApiRef,
} from '../../api';
import { PriorityCounts } from '../IncidentsCard/IncidentsCard';
import { RecordLink } from '../shared/RecordLink';
import { formatAge, formatDateTime } from '../shared/time';

/** Newest open incidents listed per team. */
const NEWEST_PER_TEAM = 3;

export interface TeamOverview {
  teamRef: string;
  summary: ItopsEntitySummary;
  newest: ItopsIncident[];
}

/**
 * On-call and open incidents of each of the user's teams: the groups among
 * the identity's ownership refs. Teams unknown to ITOps (404) are left out.
 */
export async function loadMyTeams(
  api: ItopsApi,
  ownershipRefs: string[],
): Promise<TeamOverview[]> {
  const teamRefs = ownershipRefs.filter(
    ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group',
  );
  const teams = await Promise.all(
    teamRefs.map(async teamRef => {
      try {
        const summary = await api.getEntitySummary(teamRef);
        const newest = isForbidden(summary.incidents)
          ? []
          : (
              await api.getEntityIncidents(teamRef, {
                state: 'open',
                sort: '-opened_at',
                limit: NEWEST_PER_TEAM,
              })
            ).items;
        return { teamRef, summary, newest };
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) {
          return undefined;
        }
        throw error;
      }
    }),
  );
  return teams.filter((team): team is TeamOverview => team !== undefined);
}

function TeamSection(props: { team: TeamOverview; myEmail?: string }) {
  const { team, myEmail } = props;
  const { oncall, incidents } = team.summary;
  return (
    <Box component="section" aria-label={`Team ${team.teamRef}`} mb={2}>
      <Typography variant="h6" component="h3">
        <EntityRefLink entityRef={team.teamRef} />
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
            {team.newest.map(incident => (
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

/**
 * Home page widget: on-call and open incidents of the signed-in user's
 * teams.
 *
 * @public
 */
export function MyOnCallAndIncidents() {
  const api = useApi(itopsApiRef);
  const identityApi = useApi(identityApiRef);
  const { value, loading, error } = useAsync(async () => {
    const [identity, profile] = await Promise.all([
      identityApi.getBackstageIdentity(),
      identityApi.getProfileInfo(),
    ]);
    return {
      teams: await loadMyTeams(api, identity.ownershipEntityRefs),
      myEmail: profile.email,
    };
  }, [api, identityApi]);

  if (loading) {
    return <Progress aria-label="Loading your teams' on-call and incidents" />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!value || value.teams.length === 0) {
    return (
      <Typography variant="body2">
        You are not in a team that ITOps knows. Teams are catalog groups with
        the itops.io/servicenow-assignment-group or itops.io/jsm-ops-team
        annotation, or owning annotated components.
      </Typography>
    );
  }
  return (
    <>
      {value.teams.map(team => (
        <TeamSection key={team.teamRef} team={team} myEmail={value.myEmail} />
      ))}
    </>
  );
}
