import {
  type BreachDecisionState,
  type ComplianceBreach,
  itopsComplianceBreachDecidePermission,
} from '@backstage-itops/plugin-itops-common';
import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment, useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { itopsApiRef } from '../../api';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';
import { RelativeTime } from '../shared/RelativeTime';
import { formatDateTime } from '../shared/time';
import { BreachDecisionDialog, DECISION_LABELS } from './BreachDecisionDialog';

const PAGE_SIZE = 25;

const STATE_LABELS: Record<BreachDecisionState, string> = {
  undecided: 'No decision',
  notifiable: 'Notifiable, not yet notified',
  notified: 'Authority notified',
  not_notifiable: 'Not notifiable',
};

const useStyles = makeStyles(theme => ({
  overdue: {
    // Colour and a word: the row is marked for readers who cannot tell red.
    // Pale enough that text and links keep their 4.5:1 contrast.
    backgroundColor: theme.palette.type === 'dark' ? '#4a1c1c' : '#fdecea',
    boxShadow: `inset 4px 0 0 ${theme.palette.error.main}`,
  },
  flag: { fontWeight: 700 },
  history: { margin: 0, paddingLeft: theme.spacing(2) },
}));

/** The decisions on one breach, oldest first, as appended. */
function DecisionHistory({ breach }: { breach: ComplianceBreach }) {
  const classes = useStyles();
  if (breach.decisions.length === 0) {
    return <Typography variant="body2">No decision recorded yet.</Typography>;
  }
  return (
    <ol
      className={classes.history}
      aria-label={`History of ${breach.breachRef}`}
    >
      {breach.decisions.map(d => (
        <li key={d.id}>
          <Typography variant="body2">
            <strong>{DECISION_LABELS[d.decision]}</strong>
            {d.highRisk !== undefined &&
              ` · ${d.highRisk ? 'high risk' : 'not high risk'}`}
            {d.exemption && ` · exemption ${d.exemption}`} · decided by{' '}
            {d.decidedBy} on {formatDateTime(d.decidedAt)}
            {d.notifiedAt &&
              ` · authority notified ${formatDateTime(d.notifiedAt)}`}
            : {d.reason}
            {d.delayReason && ` (reasons for delay: ${d.delayReason})`}
            {d.link && (
              <>
                {' '}
                <Link to={d.link} underline="always">
                  record
                </Link>
              </>
            )}
          </Typography>
          {(d.recordedBy !== d.decidedBy || d.recordedAt !== d.decidedAt) && (
            <Typography variant="caption" color="textSecondary">
              recorded by {d.recordedBy} on {formatDateTime(d.recordedAt)}
            </Typography>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The 72-hour deadline: absolute, relative, and whether it has passed. */
function Deadline({ breach }: { breach: ComplianceBreach }) {
  const classes = useStyles();
  if (!breach.deadline) {
    return (
      <Typography variant="body2" className={classes.flag}>
        Unknown: awareness time not recorded
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2">{formatDateTime(breach.deadline)}</Typography>
      <Typography variant="caption">
        <RelativeTime iso={breach.deadline} />
      </Typography>
    </>
  );
}

/**
 * Personal-data breaches from the breach sources with their awareness
 * time, the 72-hour deadline of GDPR art. 33(1), the state of the decision
 * and its history; those allowed record decisions here. The overdue
 * filter and the page are in the URL.
 */
export function BreachDecisionsPage() {
  const classes = useStyles();
  const api = useApi(itopsApiRef);
  const decide = usePermission({
    permission: itopsComplianceBreachDecidePermission,
  });
  const [params, setParams] = useSearchParams();
  const overdueOnly = params.get('overdue') === 'true';
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  const [deciding, setDeciding] = useState<ComplianceBreach>();
  const [open, setOpen] = useState<Set<string>>(new Set());
  const list = useAsyncRetry(
    () =>
      api.listComplianceBreaches({
        overdue: overdueOnly || undefined,
        offset: page * PAGE_SIZE,
        limit: PAGE_SIZE,
      }),
    [api, overdueOnly, page],
  );
  const setParam = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) next.delete(key);
      else next.set(key, value);
    }
    setParams(next);
  };
  const toggle = (ref: string) =>
    setOpen(prev => {
      const next = new Set(prev);
      if (next.has(ref)) next.delete(ref);
      else next.add(ref);
      return next;
    });

  const value = list.value;
  return (
    <>
      <Box mb={2}>
        <Typography variant="body2">
          <RouterLink to="..">Compliance overview</RouterLink> / Personal-data
          breaches
        </Typography>
      </Box>
      {list.error ? (
        <ItopsErrorPanel error={list.error} />
      ) : (
        <InfoCard
          title="Personal-data breaches (GDPR art. 33, 34)"
          subheader={`Art. 33(1): a notifiable breach is notified to the supervisory authority within ${
            value?.deadlineHours ?? 72
          } hours of becoming aware of it. This deadline is the law, not a setting.`}
          noPadding
        >
          <Box px={2} py={1}>
            <FormControlLabel
              control={
                <Checkbox
                  checked={overdueOnly}
                  onChange={e =>
                    setParam({
                      overdue: e.target.checked ? 'true' : undefined,
                      page: undefined,
                    })
                  }
                  color="primary"
                />
              }
              label="Overdue only"
            />
          </Box>
          {list.loading && <Progress />}
          {value && value.total === 0 && (
            <Box p={2}>
              <Typography>
                {overdueOnly
                  ? 'No breach is overdue.'
                  : 'No incident from the breach sources is flagged as a personal-data breach.'}
              </Typography>
            </Box>
          )}
          {value && value.total > 0 && (
            <>
              <Table size="small" aria-label="Personal-data breaches">
                <TableHead>
                  <TableRow>
                    <TableCell>Breach</TableCell>
                    <TableCell>Aware since</TableCell>
                    <TableCell>72 h deadline (law)</TableCell>
                    <TableCell>Decision</TableCell>
                    <TableCell>Art. 34</TableCell>
                    <TableCell>Actions</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {value.items.map(breach => (
                    <Fragment key={breach.breachRef}>
                      <TableRow
                        className={breach.overdue ? classes.overdue : undefined}
                        data-overdue={breach.overdue}
                      >
                        <TableCell>
                          <Typography variant="body2">
                            {breach.url ? (
                              <Link to={breach.url} underline="always">
                                {breach.breachRef}
                              </Link>
                            ) : (
                              breach.breachRef
                            )}{' '}
                            {breach.title}
                          </Typography>
                          {breach.entityRefs.map(ref => (
                            <Typography
                              key={ref}
                              variant="caption"
                              display="block"
                            >
                              <EntityRefLink entityRef={ref} />
                            </Typography>
                          ))}
                        </TableCell>
                        <TableCell>
                          {breach.awareAt ? (
                            formatDateTime(breach.awareAt)
                          ) : (
                            <span className={classes.flag}>Not recorded</span>
                          )}
                        </TableCell>
                        <TableCell>
                          <Deadline breach={breach} />
                        </TableCell>
                        <TableCell>
                          <Typography variant="body2">
                            {STATE_LABELS[breach.decisionState]}
                          </Typography>
                          {breach.notifiedAt && (
                            <Typography variant="caption" display="block">
                              {formatDateTime(breach.notifiedAt)}
                            </Typography>
                          )}
                          {breach.overdue && (
                            <Typography
                              variant="body2"
                              className={classes.flag}
                            >
                              Overdue
                            </Typography>
                          )}
                        </TableCell>
                        <TableCell>
                          <Typography variant="body2">
                            {breach.highRisk === undefined &&
                              'Risk not assessed'}
                            {breach.highRisk === true && 'High risk'}
                            {breach.highRisk === false && 'Not high risk'}
                          </Typography>
                          {breach.communication && (
                            <Typography variant="caption" display="block">
                              {breach.communication === 'communicated'
                                ? 'Communicated to data subjects'
                                : 'Exempt from communication'}
                            </Typography>
                          )}
                        </TableCell>
                        <TableCell>
                          <Box
                            display="flex"
                            flexWrap="wrap"
                            style={{ gap: 4 }}
                          >
                            <Button
                              size="small"
                              aria-expanded={open.has(breach.breachRef)}
                              onClick={() => toggle(breach.breachRef)}
                            >
                              History ({breach.decisions.length})
                            </Button>
                            {decide.allowed && (
                              <Button
                                size="small"
                                color="primary"
                                variant="outlined"
                                onClick={() => setDeciding(breach)}
                              >
                                Record decision
                              </Button>
                            )}
                          </Box>
                        </TableCell>
                      </TableRow>
                      {open.has(breach.breachRef) && (
                        <TableRow>
                          <TableCell colSpan={6}>
                            <DecisionHistory breach={breach} />
                          </TableCell>
                        </TableRow>
                      )}
                    </Fragment>
                  ))}
                </TableBody>
              </Table>
              <TablePagination
                component="div"
                count={value.total}
                page={page}
                rowsPerPage={PAGE_SIZE}
                rowsPerPageOptions={[PAGE_SIZE]}
                onPageChange={(_, next) =>
                  setParam({ page: next ? String(next) : undefined })
                }
              />
            </>
          )}
          {!decide.loading && !decide.allowed && (
            <Box p={2}>
              <Typography variant="body2">
                Recording decisions needs the itops.compliance.breach.decide
                permission.
              </Typography>
            </Box>
          )}
          {deciding && (
            <BreachDecisionDialog
              breach={deciding}
              onClose={() => setDeciding(undefined)}
              onRecorded={() => {
                setOpen(prev => new Set(prev).add(deciding.breachRef));
                setDeciding(undefined);
                list.retry();
              }}
            />
          )}
        </InfoCard>
      )}
    </>
  );
}
