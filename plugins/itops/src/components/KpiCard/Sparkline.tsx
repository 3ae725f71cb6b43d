import { useTheme } from '@material-ui/core/styles';

/**
 * A small trend line. Gaps (null: nothing to measure in that bucket) break
 * the line instead of being drawn as zero, so "no incidents" does not read
 * as "MTTR of 0".
 */
export function Sparkline(props: {
  values: Array<number | null>;
  /** What the line shows, for screen readers, e.g. "MTTR trend, 90 days". */
  label: string;
  width?: number;
  height?: number;
}) {
  const { values, label, width = 120, height = 32 } = props;
  const theme = useTheme();
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

  return (
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
    </svg>
  );
}
