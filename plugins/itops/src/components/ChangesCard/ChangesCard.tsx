import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  type ItopsActiveFreeze,
  type ItopsApi,
  type ItopsChange,
  type ItopsForbidden,
  isForbidden,
} from '../../api';
import { AreaCard } from '../shared/AreaCard';
import { RecordLink } from '../shared/RecordLink';
import { codeLabel } from '../shared/labels';
import { RelativeTime } from '../shared/RelativeTime';
import { formatDateTime } from '../shared/time';
import { Truncated } from '../shared/Truncated';
import { loadSharedSummary } from '../shared/sharedSummary';
import { useAreaData } from '../shared/useAreaData';

/** Changes listed each way; the change calendar has the rest. */
const UPCOMING_LIMIT = 10;
const RECENT_LIMIT = 5;

export interface EntityChanges {
  freezes: ItopsActiveFreeze[];
  /** The soonest upcoming changes, at most {@link UPCOMING_LIMIT}. */
  upcoming: ItopsChange[];
  /** How many upcoming changes there are in all. */
  upcomingCount: number;
  recent: ItopsChange[];
}

const OUTCOME_LABELS: Record<string, string> = {
  successful: 'Successful',
  successful_with_issues: 'Successful with issues',
  unsuccessful: 'Unsuccessful',
};

function endOf(change: ItopsChange): number {
  return Date.parse(change.plannedEnd ?? change.plannedStart ?? '');
}

/**
 * Splits the changes around now: upcoming ones (including those under way)
 * soonest first, then the most recent finished ones, newest first.
 */
export function splitChanges(
  changes: ItopsChange[],
  now: number,
): Pick<EntityChanges, 'upcoming' | 'upcomingCount' | 'recent'> {
  // The API orders by planned start, so the first ones are the soonest.
  const upcoming = changes.filter(change => endOf(change) >= now);
  const recent = changes
    .filter(change => endOf(change) < now)
    .sort((a, b) => endOf(b) - endOf(a))
    .slice(0, RECENT_LIMIT);
  return {
    upcoming: upcoming.slice(0, UPCOMING_LIMIT),
    upcomingCount: upcoming.length,
    recent,
  };
}

/** The freeze status from the summary, the changes from the change list. */
export async function loadEntityChanges(
  api: ItopsApi,
  entityRef: string,
): Promise<EntityChanges | ItopsForbidden> {
  const [summary, changes] = await Promise.all([
    loadSharedSummary(api, entityRef),
    api.getEntityChanges(entityRef),
  ]);
  if (isForbidden(summary.changes)) {
    return summary.changes;
  }
  return {
    freezes: summary.changes.freeze.windows,
    ...splitChanges(changes.items, Date.now()),
  };
}

/** The entity is inside one or more change freezes. */
export function FreezeBanner({ freezes }: { freezes: ItopsActiveFreeze[] }) {
  return (
    <Alert severity="warning" role="alert">
      <AlertTitle>Change freeze in effect</AlertTitle>
      {freezes.map(freeze => (
        <div key={`${freeze.name}/${freeze.end}`}>
          {freeze.name}, until {formatDateTime(freeze.end)} (
          <RelativeTime iso={freeze.end} />)
        </div>
      ))}
    </Alert>
  );
}

function ChangeTable(props: {
  label: string;
  changes: ItopsChange[];
  showOutcome?: boolean;
}) {
  const { label, changes, showOutcome } = props;
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>Number</TableCell>
          <TableCell>Title</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>{showOutcome ? 'Outcome' : 'State'}</TableCell>
          <TableCell>Planned</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {changes.map(change => (
          <TableRow key={`${change.sourceType}/${change.externalId}`}>
            <TableCell>
              <RecordLink record={change}>{change.number}</RecordLink>
            </TableCell>
            <TableCell>
              <Truncated text={change.title} maxWidth="40vw" />
            </TableCell>
            <TableCell>{codeLabel(change.type)}</TableCell>
            <TableCell>
              {showOutcome
                ? OUTCOME_LABELS[change.outcome ?? ''] ??
                  codeLabel(change.state)
                : codeLabel(change.state)}
            </TableCell>
            <TableCell>
              {change.plannedStart ? formatDateTime(change.plannedStart) : '–'}
              {change.plannedEnd && ` – ${formatDateTime(change.plannedEnd)}`}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Upcoming and recent changes, and a banner during a freeze. */
export function EntityChangesView({ value }: { value: EntityChanges }) {
  return (
    <>
      {value.freezes.length > 0 && (
        <Box mb={2}>
          <FreezeBanner freezes={value.freezes} />
        </Box>
      )}
      <Typography variant="subtitle2" component="h3">
        Upcoming (next 30 days)
      </Typography>
      {value.upcoming.length > 0 ? (
        <>
          <ChangeTable label="Upcoming changes" changes={value.upcoming} />
          {value.upcomingCount > value.upcoming.length && (
            <Typography variant="body2" color="textSecondary">
              {value.upcomingCount - value.upcoming.length} more planned in the
              next 30 days.
            </Typography>
          )}
        </>
      ) : (
        <Typography variant="body2">No changes planned.</Typography>
      )}
      <Box mt={2}>
        <Typography variant="subtitle2" component="h3">
          Recent
        </Typography>
        {value.recent.length > 0 ? (
          <ChangeTable
            label="Recent changes"
            changes={value.recent}
            showOutcome
          />
        ) : (
          <Typography variant="body2">
            No changes in the last 30 days.
          </Typography>
        )}
      </Box>
    </>
  );
}

/**
 * The entity's upcoming and recent changes, with a banner while the entity
 * is inside a change freeze.
 *
 * @public
 */
export function EntityChangesCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const data = useAreaData(
    'changes',
    api => loadEntityChanges(api, entityRef),
    [entityRef],
  );
  return (
    <AreaCard area="changes" entity={entity} title="Changes" data={data}>
      {value => <EntityChangesView value={value} />}
    </AreaCard>
  );
}
