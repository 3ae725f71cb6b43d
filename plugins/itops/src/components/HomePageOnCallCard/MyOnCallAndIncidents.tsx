import { parseEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import {
  EntityOverviewSection,
  loadEntityOverviews,
} from '../shared/EntityOverviews';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';

/** The groups among the identity's ownership refs: the user's teams. */
function teamRefs(ownershipRefs: string[]): string[] {
  return ownershipRefs.filter(
    ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group',
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
      teams: await loadEntityOverviews(
        api,
        teamRefs(identity.ownershipEntityRefs),
      ),
      myEmail: profile.email,
    };
  }, [api, identityApi]);

  if (loading) {
    return <Progress aria-label="Loading your teams' on-call and incidents" />;
  }
  if (error) {
    return <ItopsErrorPanel error={error} />;
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
        <EntityOverviewSection
          key={team.entityRef}
          overview={team}
          label="Team"
          myEmail={value.myEmail}
        />
      ))}
    </>
  );
}
