import type {
  ComplianceWaiver,
  EntityComplianceScorecard,
} from '@backstage-itops/plugin-itops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { codeLabel } from '../shared/labels';
import { formatShortDate } from '../shared/time';
import { EvidenceList } from './EvidenceList';
import { StatusChip } from './status';

export type Result = EntityComplianceScorecard['results'][number];

/** A check needing attention: status, reason, what to do, its evidence. */
export function Finding(props: {
  result: Result;
  canRequest: boolean;
  onRequest: (result: Result) => void;
}) {
  const { result } = props;
  return (
    <TableRow>
      <TableCell style={{ verticalAlign: 'top', width: 90 }}>
        <StatusChip status={result.status} />
      </TableCell>
      <TableCell>
        <Typography variant="body2">
          <strong>
            {result.checkId} {result.title}
          </strong>
          : {result.reason}
        </Typography>
        {result.remediation && result.status !== 'exempt' && (
          <Typography variant="body2" color="textSecondary">
            What to do: {result.remediation}
          </Typography>
        )}
        <Typography variant="caption" color="textSecondary" display="block">
          Controls: {result.mappings.map(m => m.control).join(', ')}
        </Typography>
        <EvidenceList
          evidence={result.evidence}
          total={result.evidenceTotal ?? result.evidence.length}
          source={{ entityRef: result.entityRef, checkId: result.checkId }}
        />
        {props.canRequest && result.status !== 'exempt' && (
          <Button size="small" onClick={() => props.onRequest(result)}>
            Request waiver
          </Button>
        )}
      </TableCell>
    </TableRow>
  );
}

/** Entity refs name the same person whatever their case. */
function samePerson(a: string | undefined, b: string | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US')
  );
}

export function WaiverRow(props: {
  waiver: ComplianceWaiver;
  canDecide: boolean;
  /** The signed-in user, once known; a requester never decides their own. */
  userEntityRef?: string;
  onDecide: (id: string, action: 'approve' | 'reject') => void;
}) {
  const { waiver } = props;
  const ownRequest = samePerson(waiver.requestedBy, props.userEntityRef);
  return (
    <TableRow>
      <TableCell style={{ width: 90 }}>{waiver.checkId}</TableCell>
      <TableCell>
        <Typography variant="body2">
          {codeLabel(waiver.status)} · requested by {waiver.requestedBy} ·
          expires {formatShortDate(waiver.expiresAt)}
          {waiver.decidedBy ? ` · decided by ${waiver.decidedBy}` : ''}
          {waiver.revokedBy ? ` · revoked by ${waiver.revokedBy}` : ''}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {waiver.justification}
          {waiver.compensatingControl
            ? ` (compensating control: ${waiver.compensatingControl})`
            : ''}
        </Typography>
        {props.canDecide &&
          props.userEntityRef !== undefined &&
          !ownRequest &&
          waiver.status === 'pending' && (
            <Box>
              <Button
                size="small"
                color="primary"
                onClick={() => props.onDecide(waiver.id, 'approve')}
              >
                Approve
              </Button>
              <Button
                size="small"
                onClick={() => props.onDecide(waiver.id, 'reject')}
              >
                Reject
              </Button>
            </Box>
          )}
      </TableCell>
    </TableRow>
  );
}
