import type { Duration, Ratio } from './types';

/**
 * A {@link Duration} from SQL aggregates (pg returns numerics as strings).
 * The mean is rounded to whole milliseconds.
 */
export function duration(mean: unknown, count: unknown): Duration {
  const n = Number(count ?? 0);
  return {
    valueMs: n > 0 && mean !== null ? Math.round(Number(mean)) : null,
    count: n,
  };
}

/** A {@link Ratio} of two SQL aggregates (pg returns numerics as strings). */
export function ratio(numerator: unknown, denominator: unknown): Ratio {
  const num = Number(numerator ?? 0);
  const den = Number(denominator ?? 0);
  return {
    value: den > 0 ? num / den : null,
    numerator: num,
    denominator: den,
  };
}
