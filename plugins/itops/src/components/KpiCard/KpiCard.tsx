import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  type ItopsEntityKpis,
  type ItopsKpiTrendBucket,
  itopsApiRef,
} from '../../api';
import { isForbiddenError } from '../shared/useAreaData';
import {
  KPI_DEFINITIONS,
  type KpiDefinition,
  TREND_BUCKETS,
  windowDays,
} from './kpis';
import { Sparkline } from './Sparkline';
import { ItopsErrorPanel } from '../shared/ItopsErrorPanel';

function KpiTile(props: {
  definition: KpiDefinition;
  kpis: ItopsEntityKpis;
  trend?: ItopsKpiTrendBucket[];
  days: number;
}) {
  const { definition, kpis, trend, days } = props;
  const reading = definition.read(kpis);
  const headingId = `itops-kpi-${definition.id}`;
  const points = trend?.map(bucket => {
    const value = definition.read(bucket);
    return value.forbidden ? null : value.value;
  });
  return (
    <Box
      component="section"
      aria-labelledby={headingId}
      title={definition.description}
      p={1.5}
      border={1}
      borderColor="divider"
      borderRadius={4}
      height="100%"
    >
      <Typography id={headingId} variant="overline" component="h3">
        {definition.title}
      </Typography>
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
          {points && (
            <Sparkline
              values={points}
              label={`${definition.title} trend over the last ${days} days`}
            />
          )}
        </>
      )}
    </Box>
  );
}

/** The four headline KPI tiles of a KPI response, with optional trends. */
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

/**
 * MTTR, MTBF, change and backup success rate over the backend's KPI window
 * (90 days by default), each with its trend across the window.
 *
 * @public
 */
export function EntityKpiCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(itopsApiRef);
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
    content = <KpiTiles kpis={headline.value} trend={trend.value} />;
  }
  const days = headline.value ? windowDays(headline.value.window) : undefined;
  return (
    <InfoCard title={days ? `KPIs, last ${days} days` : 'KPIs'}>
      {content}
    </InfoCard>
  );
}
