import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';

/** Labels of a sparkline's axes, already formatted. */
export interface SparklineAxes {
  /** The highest and lowest value drawn. */
  yMax: string;
  yMin: string;
  /** The first and last bucket's dates. */
  xStart: string;
  xEnd: string;
}

const useStyles = makeStyles(theme => ({
  chart: {
    display: 'grid',
    gridTemplateColumns: 'auto auto',
    justifyContent: 'start',
    columnGap: theme.spacing(0.5),
    marginTop: theme.spacing(0.5),
  },
  y: {
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'space-between',
    textAlign: 'right',
  },
  x: { display: 'flex', justifyContent: 'space-between' },
  label: { fontSize: '0.7rem', lineHeight: 1.2 },
}));

/**
 * A small trend line. Gaps (null: nothing to measure in that bucket) break
 * the line instead of being drawn as zero, so "no incidents" does not read
 * as "MTTR of 0".
 */
export function Sparkline(props: {
  values: Array<number | null>;
  /** What the line shows, for screen readers, e.g. "MTTR trend, 90 days". */
  label: string;
  /** Axis labels: the value range on the left, the period below. */
  axes?: SparklineAxes;
  /** A tooltip per point, e.g. "Nov 1 – Nov 8: 3 h 20 min". */
  pointTitles?: string[];
  width?: number;
  height?: number;
}) {
  const { values, label, axes, pointTitles, width = 120, height = 32 } = props;
  const theme = useTheme();
  const classes = useStyles();
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length === 0) {
    return null;
  }
  const min = Math.min(...defined);
  const max = Math.max(...defined);
  const pad = 2;
  const x = (i: number) =>
    values.length === 1
      ? width / 2
      : pad + (i * (width - 2 * pad)) / (values.length - 1);
  const y = (v: number) =>
    max === min
      ? height / 2
      : height - pad - ((v - min) * (height - 2 * pad)) / (max - min);

  const segments: string[][] = [[]];
  values.forEach((value, i) => {
    if (value === null) {
      segments.push([]);
    } else {
      segments[segments.length - 1].push(
        `${x(i).toFixed(1)},${y(value).toFixed(1)}`,
      );
    }
  });
  const lastIndex = values.map(v => v !== null).lastIndexOf(true);

  const chart = (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <title>{label}</title>
      {segments
        .filter(points => points.length > 0)
        .map(points =>
          points.length === 1 ? (
            <circle
              key={points[0]}
              cx={points[0].split(',')[0]}
              cy={points[0].split(',')[1]}
              r={1.5}
              fill={theme.palette.primary.main}
            />
          ) : (
            <polyline
              key={points.join(' ')}
              points={points.join(' ')}
              fill="none"
              stroke={theme.palette.primary.main}
              strokeWidth={1.5}
              strokeLinejoin="round"
            />
          ),
        )}
      <circle
        cx={x(lastIndex)}
        cy={y(values[lastIndex]!)}
        r={2.5}
        fill={theme.palette.primary.main}
      />
      {pointTitles &&
        values.map((value, i) =>
          value === null ? null : (
            // A transparent target per point, big enough to hover.
            <circle
              key={`hit-${i}`}
              cx={x(i)}
              cy={y(value)}
              r={5}
              fill="transparent"
            >
              <title>{pointTitles[i]}</title>
            </circle>
          ),
        )}
    </svg>
  );
  if (!axes) {
    return chart;
  }
  const axisLabel = (text: string) => (
    <Typography
      variant="caption"
      color="textSecondary"
      className={classes.label}
    >
      {text}
    </Typography>
  );
  return (
    <div className={classes.chart}>
      <div className={classes.y} style={{ height }}>
        {axisLabel(axes.yMax)}
        {axisLabel(axes.yMin)}
      </div>
      {chart}
      <span />
      <div className={classes.x} style={{ width }}>
        {axisLabel(axes.xStart)}
        {axisLabel(axes.xEnd)}
      </div>
    </div>
  );
}
