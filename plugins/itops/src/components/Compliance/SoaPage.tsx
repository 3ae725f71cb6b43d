import {
  itopsComplianceWaiverApprovePermission,
  type SoaContent,
} from '@backstage-itops/plugin-itops-common';
import {
  InfoCard,
  Progress,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';
import { formatDateTime } from '../shared/time';
import { openHtml, saveBlob } from './exportFile';
import { ExpiringAttestations } from './AttestationsPanel';
import { itopsApiRef } from '../../api';

type VersionRow = {
  version: number;
  approvedBy: string;
  approvedAt: string;
  comment?: string;
  contentHash: string;
};

function draftCounts(draft: SoaContent) {
  const counts = { automated: 0, attested: 0, manual: 0, excluded: 0 };
  for (const e of draft.entries) counts[e.implementation]++;
  return counts;
}

/**
 * The Statement of Applicability: approved versions with their exports
 * (each rendered by the backend from what the version stored), whether the
 * hash chain holds, what a new version would state today, and, for
 * approvers, approving a new version.
 */
export function SoaPage() {
  const client = useApi(itopsApiRef);
  const canApprove = usePermission({
    permission: itopsComplianceWaiverApprovePermission,
  }).allowed;
  const [comment, setComment] = useState('');
  const [actionError, setActionError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const state = useAsyncRetry(async () => {
    const [versions, verify, draft] = await Promise.all([
      client.listSoaVersions(),
      client.verifySoa(),
      client.getSoaDraft(),
    ]);
    return { versions, verify, draft };
  }, [client]);

  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ItopsErrorPanel error={state.error} />;
  const { versions, verify, draft } = state.value!;
  const counts = draftCounts(draft);

  async function exportVersion(
    version: number,
    format: 'csv' | 'json' | 'html',
  ) {
    setActionError(undefined);
    try {
      const text = await client.getSoaExport(version, format);
      if (format === 'html') openHtml(text);
      else {
        saveBlob(
          new Blob([text], {
            type: format === 'csv' ? 'text/csv' : 'application/json',
          }),
          `soa-v${version}.${format}`,
        );
      }
    } catch (e) {
      setActionError(e as Error);
    }
  }

  async function approve() {
    setBusy(true);
    setActionError(undefined);
    try {
      await client.approveSoa(comment.trim() || undefined);
      setComment('');
      state.retry();
    } catch (e) {
      setActionError(e as Error);
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumn<VersionRow>[] = [
    { title: 'Version', field: 'version' },
    { title: 'Approved by', field: 'approvedBy' },
    {
      title: 'Approved',
      render: row => formatDateTime(row.approvedAt),
    },
    { title: 'Comment', render: row => row.comment ?? '' },
    {
      title: 'Content hash',
      render: row => (
        <Typography variant="caption">
          {row.contentHash.slice(0, 16)}…
        </Typography>
      ),
    },
    {
      title: 'Export',
      render: row => (
        <ButtonGroup
          size="small"
          aria-label={`Export SoA version ${row.version}`}
        >
          <Button onClick={() => exportVersion(row.version, 'csv')}>CSV</Button>
          <Button onClick={() => exportVersion(row.version, 'json')}>
            JSON
          </Button>
          <Button onClick={() => exportVersion(row.version, 'html')}>
            Print
          </Button>
        </ButtonGroup>
      ),
    },
  ];

  return (
    <Grid container spacing={3} style={{ margin: 0, width: '100%' }}>
      <Grid item xs={12}>
        <Typography variant="body2">
          <RouterLink to="..">Compliance overview</RouterLink> / Statement of
          Applicability
        </Typography>
      </Grid>
      {actionError && (
        <Grid item xs={12}>
          <ItopsErrorPanel error={actionError} />
        </Grid>
      )}
      <Grid item xs={12} md={6}>
        <InfoCard title="Statement of Applicability today (draft)">
          <Typography>
            {draft.entries.length} Annex A controls: {counts.automated} with
            automated checks, {counts.attested} attested, {counts.manual}{' '}
            needing manual evidence, {counts.excluded} excluded.
          </Typography>
          <Typography variant="body2" color="textSecondary">
            An attestation is evidence, not proof: attested controls carry no
            score.
          </Typography>
          {canApprove && (
            <>
              <TextField
                id="soa-approval-comment"
                label="Approval comment"
                value={comment}
                onChange={e => setComment(e.target.value)}
                fullWidth
                margin="normal"
              />
              <Button
                variant="contained"
                color="primary"
                disabled={busy}
                onClick={approve}
              >
                Approve as new version
              </Button>
            </>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Integrity">
          <Typography>
            {verify.ok
              ? `Hash chain verified over ${verify.checked} version(s).`
              : `Verification FAILED: ${verify.broken
                  .map(b => `v${b.version}: ${b.problem}`)
                  .join('; ')}`}
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Table<VersionRow>
          title="Approved versions"
          // No sort buttons: axe reports them as nested interactive controls.
          options={{ paging: false, search: false, sorting: false }}
          columns={columns}
          data={versions as VersionRow[]}
          emptyContent={
            <Typography style={{ padding: 16 }}>
              No version approved yet.
            </Typography>
          }
        />
      </Grid>
      <Grid item xs={12}>
        <ExpiringAttestations />
      </Grid>
    </Grid>
  );
}
