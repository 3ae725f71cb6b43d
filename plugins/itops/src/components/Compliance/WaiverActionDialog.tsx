import type { ComplianceWaiver } from '@backstage-itops/plugin-itops-common';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { itopsApiRef } from '../../api';
import { describeItopsError } from '../shared/ItopsErrorPanel';
import { formatDateTime } from '../shared/time';

/** What an approver or requester can do to a waiver. */
export type WaiverAction = 'approve' | 'reject' | 'revoke';

/** Entity refs name the same person whatever their case (as the backend). */
export function sameIdentity(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

const TITLES: Record<WaiverAction, string> = {
  approve: 'Approve waiver',
  reject: 'Reject waiver',
  revoke: 'Revoke waiver',
};

const EFFECTS: Record<WaiverAction, string> = {
  approve:
    'Until it expires, the check shows as exempt on this entity (never as pass, and the score does not rise).',
  reject: 'The check keeps its real status; the request stays in the register.',
  revoke:
    'The waiver stops applying now and the check returns to its real status; the approval stays in the history.',
};

/**
 * Confirms one action on a waiver, with the comment (a reason, which the
 * backend requires for a revocation), and shows the backend's message
 * when it refuses.
 */
export function WaiverActionDialog(props: {
  waiver: ComplianceWaiver;
  action: WaiverAction;
  onClose: () => void;
  onDone: (waiver: ComplianceWaiver) => void;
}) {
  const { waiver, action } = props;
  const api = useApi(itopsApiRef);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const needsReason = action === 'revoke';

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      props.onDone(
        await api.decideComplianceWaiver(
          waiver.id,
          action,
          comment.trim() || undefined,
        ),
      );
    } catch (e) {
      setError(describeItopsError(e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      onClose={props.onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="itops-waiver-action-title"
    >
      <DialogTitle id="itops-waiver-action-title">
        {TITLES[action]}: {waiver.checkId} on {waiver.entityRef}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          Requested by {waiver.requestedBy}, expires{' '}
          {formatDateTime(waiver.expiresAt)}: {waiver.justification}
        </Typography>
        <Typography variant="body2" paragraph>
          {EFFECTS[action]}
        </Typography>
        <TextField
          id="itops-waiver-action-comment"
          label={needsReason ? 'Reason' : 'Comment'}
          required={needsReason}
          fullWidth
          multiline
          minRows={2}
          value={comment}
          onChange={e => setComment(e.target.value)}
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
          disabled={busy || (needsReason && !comment.trim())}
          onClick={confirm}
        >
          Confirm {action}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
