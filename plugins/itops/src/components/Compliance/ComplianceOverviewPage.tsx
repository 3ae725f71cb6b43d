import type {
  ComplianceHeatmapControl,
  ComplianceOverview,
} from '@backstage-itops/plugin-itops-common';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { DateTime } from 'luxon';
import { Link } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import { EntityRefPicker } from '../shared/EntityRefPicker';
import { isForbiddenError } from '../shared/useAreaData';
import { ExportButtons } from './ExportButtons';
import { apiQueryOf, useComplianceFilters } from './urlFilters';
import {
  STATUS_COLORS,
  STATUS_LABELS,
  STATUS_ORDER,
  StatusChip,
  ScoreCaption,
  formatScore,
  scoreOf,
} from './status';

const useStyles = makeStyles(theme => ({
  score: { fontSize: '2.5rem', fontWeight: 700, lineHeight: 1.1 },
  themeRow: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: 4,
    marginBottom: theme.spacing(1),
  },
  cell: {
    width: 64,
    height: 36,
    borderRadius: 4,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    fontSize: '0.7rem',
    fontWeight: 600,
    textDecoration: 'none',
  },
  filters: {
    display: 'flex',
    gap: theme.spacing(2),
    flexWrap: 'wrap',
    alignItems: 'center',
    // On the paper colour the fields' grey labels reach 4.5:1 (on the
    // page's grey background they do not, in the light theme).
    padding: theme.spacing(1.5),
    background: theme.palette.background.paper,
    borderRadius: theme.shape.borderRadius,
  },
}));

/** Controls × status: one tile per control, coloured by its roll-up. */
function Heatmap(props: {
  framework: string;
  controls: ComplianceHeatmapControl[];
  /** The page's filters, carried to the control page. */
  search: string;
}) {
  const classes = useStyles();
  const themes = [...new Set(props.controls.map(c => c.theme))];
  return (
    <>
      {themes.map(theme => (
        <Box key={theme}>
          <Typography variant="subtitle2">{theme}</Typography>
          <div className={classes.themeRow}>
            {props.controls
              .filter(c => c.theme === theme)
              .map(control => {
                const colors = STATUS_COLORS[control.status];
                const counts = STATUS_ORDER.filter(s => control.entityCounts[s])
                  .map(s => `${STATUS_LABELS[s]} ${control.entityCounts[s]}`)
                  .join(', ');
                return (
                  <Tooltip
                    key={control.id}
                    title={`${control.id} ${control.label}: ${
                      STATUS_LABELS[control.status]
                    }${
                      counts ? ` (${counts} entities)` : ' (no automated check)'
                    }${
                      control.waivedEntities > 0
                        ? `, ${control.waivedEntities} of ${control.judgedEntities} waived`
                        : ''
                    }`}
                  >
                    <Link
                      to={`${encodeURIComponent(
                        props.framework,
                      )}/${encodeURIComponent(control.id)}${props.search}`}
                      className={classes.cell}
                      style={{ backgroundColor: colors.bg, color: colors.fg }}
                      aria-label={`${control.id} ${
                        STATUS_LABELS[control.status]
                      }`}
                      data-status={control.status}
                    >
                      {control.id}
                    </Link>
                  </Tooltip>
                );
              })}
          </div>
        </Box>
      ))}
    </>
  );
}

/** Score over the snapshots in the trend window, as a small line. */
export function TrendLine(props: { trend: ComplianceOverview['trend'] }) {
  const points = props.trend
    .map(p => ({ at: Date.parse(p.takenAt), score: scoreOf(p.counts) }))
    .filter((p): p is { at: number; score: number } => p.score !== null);
  if (points.length < 2) {
    return (
      <Typography variant="body2" color="textSecondary">
        The trend appears after two evaluations.
      </Typography>
    );
  }
  const width = 480;
  const height = 120;
  const [t0, t1] = [points[0].at, points[points.length - 1].at];
  const x = (at: number) =>
    ((at - t0) / Math.max(1, t1 - t0)) * (width - 20) + 10;
  const y = (score: number) => height - 10 - score * (height - 20);
  return (
    <svg
      width="100%"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="Score trend"
    >
      <line x1={10} x2={width - 10} y1={y(1)} y2={y(1)} stroke="#ddd" />
      <line x1={10} x2={width - 10} y1={y(0)} y2={y(0)} stroke="#ddd" />
      <polyline
        fill="none"
        stroke="#1565c0"
        strokeWidth={2}
        points={points.map(p => `${x(p.at)},${y(p.score)}`).join(' ')}
      />
      {points.map(p => (
        <circle key={p.at} cx={x(p.at)} cy={y(p.score)} r={3} fill="#1565c0">
          <title>{`${DateTime.fromMillis(p.at).toLocaleString(
            DateTime.DATETIME_MED,
          )}: ${formatScore(p.score)}`}</title>
        </circle>
      ))}
    </svg>
  );
}

