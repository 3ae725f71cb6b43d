import {
  type ComplianceWaiver,
  itopsComplianceWaiverApprovePermission,
  itopsComplianceWaiverCreatePermission,
} from '@backstage-itops/plugin-itops-common';
import { InfoCard, Progress } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Fragment, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { itopsApiRef } from '../../api';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';
import { RelativeTime } from '../shared/RelativeTime';
import { formatDateTime } from '../shared/time';
import {
  type WaiverAction,
  WaiverActionDialog,
  sameIdentity,
} from './WaiverActionDialog';

/** How far ahead the inbox looks for approved waivers about to end. */
const EXPIRING_DAYS = 30;

const EVENT_LABELS: Record<string, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  revoke: 'Revoked',
  expire: 'Expired',
};

/** The request and every appended event of one waiver, oldest first. */
function WaiverHistory({ waiver }: { waiver: ComplianceWaiver }) {
  return (
    <ol
      style={{ margin: 0, paddingLeft: 16 }}
      aria-label={`History of waiver ${waiver.id}`}
    >
      <li>
        <Typography variant="body2">
          Requested by {waiver.requestedBy} on{' '}
          {formatDateTime(waiver.requestedAt)}: {waiver.justification}
          {waiver.compensatingControl &&
            ` (compensating control: ${waiver.compensatingControl})`}
        </Typography>
      </li>
      {waiver.events.map((event, i) => (
        <li key={`${event.event}-${event.at}-${i}`}>
          <Typography variant="body2">
            {EVENT_LABELS[event.event] ?? event.event} by {event.actor} on{' '}
            {formatDateTime(event.at)}
            {event.comment && `: ${event.comment}`}
          </Typography>
        </li>
      ))}
    </ol>
  );
}

/**
 * One list of the inbox. Approve and reject are offered to approvers who
 * did not request the waiver (compared case-insensitively, as the backend
 * does); revoke to approvers and to the requester of their own waiver.
 */
