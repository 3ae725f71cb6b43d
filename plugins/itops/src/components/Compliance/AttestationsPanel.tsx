import {
  itopsComplianceAttestPermission,
  type ComplianceAttestation,
} from '@backstage-itops/plugin-itops-common';
import { InfoCard, Progress, Table } from '@backstage/core-components';

// Every table here has sorting off: material-table's sort labels are
// buttons inside header cells, which axe reports as nested interactive
// controls (serious).
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Link from '@material-ui/core/Link';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { EntityRefPicker } from '../shared/EntityRefPicker';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';
import { formatDateTime } from '../shared/time';
import { itopsApiRef } from '../../api';

const STATUS_TEXT: Record<string, string> = {
  attested: 'Attested',
  manual: 'Manual evidence needed',
  no_data: 'No data',
};

/** The attest dialog: entity, statement, evidence link and expiry. */
function AttestDialog(props: {
  open: boolean;
  control: string;
  onClose(): void;
  onSubmit(body: {
    entityRef: string;
    statement: string;
    evidenceUrl: string;
    expiresAt: string;
  }): Promise<void>;
}) {
  const [entityRef, setEntityRef] = useState<string[]>([]);
  const [statement, setStatement] = useState('');
  const [evidenceUrl, setEvidenceUrl] = useState('');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onSubmit({
        entityRef: entityRef[0] ?? '',
        statement,
        evidenceUrl,
        expiresAt: expires ? `${expires}T23:59:59.000Z` : '',
      });
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      fullWidth
      maxWidth="sm"
      // Named by its title, so assistive technology announces what is attested.
      aria-labelledby="itops-attest-title"
    >
      <DialogTitle id="itops-attest-title">Attest {props.control}</DialogTitle>
      <DialogContent>
        {error && <ItopsErrorPanel error={error} />}
        <EntityRefPicker
          id="attest-entity"
          label="Entity"
          kinds={['Component']}
          value={entityRef}
          onChange={setEntityRef}
        />
        <TextField
          id="attest-statement"
          label="Statement"
          value={statement}
          onChange={e => setStatement(e.target.value)}
          multiline
          fullWidth
          margin="normal"
        />
        <TextField
          id="attest-evidence"
          label="Evidence link (URL)"
          value={evidenceUrl}
          onChange={e => setEvidenceUrl(e.target.value)}
          fullWidth
          margin="normal"
        />
        <TextField
          id="attest-expires"
          label="Expires"
          type="date"
          value={expires}
          onChange={e => setExpires(e.target.value)}
          InputLabelProps={{ shrink: true }}
          fullWidth
          margin="normal"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button color="primary" disabled={busy} onClick={submit}>
          Attest
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * Attestations of one control: the status per entity (an attestation
 * never overrides an automated check), the full history with superseded
 * and revoked ones, and an Attest button for holders of
 * `itops.compliance.attest` and for owners of an entity in the view. The
 * button is a convenience: the backend decides, and its refusal is shown
 * in the dialog.
 */
export function AttestationsPanel(props: {
  framework: string;
  control: string;
}) {
  const { framework, control } = props;
  const client = useApi(itopsApiRef);
  const identityApi = useApi(identityApiRef);
  const holder = usePermission({
    permission: itopsComplianceAttestPermission,
  }).allowed;
  // Owners attest their own entities without the permission; the owner
  // refs compare case-insensitively, as the backend compares them.
  const ownership = useAsync(
    async () =>
      new Set(
        (await identityApi.getBackstageIdentity()).ownershipEntityRefs.map(r =>
          r.toLocaleLowerCase('en-US'),
        ),
      ),
    [identityApi],
  );
  const [open, setOpen] = useState(false);
  const state = useAsyncRetry(
    () => client.getControlAttestations(framework, control),
    [client, framework, control],
  );
  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ItopsErrorPanel error={state.error} />;
  const view = state.value!;
  const owned = view.entities.filter(
    e =>
      e.ownerRef && ownership.value?.has(e.ownerRef.toLocaleLowerCase('en-US')),
  );
  const canAttest = holder || owned.length > 0;
  return (
    <InfoCard
      title="Attestations"
      subheader="An attestation is evidence, not proof: it never counts as a pass, and never overrides an automated check."
      action={
        canAttest ? (
          <Button color="primary" onClick={() => setOpen(true)}>
            Attest
          </Button>
        ) : undefined
      }
    >
      <Table
        title="Status per entity"
        options={{
          paging: false,
          search: false,
          sorting: false,
          toolbar: false,
        }}
        columns={[
          { title: 'Entity', field: 'entityRef' },
          {
            title: 'Status',
            render: (row: any) =>
              `${STATUS_TEXT[row.status] ?? row.status}${
                row.reason ? ` (${row.reason})` : ''
              }`,
          },
        ]}
        data={view.entities}
        emptyContent={
          <Typography style={{ padding: 16 }}>
            Not attested for any entity.
          </Typography>
        }
      />
      <Table<ComplianceAttestation>
        title="History"
        options={{
          paging: false,
          search: false,
          sorting: false,
          toolbar: false,
        }}
        columns={[
          { title: 'Entity', field: 'entityRef' },
          { title: 'State', field: 'state' },
          { title: 'By', field: 'attestedBy' },
          { title: 'At', render: a => formatDateTime(a.attestedAt) },
          { title: 'Expires', render: a => formatDateTime(a.expiresAt) },
          { title: 'Statement', field: 'statement' },
          {
            title: 'Evidence',
            render: a => (
              <Link href={a.evidenceUrl} target="_blank" rel="noopener">
                link
              </Link>
            ),
          },
        ]}
        data={view.history}
      />
      <AttestDialog
        open={open}
        control={control}
        onClose={() => setOpen(false)}
        onSubmit={async body => {
          await client.attestControl(framework, control, body);
          setOpen(false);
          state.retry();
        }}
      />
    </InfoCard>
  );
}

/** Attestations in force that expire within `days`, soonest first. */
export function ExpiringAttestations(props: { days?: number }) {
  const days = props.days ?? 30;
  const client = useApi(itopsApiRef);
  const state = useAsyncRetry(
    () => client.getExpiringAttestations(days),
    [client, days],
  );
  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ItopsErrorPanel error={state.error} />;
  return (
    <Table<ComplianceAttestation>
      title={`Attestations expiring within ${days} days`}
      options={{ paging: false, search: false, sorting: false }}
      columns={[
        { title: 'Control', render: a => `${a.framework} ${a.control}` },
        { title: 'Entity', field: 'entityRef' },
        { title: 'By', field: 'attestedBy' },
        { title: 'Expires', render: a => formatDateTime(a.expiresAt) },
      ]}
      data={state.value ?? []}
      emptyContent={
        <Typography style={{ padding: 16 }}>None expiring.</Typography>
      }
    />
  );
}
