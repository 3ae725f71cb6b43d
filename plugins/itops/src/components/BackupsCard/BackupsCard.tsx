import {
  ITOPS_ANNOTATIONS,
  getItopsAnnotations,
  parseIsoDuration,
} from '@backstage-itops/plugin-itops-common';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ItopsBackupJobDetail, ItopsBackupResult } from '../../api';
import { AreaCard } from '../shared/AreaCard';
import { Truncated } from '../shared/Truncated';
import { RelativeTime } from '../shared/RelativeTime';
import { RecordLink } from '../shared/RecordLink';
import {
  formatAge,
  formatDateTime,
  formatDuration,
  formatPercent,
} from '../shared/time';
import { useAreaData } from '../shared/useAreaData';

const RESULT_LABELS: Record<ItopsBackupResult, string> = {
  success: 'Success',
  warning: 'Warning',
  failed: 'Failed',
  running: 'Running',
};

export function BackupResultStatus({ result }: { result?: ItopsBackupResult }) {
  switch (result) {
    case 'success':
      return <StatusOK>{RESULT_LABELS.success}</StatusOK>;
    case 'warning':
      return <StatusWarning>{RESULT_LABELS.warning}</StatusWarning>;
    case 'failed':
      return <StatusError>{RESULT_LABELS.failed}</StatusError>;
    case 'running':
      return <StatusRunning>{RESULT_LABELS.running}</StatusRunning>;
    default:
      return <StatusPending>Not run</StatusPending>;
  }
}

/** The entity's recovery point objective in ms, from `itops.io/rpo`. */
export function rpoOf(entity: Entity): number | undefined {
  const value = getItopsAnnotations(entity)[ITOPS_ANNOTATIONS.rpo]?.[0];
  if (!value) {
    return undefined;
  }
  const rpo = parseIsoDuration(value, ITOPS_ANNOTATIONS.rpo);
  return rpo.ok ? rpo.ms : undefined;
}

function LastSuccess(props: { job: ItopsBackupJobDetail; rpoMs?: number }) {
  const { job, rpoMs } = props;
  if (!job.lastSuccessAt) {
    return <StatusError>Never</StatusError>;
  }
  const age = Date.now() - Date.parse(job.lastSuccessAt);
  const text = `${formatAge(job.lastSuccessAt)} ago`;
  if (rpoMs !== undefined && age > rpoMs) {
    return (
      <StatusError>
        {text} (older than the RPO of {formatDuration(rpoMs)})
      </StatusError>
    );
  }
  return <span title={formatDateTime(job.lastSuccessAt)}>{text}</span>;
}

function NextRun({ job }: { job: ItopsBackupJobDetail }) {
  if (job.enabled === false) {
    return <>Disabled</>;
  }
  return job.nextRunAt ? <RelativeTime iso={job.nextRunAt} /> : <>–</>;
}

function RestoreTest({ job }: { job: ItopsBackupJobDetail }) {
  const test = job.lastRestoreTest;
  if (!test) {
    return <StatusPending>Never tested</StatusPending>;
  }
  return (
    <span title={formatDateTime(test.startedAt)}>
      {formatAge(test.startedAt)} ago, {RESULT_LABELS[test.result]}
    </span>
  );
}

export function BackupJobTable(props: {
  jobs: ItopsBackupJobDetail[];
  rpoMs?: number;
}) {
  const { jobs, rpoMs } = props;
  return (
    <Table size="small" aria-label="Backup jobs">
      <TableHead>
        <TableRow>
          <TableCell>Job</TableCell>
          <TableCell>Last result</TableCell>
          <TableCell>Last success</TableCell>
          <TableCell>Next run</TableCell>
          <TableCell>Restore test</TableCell>
          <TableCell>Success (30 d)</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {jobs.map(job => (
          <TableRow key={`${job.sourceType}/${job.externalId}`}>
            <TableCell>
              <RecordLink record={job}>
                <Truncated text={job.name} maxWidth="30vw" />
              </RecordLink>
            </TableCell>
            <TableCell>
              <BackupResultStatus result={job.lastResult} />
            </TableCell>
            <TableCell>
              <LastSuccess job={job} rpoMs={rpoMs} />
            </TableCell>
            <TableCell>
              <NextRun job={job} />
            </TableCell>
            <TableCell>
              <RestoreTest job={job} />
            </TableCell>
            <TableCell>
              {job.successRate30d === null
                ? 'No runs'
                : `${formatPercent(job.successRate30d)} of ${job.runs30d}`}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The entity's backup jobs: last result, age of the last success (against
 * the entity's RPO), next run, last restore test and 30-day success rate.
 *
 * @public
 */
export function EntityBackupsCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const data = useAreaData('backups', api => api.getEntityBackups(entityRef), [
    entityRef,
  ]);
  return (
    <AreaCard area="backups" entity={entity} title="Backups" data={data}>
      {({ jobs }) =>
        jobs.length > 0 ? (
          <BackupJobTable jobs={jobs} rpoMs={rpoOf(entity)} />
        ) : (
          <Typography variant="body2">
            No backup jobs protect this entity.
          </Typography>
        )
      }
    </AreaCard>
  );
}