function Ranking(props: {
  title: string;
  rows: Array<{
    ref: string;
    score: number | null;
    fail: number;
    warn: number;
    noData: number;
  }>;
}) {
  return (
    <InfoCard title={props.title} noPadding>
      <Table size="small" aria-label={props.title}>
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell align="right">Score</TableCell>
            <TableCell align="right">Fail</TableCell>
            <TableCell align="right">Warn</TableCell>
            <TableCell align="right">No data</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.rows.map(row => (
            <TableRow key={row.ref}>
              <TableCell>
                {row.ref.includes(':') ? (
                  <EntityRefLink entityRef={row.ref} />
                ) : (
                  row.ref
                )}
              </TableCell>
              <TableCell align="right">{formatScore(row.score)}</TableCell>
              <TableCell align="right">{row.fail}</TableCell>
              <TableCell align="right">{row.warn}</TableCell>
              <TableCell align="right">{row.noData}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}

/**
 * The organisation's compliance at a glance: score per framework, controls
 * × status heatmap, worst teams and services, and the trend, filtered by
 * framework, system, team and tier, now or at a past date.
 */
export function ComplianceOverviewPage() {
  const classes = useStyles();
  const api = useApi(itopsApiRef);
  // The filters live in the URL, so a view can be shared and reloaded.
  const { filters: query, update: set, search } = useComplianceFilters();
  const apiQuery = apiQueryOf(query);
  const queryKey = JSON.stringify(apiQuery);
  const catalogue = useAsync(() => api.getComplianceCatalogue(), [api]);
  const overview = useAsync(
    () => api.getComplianceOverview(apiQuery),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, queryKey],
  );

  if (overview.error && isForbiddenError(overview.error)) {
    return (
      <WarningPanel
        severity="info"
        title="You do not have permission to see compliance scorecards"
        message="Reading compliance data needs the itops.compliance.read permission; ask your Backstage administrator for it."
        defaultExpanded
      />
    );
  }
  const frameworks = catalogue.value?.frameworks ?? [];
  const value = overview.value;
  return (
    // No negative margin past the page: spacing would overflow it by 12 px.
    <Grid container spacing={3} style={{ margin: 0, width: '100%' }}>
      <Grid item xs={12}>
        <Typography variant="body2" component="nav" aria-label="Compliance">
          <Link to="breaches">Personal-data breaches (GDPR art. 33, 34)</Link>
          {' · '}
          <Link to="waivers">Waiver inbox</Link>
          {' · '}
          <Link to="soa">Statement of Applicability</Link>
        </Typography>
      </Grid>
      <Grid item xs={12}>
        <div className={classes.filters}>
          <TextField
            id="itops-compliance-framework"
            select
            label="Framework"
            value={query.framework ?? ''}
            onChange={e => set({ framework: e.target.value || undefined })}
            style={{ minWidth: 220 }}
            SelectProps={{
              SelectDisplayProps: { 'aria-label': 'Framework' } as any,
            }}
          >
            <MenuItem value="">All frameworks</MenuItem>
            {frameworks.map(f => (
              <MenuItem key={f.id} value={f.id}>
                {f.name}
              </MenuItem>
            ))}
          </TextField>
          <EntityRefPicker
            id="itops-compliance-team"
            label="Team"
            kinds={['Group']}
            placeholder="Any team"
            value={query.team ? [query.team] : []}
            onChange={([team]) => set({ team })}
          />
          <EntityRefPicker
            id="itops-compliance-system"
            label="System"
            kinds={['System']}
            placeholder="Any system"
            value={query.system ? [query.system] : []}
            onChange={([system]) => set({ system })}
          />
          <TextField
            id="itops-compliance-tier"
            select
            label="Tier"
            value={query.tier ?? ''}
            onChange={e =>
              set({ tier: e.target.value ? Number(e.target.value) : undefined })
            }
            style={{ minWidth: 100 }}
          >
            <MenuItem value="">All</MenuItem>
            {[1, 2, 3, 4].map(t => (
              <MenuItem key={t} value={t}>
                Tier {t}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            id="itops-compliance-as-of"
            label="As of date"
            type="date"
            InputLabelProps={{ shrink: true }}
            value={query.at ?? ''}
            onChange={e => set({ at: e.target.value || undefined })}
          />
        </div>
      </Grid>
      {overview.loading && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {overview.error && !isForbiddenError(overview.error) && (
        <Grid item xs={12}>
          <ResponseErrorPanel error={overview.error} />
        </Grid>
      )}
      {value && !value.snapshot && (
        <Grid item xs={12}>
          <WarningPanel
            severity="info"
            title="No compliance evaluation yet"
            message="Evaluations run on a schedule (daily by default); the scorecards appear after the first one."
          />
        </Grid>
      )}
      {value?.snapshot && (
        <>
          <Grid item xs={12}>
            <Typography variant="body2" color="textPrimary">
              {value.entityCount} services as of{' '}
              {DateTime.fromISO(value.snapshot.takenAt).toLocaleString(
                DateTime.DATETIME_MED,
              )}
              . Exempt and not-applicable results are not counted as passing;
              controls without an automated check need manual evidence.
            </Typography>
            <Box mt={1}>
              <ExportButtons
                snapshotId={value.snapshot.id}
                takenAt={value.snapshot.takenAt}
                framework={
                  query.framework ?? value.frameworks[0]?.id ?? 'iso27001-2022'
                }
                at={query.at}
              />
            </Box>
          </Grid>
          {value.frameworks.map(framework => (
            <Grid item xs={12} key={framework.id}>
              <InfoCard
                title={framework.name}
                subheader={framework.attribution}
              >
                <Grid container spacing={2}>
                  <Grid item xs={12} md={3}>
                    <Typography
                      className={classes.score}
                      aria-label={`${framework.name} score`}
                    >
                      {formatScore(framework.score)}
                    </Typography>
                    <ScoreCaption
                      score={framework.score}
                      scoreIfWaiversHeld={framework.scoreIfWaiversHeld}
                    />
                    <Box
                      mt={1}
                      display="flex"
                      flexWrap="wrap"
                      style={{ gap: 4 }}
                    >
                      {STATUS_ORDER.filter(s => framework.controlCounts[s]).map(
                        s => (
                          <Typography
                            key={s}
                            variant="caption"
                            component="span"
                          >
                            <StatusChip status={s} />{' '}
                            {framework.controlCounts[s]} controls
                          </Typography>
                        ),
                      )}
                    </Box>
                  </Grid>
                  <Grid item xs={12} md={9}>
                    <Heatmap
                      framework={framework.id}
                      controls={framework.controls}
                      search={search}
                    />
                  </Grid>
                </Grid>
              </InfoCard>
            </Grid>
          ))}
          <Grid item xs={12} md={6}>
            <Ranking
              title="Worst teams"
              rows={value.worstTeams.map(({ ownerRef, ...r }) => ({
                ref: ownerRef,
                ...r,
              }))}
            />
          </Grid>
          <Grid item xs={12} md={6}>
            <Ranking
              title="Worst services"
              rows={value.worstServices.map(({ entityRef, ...r }) => ({
                ref: entityRef,
                ...r,
              }))}
            />
          </Grid>
          <Grid item xs={12}>
            <InfoCard title="Trend (last 90 days)">
              <TrendLine trend={value.trend} />
            </InfoCard>
          </Grid>
        </>
      )}
    </Grid>
  );
}