function WaiverTable(props: {
  title: string;
  waivers: ComplianceWaiver[];
  empty: string;
  me?: string;
  canApprove: boolean;
  canRequest: boolean;
  onAction: (waiver: ComplianceWaiver, action: WaiverAction) => void;
}) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setOpen(prev => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <InfoCard title={`${props.title} (${props.waivers.length})`} noPadding>
      {props.waivers.length === 0 ? (
        <Box p={2}>
          <Typography variant="body2">{props.empty}</Typography>
        </Box>
      ) : (
        <Table size="small" aria-label={props.title}>
          <TableHead>
            <TableRow>
              <TableCell>Check and entity</TableCell>
              <TableCell>Requested</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {props.waivers.map(waiver => {
              const own =
                props.me !== undefined &&
                sameIdentity(props.me, waiver.requestedBy);
              const live =
                waiver.status === 'pending' || waiver.status === 'approved';
              const decidable =
                waiver.status === 'pending' &&
                props.canApprove &&
                props.me !== undefined &&
                !own;
              const revocable =
                live && (props.canApprove || (own && props.canRequest));
              return (
                <Fragment key={waiver.id}>
                  <TableRow>
                    <TableCell>
                      <Typography variant="body2">
                        <strong>{waiver.checkId}</strong> · {waiver.status}
                      </Typography>
                      <EntityRefLink entityRef={waiver.entityRef} />
                    </TableCell>
                    <TableCell>
                      <Typography variant="body2">
                        {waiver.requestedBy}
                        {own && ' (you)'}
                      </Typography>
                      <Typography variant="caption">
                        <RelativeTime iso={waiver.requestedAt} />
                      </Typography>
                    </TableCell>
                    <TableCell>
                      <Typography variant="body2">
                        {formatDateTime(waiver.expiresAt)}
                      </Typography>
                      <Typography variant="caption">
                        <RelativeTime iso={waiver.expiresAt} />
                      </Typography>
                    </TableCell>
                    <TableCell>
                      <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
                        <Button
                          size="small"
                          aria-expanded={open.has(waiver.id)}
                          onClick={() => toggle(waiver.id)}
                        >
                          History ({waiver.events.length + 1})
                        </Button>
                        {decidable && (
                          <>
                            <Button
                              size="small"
                              color="primary"
                              variant="outlined"
                              onClick={() => props.onAction(waiver, 'approve')}
                            >
                              Approve
                            </Button>
                            <Button
                              size="small"
                              variant="outlined"
                              onClick={() => props.onAction(waiver, 'reject')}
                            >
                              Reject
                            </Button>
                          </>
                        )}
                        {revocable && (
                          <Button
                            size="small"
                            variant="outlined"
                            onClick={() => props.onAction(waiver, 'revoke')}
                          >
                            Revoke
                          </Button>
                        )}
                      </Box>
                      {own &&
                        waiver.status === 'pending' &&
                        props.canApprove && (
                          <Typography variant="caption" display="block">
                            You requested it: another approver decides.
                          </Typography>
                        )}
                    </TableCell>
                  </TableRow>
                  {open.has(waiver.id) && (
                    <TableRow>
                      <TableCell colSpan={4}>
                        <WaiverHistory waiver={waiver} />
                      </TableCell>
                    </TableRow>
                  )}
                </Fragment>
              );
            })}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/**
 * The approvers' inbox: waivers pending a decision, approved ones that
 * expire in the next 30 days, and expired ones, each with its history.
 */
export function WaiverInboxPage() {
  const api = useApi(itopsApiRef);
  const identityApi = useApi(identityApiRef);
  const approve = usePermission({
    permission: itopsComplianceWaiverApprovePermission,
  });
  const request = usePermission({
    permission: itopsComplianceWaiverCreatePermission,
  });
  const me = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  const lists = useAsyncRetry(async () => {
    const [pending, expiring, expired] = await Promise.all([
      api.listComplianceWaivers({ status: 'pending' }),
      api.getExpiringComplianceWaivers(EXPIRING_DAYS),
      api.listComplianceWaivers({ status: 'expired' }),
    ]);
    return { pending, expiring, expired };
  }, [api]);
  const [acting, setActing] = useState<{
    waiver: ComplianceWaiver;
    action: WaiverAction;
  }>();

  const crumbs = (
    <Typography variant="body2">
      <RouterLink to="..">Compliance overview</RouterLink> / Waiver inbox
    </Typography>
  );
  if (lists.error) {
    return (
      <>
        {crumbs}
        <ItopsErrorPanel error={lists.error} />
      </>
    );
  }
  if (lists.loading && !lists.value) return <Progress />;
  const value = lists.value!;
  const common = {
    me: me.value,
    canApprove: Boolean(approve.allowed),
    canRequest: Boolean(request.allowed),
    onAction: (waiver: ComplianceWaiver, action: WaiverAction) =>
      setActing({ waiver, action }),
  };
  return (
    <Grid container spacing={3} style={{ margin: 0, width: '100%' }}>
      <Grid item xs={12}>
        {crumbs}
      </Grid>
      {!approve.loading && !approve.allowed && (
        <Grid item xs={12}>
          <Typography variant="body2">
            Approving or rejecting waivers needs the
            itops.compliance.waiver.approve permission; you can read the
            register and withdraw your own requests.
          </Typography>
        </Grid>
      )}
      <Grid item xs={12}>
        <WaiverTable
          title="Pending approval"
          waivers={value.pending}
          empty="No waiver is waiting for a decision."
          {...common}
        />
      </Grid>
      <Grid item xs={12}>
        <WaiverTable
          title={`Expiring in the next ${EXPIRING_DAYS} days`}
          waivers={value.expiring}
          empty={`No approved waiver expires in the next ${EXPIRING_DAYS} days.`}
          {...common}
        />
      </Grid>
      <Grid item xs={12}>
        <WaiverTable
          title="Expired"
          waivers={value.expired}
          empty="No waiver has expired."
          {...common}
        />
      </Grid>
      {acting && (
        <WaiverActionDialog
          waiver={acting.waiver}
          action={acting.action}
          onClose={() => setActing(undefined)}
          onDone={() => {
            setActing(undefined);
            lists.retry();
          }}
        />
      )}
    </Grid>
  );
}
