import { Duration } from 'luxon';

/** A duration read from an annotation or setting: its length, or why not.
 *
 * @public
 */
export type ParsedDuration =
  | { ok: true; ms: number }
  | { ok: false; problem: string };

/**
 * Reads an ISO 8601 duration such as `PT4H`, `P1D` or `P1W` (recovery
 * point and time objectives) with luxon, the one duration parser of
 * ITOps. `key` names where the value came from (`itops.io/rpo`), so that
 * the problem can be shown as it is. Months and years are refused: their
 * length varies (luxon would count a month as 30 days), and an objective
 * has to be measurable exactly, so `P30D` or `P4W` say what is meant.
 * Zero and negative durations are refused as no objective at all.
 *
 * @public
 */
export function parseIsoDuration(value: string, key: string): ParsedDuration {
  const text = value.trim();
  const duration = Duration.fromISO(text);
  // luxon reads a bare `P` or `PT` as zero; ISO 8601 wants a component.
  if (!duration.isValid || !/\d/.test(text)) {
    return {
      ok: false,
      problem: `${key} '${value}' is not an ISO 8601 duration such as PT4H, P1D or P1W`,
    };
  }
  if (duration.years || duration.quarters || duration.months) {
    return {
      ok: false,
      problem: `${key} '${value}' counts months or years, whose length varies; write days or weeks, e.g. P30D`,
    };
  }
  const ms = Math.round(duration.toMillis());
  if (!(ms > 0)) {
    return {
      ok: false,
      problem: `${key} '${value}' is not longer than zero`,
    };
  }
  return { ok: true, ms };
}
