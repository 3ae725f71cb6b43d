import { Progress } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import TablePagination from '@material-ui/core/TablePagination';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import { IncidentTable, PRIORITY_LABELS } from '../IncidentsCard/IncidentsCard';
import { EntityRefPicker } from '../shared/EntityRefPicker';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';
import {
  type IncidentsPageState,
  parseIncidentsState,
  serializeIncidentsState,
} from './incidentsQuery';

const PAGE_SIZE = 25;

/** Kinds whose incidents the read API lists (its mapped kinds). */
const PICKER_KINDS = ['Group', 'System', 'Component', 'Resource', 'API'];

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    padding: theme.spacing(1.5),
    marginBottom: theme.spacing(2),
  },
  field: { minWidth: 200 },
}));

const STATE_OPTIONS: Array<[IncidentsPageState['state'], string]> = [
  ['open', 'Open'],
  ['closed', 'Resolved or closed'],
  ['all', 'All'],
];

/**
 * The incidents of a team or service, most critical first, filtered by
 * state and priority, every filter and the page in the URL. The home
 * widget's "View all" opens it for a team.
 */
export function IncidentsContent() {
  const classes = useStyles();
  const api = useApi(itopsApiRef);
  const identityApi = useApi(identityApiRef);
  const [params, setParams] = useSearchParams();
  const state = parseIncidentsState(params);
  const update = (patch: Partial<IncidentsPageState>) =>
    setParams(serializeIncidentsState({ ...state, page: 1, ...patch }));

  const teams = useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    return identity.ownershipEntityRefs.filter(ref => ref.startsWith('group:'));
  }, [identityApi]);
  const entityRef = state.entityRef ?? teams.value?.[0];

  const incidents = useAsync(async () => {
    if (!entityRef) return undefined;
    return api.getEntityIncidents(entityRef, {
      state: state.state,
      priority: state.priority,
      sort: 'priority',
      limit: PAGE_SIZE,
      offset: (state.page - 1) * PAGE_SIZE,
    });
  }, [api, entityRef, state.state, state.priority.join(','), state.page]);

  return (
    <>
      <Paper
        className={classes.filters}
        role="search"
        aria-label="incident filters"
      >
        <EntityRefPicker
          id="itops-incidents-entity"
          label="Team or service"
          kinds={PICKER_KINDS}
          value={entityRef ? [entityRef] : []}
          onChange={refs => update({ entityRef: refs[0] })}
        />
        <TextField
          id="itops-incidents-state"
          select
          className={classes.field}
          size="small"
          variant="outlined"
          label="State"
          value={state.state}
          onChange={e =>
            update({ state: e.target.value as IncidentsPageState['state'] })
          }
        >
          {STATE_OPTIONS.map(([value, text]) => (
            <MenuItem key={value} value={value}>
              {text}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          id="itops-incidents-priority"
          select
          className={classes.field}
          size="small"
          variant="outlined"
          label="Priority"
          value={state.priority}
          InputLabelProps={{ shrink: true }}
          SelectProps={{
            multiple: true,
            displayEmpty: true,
            renderValue: selected =>
              (selected as number[]).length
                ? (selected as number[]).map(p => `P${p}`).join(', ')
                : 'Any',
          }}
          onChange={e =>
            update({ priority: e.target.value as unknown as number[] })
          }
        >
          {[1, 2, 3, 4, 5].map(priority => (
            <MenuItem key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </MenuItem>
          ))}
        </TextField>
      </Paper>
      {!entityRef && !teams.loading && (
        <Typography variant="body2">
          Choose a team or service: open this page from a team's "View all" or
          add <code>?entityRef=group:default/your-team</code> to the URL.
        </Typography>
      )}
      {(teams.loading || incidents.loading) && (
        <Progress aria-label="Loading incidents" />
      )}
      {incidents.error && <ItopsErrorPanel error={incidents.error} />}
      {incidents.value && entityRef && (
        <Paper>
          <Box p={2}>
            <Typography variant="h6" component="h2">
              <EntityRefLink entityRef={entityRef} />:{' '}
              {incidents.value.totalCount} incident
              {incidents.value.totalCount === 1 ? '' : 's'}
            </Typography>
            <Typography variant="body2" color="textSecondary">
              Most critical first, then the newest.
            </Typography>
          </Box>
          {incidents.value.items.length > 0 ? (
            <IncidentTable
              incidents={incidents.value.items}
              label="Incidents"
            />
          ) : (
            <Box p={2}>
              <Typography variant="body2">
                No incidents match these filters.
              </Typography>
            </Box>
          )}
          <TablePagination
            component="div"
            count={incidents.value.totalCount}
            page={state.page - 1}
            rowsPerPage={PAGE_SIZE}
            rowsPerPageOptions={[PAGE_SIZE]}
            onPageChange={(_, page) => update({ ...state, page: page + 1 })}
          />
        </Paper>
      )}
    </>
  );
}
