import { Progress, Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import {
  type ItopsMappingConflict,
  type ItopsSyncStatus,
  itopsApiRef,
} from '../../api';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';
import { RelativeTime } from '../shared/RelativeTime';
import { isFailing } from '../shared/sourceStatus';
import { keeperText, sourceObjectText } from './conflictText';

const when = (iso?: string) => (iso ? <RelativeTime iso={iso} /> : 'never');

const syncColumns: TableColumn<ItopsSyncStatus>[] = [
  { title: 'Source', field: 'sourceType' },
  { title: 'Instance', field: 'sourceInstance' },
  { title: 'Capability', field: 'capability' },
  {
    title: 'State',
    render: row => (isFailing(row) ? 'failing' : 'ok'),
  },
  { title: 'Last success', render: row => when(row.lastSuccessAt) },
  { title: 'Records', field: 'recordCount', type: 'numeric' },
  { title: 'Last error', render: row => row.lastError ?? '' },
];

const conflictColumns: TableColumn<ItopsMappingConflict>[] = [
  { title: 'Source object', render: row => sourceObjectText(row) },
  { title: 'Decision', field: 'decision' },
  { title: 'Claimed by', render: row => row.claimants.join(', ') },
  { title: 'Kept', render: row => keeperText(row) },
  { title: 'Reason', field: 'reason' },
  { title: 'Since', render: row => when(row.detectedAt) },
];

/**
 * For admins: how each source instance syncs, and which claims of source
 * objects the mapping withheld or refused. Both need
 * `itops.sync-status.read`; without it the backend's 403 says so.
 */
export function SourcesContent() {
  const api = useApi(itopsApiRef);
  const state = useAsync(
    () => Promise.all([api.getSyncStatus(), api.getMappingConflicts()]),
    [api],
  );
  if (state.loading) {
    return <Progress />;
  }
  if (state.error || !state.value) {
    return <ItopsErrorPanel error={state.error ?? new Error('No answer')} />;
  }
  const [sync, conflicts] = state.value;
  return (
    // Without the margin reset the spacing's negative margins overflow
    // the page by 12 px.
    <Grid container spacing={3} style={{ margin: 0, width: '100%' }}>
      <Grid item xs={12}>
        <Table<ItopsSyncStatus>
          title="Sync status per source instance"
          // Sorting off: material-table's sort labels are buttons inside
          // header cells, which axe reports as nested interactive controls.
          options={{
            paging: false,
            search: false,
            sorting: false,
            padding: 'dense',
          }}
          columns={syncColumns}
          data={sync.items}
          emptyContent="No source has synced yet."
        />
      </Grid>
      <Grid item xs={12}>
        <Table<ItopsMappingConflict>
          title="Mapping conflicts"
          subtitle="Claims of source objects that itops.mapping.claims withheld or refused"
          // Sorting off: material-table's sort labels are buttons inside
          // header cells, which axe reports as nested interactive controls.
          options={{
            paging: false,
            search: false,
            sorting: false,
            padding: 'dense',
          }}
          columns={conflictColumns}
          data={conflicts.items}
          emptyContent="No withheld or refused claims."
        />
      </Grid>
    </Grid>
  );
}
