import type { ComplianceWaiver } from '@backstage-itops/plugin-itops-common';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { DateTime } from 'luxon';
import { useState } from 'react';
import { itopsApiRef } from '../../api';

/**
 * Asks for an exception to one check on one entity: a justification, an
 * optional compensating control and an expiry. Someone else approves it.
 */
export function WaiverDialog(props: {
  open: boolean;
  entityRef: string;
  checkId: string;
  checkTitle: string;
  onClose: () => void;
  onRequested: (waiver: ComplianceWaiver) => void;
}) {
  const api = useApi(itopsApiRef);
  const [justification, setJustification] = useState('');
  const [compensating, setCompensating] = useState('');
  const [expires, setExpires] = useState(
    DateTime.now().plus({ days: 90 }).toISODate() ?? '',
  );
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const waiver = await api.requestComplianceWaiver({
        checkId: props.checkId,
        entityRef: props.entityRef,
        justification,
        compensatingControl: compensating || undefined,
        // The end of the chosen day, in the user's time zone.
        expiresAt: DateTime.fromISO(expires).endOf('day').toUTC().toISO()!,
      });
      props.onRequested(waiver);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="sm">
      <DialogTitle>
        Request a waiver for {props.checkId} {props.checkTitle}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="textSecondary" paragraph>
          While approved and unexpired, the check shows as exempt (never as
          pass). Another person with the approval permission must approve it.
        </Typography>
        <TextField
          id="itops-waiver-justification"
          label="Justification"
          required
          fullWidth
          multiline
          minRows={3}
          value={justification}
          onChange={e => setJustification(e.target.value)}
          margin="normal"
        />
        <TextField
          id="itops-waiver-compensating-control"
          label="Compensating control"
          fullWidth
          value={compensating}
          onChange={e => setCompensating(e.target.value)}
          margin="normal"
        />
        <TextField
          id="itops-waiver-expires"
          label="Expires on"
          type="date"
          required
          value={expires}
          onChange={e => setExpires(e.target.value)}
          InputLabelProps={{ shrink: true }}
          margin="normal"
        />
        {error && (
          <Typography color="error" role="alert">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || justification.trim().length < 10 || !expires}
          onClick={submit}
        >
          Request waiver
        </Button>
      </DialogActions>
    </Dialog>
  );
}
