import { ITOPS_ANNOTATIONS } from '@backstage-itops/plugin-itops-common';
import {
  CodeSnippet,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import { getSourceLinks, type SourceLink } from './sourceLinks';

const EXAMPLE_ANNOTATIONS = `metadata:
  annotations:
    ${ITOPS_ANNOTATIONS.servicenowService}: Payments API
    ${ITOPS_ANNOTATIONS.jiraProject}: PAY
    ${ITOPS_ANNOTATIONS.veeamJob}: Payments DB - Hourly`;

/**
 * The ITOps tab of an entity page.
 *
 * @public
 */
export function EntityItopsContent() {
  const { entity } = useEntity();
  const links = getSourceLinks(entity);

  if (links.length === 0) {
    return (
      <EmptyState
        missing="field"
        title="No ITOps links for this entity"
        description="Add ITOps annotations to the entity's catalog-info.yaml to link it to ServiceNow, Jira Service Management and Veeam records."
        action={<CodeSnippet language="yaml" text={EXAMPLE_ANNOTATIONS} />}
      />
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={8}>
        <SourceLinksCard links={links} />
      </Grid>
      <Grid item xs={12} md={4}>
        <BackendStatusCard />
      </Grid>
    </Grid>
  );
}

function SourceLinksCard({ links }: { links: SourceLink[] }) {
  return (
    <InfoCard title="Linked records" subheader="From this entity's annotations">
      <Table size="small" aria-label="ITOps links">
        <TableHead>
          <TableRow>
            <TableCell>System</TableCell>
            <TableCell>Link</TableCell>
            <TableCell>Value</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {links.map(link => (
            <TableRow key={link.annotation}>
              <TableCell>{link.system}</TableCell>
              <TableCell title={link.annotation}>{link.label}</TableCell>
              <TableCell>{link.values.join(', ')}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}

function BackendStatusCard() {
  const itopsApi = useApi(itopsApiRef);
  const {
    value: health,
    loading,
    error,
  } = useAsync(() => itopsApi.getHealth(), [itopsApi]);

  return (
    <InfoCard title="ITOps backend">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {health && (
        <>
          <Typography variant="body2" component="div">
            {health.database.reachable ? (
              <StatusOK>Database reachable ({health.database.client})</StatusOK>
            ) : (
              <StatusError>
                Database unreachable: {health.database.error}
              </StatusError>
            )}
          </Typography>
          <Typography variant="body2" component="div">
            {health.sources.length > 0 ? (
              <StatusOK>
                Sources:{' '}
                {health.sources
                  .map(source => `${source.type}/${source.instance}`)
                  .join(', ')}
              </StatusOK>
            ) : (
              <StatusWarning>
                No source instances configured under itops.servicenow,
                itops.jira or itops.veeam
              </StatusWarning>
            )}
          </Typography>
        </>
      )}
    </InfoCard>
  );
}
