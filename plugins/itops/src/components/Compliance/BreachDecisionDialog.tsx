import {
  BREACH_COMMUNICATION_EXEMPTIONS,
  BREACH_DECISION_KINDS,
  type BreachDecision,
  type BreachDecisionKind,
  type ComplianceBreach,
} from '@backstage-itops/plugin-itops-common';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { DateTime } from 'luxon';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import { describeItopsError } from '../shared/ItopsErrorPanel';

/** The decision kinds as the law names them. */
export const DECISION_LABELS: Record<BreachDecisionKind, string> = {
  notifiable: 'Notifiable to the supervisory authority (art. 33)',
  not_notifiable: 'Not notifiable: unlikely to result in a risk (art. 33(1))',
  communicated: 'Communicated to the data subjects (art. 34(1))',
  communication_exempt: 'Exempt from communication (art. 34(3))',
};

const EXEMPTION_LABELS: Record<string, string> = {
  '34(3)(a)': '34(3)(a): data made unintelligible (e.g. encrypted)',
  '34(3)(b)': '34(3)(b): high risk no longer likely to materialise',
  '34(3)(c)': '34(3)(c): disproportionate effort, public communication',
};

/** A `datetime-local` value in the user's zone, as an instant. */
function toInstant(local: string): string | undefined {
  if (!local) return undefined;
  const parsed = DateTime.fromISO(local);
  return parsed.isValid ? parsed.toUTC().toISO()! : undefined;
}

function nowLocal(): string {
  return DateTime.local().startOf('minute').toFormat("yyyy-LL-dd'T'HH:mm");
}

/**
 * Records one decision on a breach. The deciding person is the signed-in
 * user (the backend takes it from the credentials); the backend validates
 * the fields each kind needs and its message is shown as written.
 */
export function BreachDecisionDialog(props: {
  breach: ComplianceBreach;
  onClose: () => void;
  onRecorded: (decision: BreachDecision) => void;
}) {
  const { breach } = props;
  const api = useApi(itopsApiRef);
  const identityApi = useApi(identityApiRef);
  const me = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  const [decision, setDecision] = useState<BreachDecisionKind>('notifiable');
  // Empty by default: a decision records a risk assessment only when made.
  const [highRisk, setHighRisk] = useState<'' | 'yes' | 'no'>('');
  const [decidedAt, setDecidedAt] = useState(nowLocal());
  const [notifiedAt, setNotifiedAt] = useState('');
  const [delayReason, setDelayReason] = useState('');
  const [exemption, setExemption] = useState('');
  const [reason, setReason] = useState('');
  const [link, setLink] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const recorded = await api.recordBreachDecision(breach.breachRef, {
        decision,
        reason: reason.trim(),
        ...(highRisk ? { highRisk: highRisk === 'yes' } : {}),
        ...(decision === 'notifiable' && notifiedAt
          ? { notifiedAt: toInstant(notifiedAt) }
          : {}),
        ...(decision === 'notifiable' && delayReason.trim()
          ? { delayReason: delayReason.trim() }
          : {}),
        ...(decision === 'communication_exempt' && exemption
          ? { exemption }
          : {}),
        ...(link.trim() ? { link: link.trim() } : {}),
        decidedAt: toInstant(decidedAt),
      });
      props.onRecorded(recorded);
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
      aria-labelledby="itops-breach-decision-title"
    >
      <DialogTitle id="itops-breach-decision-title">
        Record decision on {breach.breachRef}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          {breach.title}. Decisions are appended to the breach's history and
          never changed; a later decision of the same kind supersedes an earlier
          one.
        </Typography>
        <Typography variant="body2" paragraph>
          Deciding person: <strong>{me.value ?? '…'}</strong> (you)
        </Typography>
        <TextField
          id="itops-breach-decision-kind"
          select
          label="Decision"
          required
          fullWidth
          margin="normal"
          value={decision}
          onChange={e => setDecision(e.target.value as BreachDecisionKind)}
          SelectProps={{
            // Named by the label and the chosen option, so the name holds the
            // visible text (axe label-content-name-mismatch).
            SelectDisplayProps: {
              id: 'itops-breach-decision-kind-value',
            } as any,
          }}
        >
          {BREACH_DECISION_KINDS.map(kind => (
            <MenuItem key={kind} value={kind}>
              {DECISION_LABELS[kind]}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          id="itops-breach-decision-high-risk"
          select
          label="High risk to the data subjects (art. 34(1))"
          fullWidth
          margin="normal"
          value={highRisk}
          onChange={e => setHighRisk(e.target.value as '' | 'yes' | 'no')}
          SelectProps={{
            // Named by the label and the chosen option, so the name holds the
            // visible text (axe label-content-name-mismatch).
            SelectDisplayProps: {
              id: 'itops-breach-decision-high-risk-value',
            } as any,
          }}
        >
          <MenuItem value="">Not assessed in this decision</MenuItem>
          <MenuItem value="yes">Yes, likely high risk</MenuItem>
          <MenuItem value="no">No</MenuItem>
        </TextField>
        {decision === 'notifiable' && (
          <>
            <TextField
              id="itops-breach-decision-notified-at"
              label="Authority notified at (leave empty if not yet)"
              type="datetime-local"
              fullWidth
              margin="normal"
              InputLabelProps={{ shrink: true }}
              value={notifiedAt}
              onChange={e => setNotifiedAt(e.target.value)}
            />
            <TextField
              id="itops-breach-decision-delay-reason"
              label="Reasons for a notification after 72 hours"
              fullWidth
              margin="normal"
              value={delayReason}
              onChange={e => setDelayReason(e.target.value)}
            />
          </>
        )}
        {decision === 'communication_exempt' && (
          <TextField
            id="itops-breach-decision-exemption"
            select
            label="Exemption relied on"
            required
            fullWidth
            margin="normal"
            value={exemption}
            onChange={e => setExemption(e.target.value)}
            SelectProps={{
              // Named by the label and the chosen option, so the name holds the
              // visible text (axe label-content-name-mismatch).
              SelectDisplayProps: {
                id: 'itops-breach-decision-exemption-value',
              } as any,
            }}
          >
            {BREACH_COMMUNICATION_EXEMPTIONS.map(code => (
              <MenuItem key={code} value={code}>
                {EXEMPTION_LABELS[code] ?? code}
              </MenuItem>
            ))}
          </TextField>
        )}
        <TextField
          id="itops-breach-decision-decided-at"
          label="Decided at"
          type="datetime-local"
          required
          fullWidth
          margin="normal"
          InputLabelProps={{ shrink: true }}
          value={decidedAt}
          onChange={e => setDecidedAt(e.target.value)}
          helperText={`Your time zone (${DateTime.local().zoneName})`}
        />
        <TextField
          id="itops-breach-decision-reason"
          label="Reason"
          required
          fullWidth
          multiline
          minRows={3}
          margin="normal"
          value={reason}
          onChange={e => setReason(e.target.value)}
        />
        <TextField
          id="itops-breach-decision-link"
          label="Link to the record (DPO note, authority case)"
          type="url"
          fullWidth
          margin="normal"
          value={link}
          onChange={e => setLink(e.target.value)}
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
          disabled={busy || !reason.trim() || !decidedAt}
          onClick={submit}
        >
          Record decision
        </Button>
      </DialogActions>
    </Dialog>
  );
}
