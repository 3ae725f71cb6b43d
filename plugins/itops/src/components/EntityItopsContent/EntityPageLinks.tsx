import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { incidentsPagePath } from '../IncidentsPage/incidentsQuery';

/**
 * The ITOps pages scoped to this entity: its incidents, its changes on the
 * calendar, and the compliance overview. The paths are the pages' default
 * mount points in both frontend systems.
 */
export function EntityPageLinks({ entityRef }: { entityRef: string }) {
  const calendar = `/itops/changes?${new URLSearchParams({
    view: 'month',
    owner: 'all',
    entityRef,
  })}`;
  return (
    <Box
      component="nav"
      aria-label="ITOps pages of this entity"
      display="flex"
      flexWrap="wrap"
      style={{ gap: 24 }}
    >
      <Link to={incidentsPagePath(entityRef)}>All open incidents</Link>
      <Link to={calendar}>Changes on the calendar</Link>
      <Link to="/itops/compliance">Compliance overview</Link>
    </Box>
  );
}
