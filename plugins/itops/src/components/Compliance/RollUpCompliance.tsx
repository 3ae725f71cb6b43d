import { itopsComplianceReadPermission } from '@backstage-itops/plugin-itops-common';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { itopsApiRef } from '../../api';
import { isForbiddenError } from '../shared/useAreaData';
import { STATUS_LABELS, STATUS_ORDER, formatScore } from './status';

const useStyles = makeStyles({
  score: { fontSize: '2rem', fontWeight: 700, marginRight: 16 },
});

/**
 * A team's or system's roll-up: the score over the services it owns or
 * contains, and the services worst off.
 */
export function RollUpCompliance(props: {
  kind: 'team' | 'system';
  entityRef: string;
}) {
  const classes = useStyles();
  const api = useApi(itopsApiRef);
  const read = usePermission({ permission: itopsComplianceReadPermission });
  const overview = useAsyncRetry(
    async () =>
      read.allowed
        ? api.getComplianceOverview({ [props.kind]: props.entityRef })
        : undefined,
    [api, props.kind, props.entityRef, read.allowed],
  );
  if (read.loading) return <Progress />;
  if (!read.allowed || (overview.error && isForbiddenError(overview.error))) {
    return (
      <WarningPanel
        severity="info"
        title="You do not have permission to see compliance scorecards"
        message="Reading compliance data needs the itops.compliance.read permission."
      />
    );
  }
  if (overview.error) return <ResponseErrorPanel error={overview.error} />;
  // The render on which the permission arrives comes before the request
  // starts: no value yet is loading, not an empty roll-up.
  const value = overview.value;
  if (overview.loading || !value) return <Progress />;
  if (value.entityCount === 0) {
    return (
      <EmptyState
        missing="info"
        title="No evaluated services"
        description={`No production service ${
          props.kind === 'team' ? 'owned by this team' : 'in this system'
        } has been evaluated yet.`}
      />
    );
  }
  return (
    <>
      <Box display="flex" alignItems="center" mb={1}>
        <Typography className={classes.score} aria-label="Compliance score">
          {formatScore(value.score)}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          over {value.entityCount} services ·{' '}
          {STATUS_ORDER.filter(
            s => value.counts[s as keyof typeof value.counts],
          )
            .map(
              s =>
                `${STATUS_LABELS[s]} ${
                  value.counts[s as keyof typeof value.counts]
                }`,
            )
            .join(' · ')}
        </Typography>
      </Box>
      <Table size="small" aria-label="Services worst off">
        <TableBody>
          {value.worstServices.map(service => (
            <TableRow key={service.entityRef}>
              <TableCell>
                <EntityRefLink entityRef={service.entityRef} />
              </TableCell>
              <TableCell align="right">{formatScore(service.score)}</TableCell>
              <TableCell align="right">{service.fail} failing</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
