import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { Link, useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import { EntityRefPicker } from '../shared/EntityRefPicker';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';
import { AttestationsPanel } from './AttestationsPanel';
import { EvidenceList } from './EvidenceList';
import {
  type ComplianceFilters,
  apiQueryOf,
  useComplianceFilters,
} from './urlFilters';
import { STATUS_LABELS, STATUS_ORDER, StatusChip } from './status';

/**
 * One control: the checks that evidence it, and every evaluated entity's
 * status with the results and records behind it.
 */
export function ComplianceControlPage(props: {
  framework?: string;
  control?: string;
}) {
  const params = useParams();
  const framework = props.framework ?? params.framework ?? '';
  const control = props.control ?? params.control ?? '';
  const api = useApi(itopsApiRef);
  // The overview's filters arrive in the URL and narrow this view too.
  const { filters, update, search } = useComplianceFilters();
  const apiQuery = apiQueryOf(filters);
  const queryKey = JSON.stringify(apiQuery);
  const view = useAsync(
    () => api.getComplianceControl(framework, control, apiQuery),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, framework, control, queryKey],
  );
  if (view.loading) return <Progress />;
  if (view.error) return <ItopsErrorPanel error={view.error} />;
  const value = view.value!;
  const entities = value.entities.filter(
    e =>
      (!filters.status || e.status === filters.status) &&
      (!filters.service ||
        e.entityRef.toLocaleLowerCase('en-US') ===
          filters.service.toLocaleLowerCase('en-US')),
  );
  return (
    // No negative margin past the page: spacing would overflow it by 12 px.
    <Grid container spacing={3} style={{ margin: 0, width: '100%' }}>
      <Grid item xs={12}>
        <Typography variant="body2">
          <Link to={`..${search}`}>Compliance overview</Link> /{' '}
          {value.framework.name}
        </Typography>
        <Typography variant="h5" component="div" role="heading" aria-level={2}>
          {value.control.id} {value.control.label}{' '}
          <StatusChip status={value.status} />
        </Typography>
        <Typography variant="body2" color="textPrimary">
          {value.control.theme} · ITOps evidence: {value.control.evidence}
          {value.framework.attribution
            ? ` · ${value.framework.attribution}`
            : ''}
        </Typography>
        {value.control.description && (
          <Typography variant="body2">{value.control.description}</Typography>
        )}
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Checks evidencing this control">
          {value.checks.length === 0 ? (
            <Typography>
              No automated check evidences this control: it needs manual
              evidence.
            </Typography>
          ) : (
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {value.checks.map(check => (
                <li key={check.id}>
                  <Typography variant="body2">
                    <strong>
                      {check.id} {check.title}
                    </strong>{' '}
                    (v{check.version}): {check.description} Thresholds:{' '}
                    {check.thresholdText}.
                  </Typography>
                </li>
              ))}
            </ul>
          )}
        </InfoCard>
      </Grid>
      {value.checks.length > 0 && (
        <Grid item xs={12}>
          <InfoCard
            title="Entities"
            subheader={[
              ...STATUS_ORDER.filter(s => value.counts[s]).map(
                s => `${STATUS_LABELS[s]} ${value.counts[s]}`,
              ),
              ...(value.waivedEntities > 0
                ? [
                    `${value.waivedEntities} of ${value.judgedEntities} entities waived`,
                  ]
                : []),
            ].join(' · ')}
            noPadding
          >
            <Box
              display="flex"
              flexWrap="wrap"
              alignItems="center"
              p={2}
              style={{ gap: 16 }}
            >
              <TextField
                id="itops-compliance-control-status"
                select
                label="Status"
                value={filters.status ?? ''}
                onChange={e =>
                  update({
                    status: (e.target.value || undefined) as
                      | ComplianceFilters['status']
                      | undefined,
                  })
                }
                style={{ minWidth: 160 }}
                SelectProps={{
                  SelectDisplayProps: { 'aria-label': 'Status' } as any,
                }}
              >
                <MenuItem value="">Any status</MenuItem>
                {STATUS_ORDER.map(s => (
                  <MenuItem key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </MenuItem>
                ))}
              </TextField>
              <EntityRefPicker
                id="itops-compliance-control-service"
                label="Service"
                kinds={['Component']}
                placeholder="Any service"
                value={filters.service ? [filters.service] : []}
                onChange={([service]) => update({ service })}
              />
              <Typography variant="body2" color="textSecondary">
                {entities.length} of {value.entities.length} entities shown
              </Typography>
            </Box>
            <Table size="small" aria-label="Entities">
              <TableHead>
                <TableRow>
                  <TableCell>Entity</TableCell>
                  <TableCell>Status</TableCell>
                  <TableCell>Results and evidence</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {entities.map(entity => (
                  <TableRow key={entity.entityRef}>
                    <TableCell>
                      <EntityRefLink entityRef={entity.entityRef} />
                      {entity.ownerRef && (
                        <Typography
                          variant="caption"
                          display="block"
                          color="textSecondary"
                        >
                          {entity.ownerRef}
                          {entity.tier ? ` · tier ${entity.tier}` : ''}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell>
                      <StatusChip status={entity.status} />
                      {entity.waivedChecks.length > 0 && (
                        <Typography
                          variant="caption"
                          display="block"
                          color="textSecondary"
                        >
                          waived: {entity.waivedChecks.join(', ')}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell>
                      {entity.results.map(result => (
                        <Box key={result.checkId} mb={1}>
                          <Typography variant="body2" component="div">
                            <StatusChip status={result.status} />{' '}
                            {result.checkId}: {result.reason}
                          </Typography>
                          {['fail', 'warn', 'no_data', 'exempt'].includes(
                            result.status,
                          ) && (
                            <EvidenceList
                              evidence={result.evidence}
                              total={
                                result.evidenceTotal ?? result.evidence.length
                              }
                              source={{
                                entityRef: result.entityRef,
                                checkId: result.checkId,
                              }}
                            />
                          )}
                        </Box>
                      ))}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </InfoCard>
        </Grid>
      )}
      <Grid item xs={12}>
        <AttestationsPanel
          framework={value.framework.id}
          control={value.control.id}
        />
      </Grid>
    </Grid>
  );
}
