import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import InfoOutlinedIcon from '@material-ui/icons/InfoOutlined';
import { DateTime, Interval } from 'luxon';
import { useState } from 'react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  type ItopsEntityKpis,
  type ItopsKpiTrendBucket,
  type ItopsTimeWindow,
  itopsApiRef,
} from '../../api';
import { FreshnessNote, useFreshness } from '../shared/Freshness';
import { formatShortDate } from '../shared/time';
import { isForbiddenError } from '../shared/useAreaData';
import {
  KPI_DEFINITIONS,
  type KpiDefinition,
  TREND_BUCKETS,
  windowDays,
} from './kpis';
import { Sparkline } from './Sparkline';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';

/** The period of a window as the user reads it, e.g. "Sep 8 – Dec 7, 2026". */
function periodText(window: ItopsTimeWindow): string {
  return Interval.fromDateTimes(
    DateTime.fromISO(window.from),
    DateTime.fromISO(window.to),
  ).toLocaleString(DateTime.DATE_MED);
}

function KpiTile(props: {
  definition: KpiDefinition;
  kpis: ItopsEntityKpis;
  trend?: ItopsKpiTrendBucket[];
  days: number;
}) {
  const { definition, kpis, trend, days } = props;
  const [open, setOpen] = useState(false);
  const reading = definition.read(kpis);
  const headingId = `itops-kpi-${definition.id}`;
  const detailsId = `${headingId}-details`;
  const readTrend = definition.readTrend;
  const points =
    trend && readTrend ? trend.map(bucket => readTrend(bucket)) : undefined;
  const defined = (points ?? []).filter((v): v is number => v !== null);
  return (
    <Box
      component="section"
      aria-labelledby={headingId}
      p={1.5}
      border={1}
      borderColor="divider"
      borderRadius={4}
      height="100%"
    >
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography id={headingId} variant="overline" component="h3">
          {definition.title}
        </Typography>
        <IconButton
          size="small"
          aria-label={`How ${definition.title} is computed`}
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen(!open)}
        >
          <InfoOutlinedIcon fontSize="small" />
        </IconButton>
      </Box>
      {reading.forbidden ? (
        <Typography variant="body2" color="textSecondary">
          No permission
        </Typography>
      ) : (
        <>
          <Typography variant="h5" component="p">
            {reading.value === null
              ? 'No data'
              : definition.format(reading.value)}
          </Typography>
          <Typography variant="caption" color="textSecondary" component="p">
            {reading.basis}
          </Typography>
          {reading.value === null && definition.noDataHint && (
            <Typography variant="caption" component="p">
              {definition.noDataHint}
            </Typography>
          )}
          {points && trend && defined.length > 0 && (
            <Sparkline
              values={points}
              label={`${definition.title} trend over the last ${days} days`}
              width={140}
              height={36}
              axes={{
                yMax: definition.format(Math.max(...defined)),
                yMin: definition.format(Math.min(...defined)),
                xStart: formatShortDate(trend[0].window.from),
                xEnd: formatShortDate(trend[trend.length - 1].window.to),
              }}
              pointTitles={trend.map((bucket, i) => {
                const value = points[i];
                return `${periodText(bucket.window)}: ${
                  value === null ? 'no data' : definition.format(value)
                }`;
              })}
            />
          )}
        </>
      )}
      <Collapse in={open}>
        <Box id={detailsId} mt={1}>
          <Typography variant="body2">{definition.description}</Typography>
          <Typography variant="body2">
            Period: {periodText(kpis.window)} ({days} days)
          </Typography>
          {!reading.forbidden && (
            <Typography variant="body2">Sample: {reading.basis}</Typography>
          )}
        </Box>
      </Collapse>
    </Box>
  );
}

/** The headline KPI tiles of a KPI response, with optional trends. */
export function KpiTiles(props: {
  kpis: ItopsEntityKpis;
  trend?: ItopsKpiTrendBucket[];
}) {
  const { kpis, trend } = props;
  const days = windowDays(kpis.window);
  return (
    <Grid container spacing={2}>
      {KPI_DEFINITIONS.map(definition => (
        <Grid item xs={12} sm={6} md={3} key={definition.id}>
          <KpiTile
            definition={definition}
            kpis={kpis}
            trend={trend}
            days={days}
          />
        </Grid>
      ))}
    </Grid>
  );
}

/** The syncs the KPIs are computed from. */
const KPI_CAPABILITIES = ['incidents', 'changes', 'backups'];
/**
 * MTTR, MTTA, MTTD, MTBF, change success rate, emergency-change share and
 * backup success rate over the backend's KPI window (90 days by default),
 * those the trend route serves with a sparkline across it; each tile's
 * definition, period and sample one click away.
 *
 * @public
 */
export function EntityKpiCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(itopsApiRef);
  const freshness = useFreshness();
  const headline = useAsync(
    () => api.getEntityKpis(entityRef),
    [api, entityRef],
  );
  // The trend loads after the headline so the tiles never wait for it.
  const trend = useAsync(async () => {
    if (!headline.value) {
      return undefined;
    }
    const { buckets } = await api.getEntityKpiTrend(entityRef, {
      ...headline.value.window,
      buckets: TREND_BUCKETS,
    });
    return buckets;
  }, [api, entityRef, headline.value]);

  let content;
  if (headline.loading) {
    content = <Progress aria-label="Loading KPIs" />;
  } else if (headline.error) {
    content = isForbiddenError(headline.error) ? (
      <Typography variant="body2">
        You do not have permission to see incident, change or backup KPIs.
      </Typography>
    ) : (
      <ItopsErrorPanel error={headline.error} />
    );
  } else if (headline.value) {
    content = (
      <>
        <KpiTiles kpis={headline.value} trend={trend.value} />
        <FreshnessNote capabilities={KPI_CAPABILITIES} items={freshness} />
      </>
    );
  }
  const days = headline.value ? windowDays(headline.value.window) : undefined;
  return (
    <InfoCard title={days ? `KPIs, last ${days} days` : 'KPIs'}>
      {content}
    </InfoCard>
  );
}
