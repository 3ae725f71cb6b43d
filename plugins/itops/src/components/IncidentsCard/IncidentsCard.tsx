import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import {
  type ItopsApi,
  type ItopsCountByPriority,
  type ItopsForbidden,
  type ItopsIncident,
  isForbidden,
} from '../../api';
import { AreaCard } from '../shared/AreaCard';
import { RecordLink } from '../shared/RecordLink';
import { formatAge, formatDateTime } from '../shared/time';
import { loadSharedSummary } from '../shared/sharedSummary';
import { useAreaData } from '../shared/useAreaData';
import { IncidentDrawer, IncidentOpener } from './IncidentDrawer';
import { PRIORITY_LABELS, STATE_LABELS } from './incidentLabels';

/** How many of the newest open incidents the card lists. */
const NEWEST_LIMIT = 10;

export { PRIORITY_LABELS, STATE_LABELS };

export interface OpenIncidents {
  openCount: number;
  openByPriority: ItopsCountByPriority;
  newest: ItopsIncident[];
}

/** Open counts from the summary, the newest open incidents from the list. */
export async function loadOpenIncidents(
  api: ItopsApi,
  entityRef: string,
): Promise<OpenIncidents | ItopsForbidden> {
  const [summary, page] = await Promise.all([
    loadSharedSummary(api, entityRef),
    api.getEntityIncidents(entityRef, {
      state: 'open',
      sort: '-opened_at',
      limit: NEWEST_LIMIT,
    }),
  ]);
  if (isForbidden(summary.incidents)) {
    return summary.incidents;
  }
  return {
    openCount: summary.incidents.openCount,
    openByPriority: summary.incidents.openByPriority,
    newest: page.items,
  };
}

/** Open incidents per priority, as chips a screen reader reads as a list. */
const useCountStyles = makeStyles(theme => ({
  // White on the dark error red: 5.6:1, where the theme's secondary pink
  // with white text does not reach 4.5:1.
  critical: { background: theme.palette.error.dark, color: '#fff' },
}));

export function PriorityCounts({ counts }: { counts: ItopsCountByPriority }) {
  const classes = useCountStyles();
  return (
    <Box
      component="ul"
      aria-label="Open incidents by priority"
      display="flex"
      flexWrap="wrap"
      p={0}
      m={0}
      style={{ listStyle: 'none', gap: 8 }}
    >
      {(['1', '2', '3', '4', '5'] as const).map(priority => (
        <li key={priority}>
          <Chip
            size="small"
            className={
              priority === '1' && counts[priority] > 0
                ? classes.critical
                : undefined
            }
            label={`${PRIORITY_LABELS[Number(priority)]}: ${counts[priority]}`}
          />
        </li>
      ))}
    </Box>
  );
}

const useTableStyles = makeStyles({
  // Numbers, states and ages are read as one word each; only the title
  // wraps, between words, so that a half-width card never splits "INC0010042".
  word: { whiteSpace: 'nowrap' },
  title: { overflowWrap: 'normal', wordBreak: 'normal', minWidth: 120 },
});

export function IncidentTable(props: {
  incidents: ItopsIncident[];
  /** The table's accessible name. */
  label?: string;
}) {
  const { incidents, label = 'Newest open incidents' } = props;
  const classes = useTableStyles();
  const [selected, setSelected] = useState<ItopsIncident>();
  return (
    <>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow>
            <TableCell className={classes.word}>Number</TableCell>
            <TableCell>Title</TableCell>
            <TableCell className={classes.word}>State</TableCell>
            <TableCell className={classes.word}>Priority</TableCell>
            <TableCell className={classes.word}>Age</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {incidents.map(incident => (
            <TableRow key={`${incident.sourceType}/${incident.externalId}`}>
              <TableCell className={classes.word}>
                <RecordLink record={incident}>{incident.number}</RecordLink>
              </TableCell>
              <TableCell className={classes.title}>
                <IncidentOpener incident={incident} onOpen={setSelected} />
              </TableCell>
              <TableCell className={classes.word}>
                {STATE_LABELS[incident.state] ?? incident.state}
              </TableCell>
              <TableCell className={classes.word}>
                P{incident.priority}
              </TableCell>
              <TableCell
                className={classes.word}
                title={`Opened ${formatDateTime(incident.openedAt)}`}
              >
                {formatAge(incident.openedAt)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <IncidentDrawer
        incident={selected}
        onClose={() => setSelected(undefined)}
      />
    </>
  );
}

/**
 * The entity's open incidents: counts by priority and the newest ones,
 * linked to their source records.
 *
 * @public
 */
export function EntityOpenIncidentsCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const data = useAreaData(
    'incidents',
    api => loadOpenIncidents(api, entityRef),
    [entityRef],
  );
  return (
    <AreaCard
      area="incidents"
      entity={entity}
      title="Open incidents"
      data={data}
    >
      {value => (
        <>
          <Typography variant="h6" component="p" gutterBottom>
            {value.openCount === 1
              ? '1 open incident'
              : `${value.openCount} open incidents`}
          </Typography>
          <PriorityCounts counts={value.openByPriority} />
          {value.newest.length > 0 && (
            <Box mt={2}>
              <IncidentTable incidents={value.newest} />
            </Box>
          )}
        </>
      )}
    </AreaCard>
  );
}
