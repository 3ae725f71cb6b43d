import {
  type ItopsKpiTrendBucket,
  type ItopsTimeWindow,
  isForbidden,
} from '../../api';
import { formatDuration, formatPercent } from '../shared/time';

/** A KPI as one tile shows it. */
export type KpiReading =
  | { forbidden: true }
  | { forbidden: false; value: number | null; basis: string };

export interface KpiDefinition {
  id: 'mttr' | 'mtbf' | 'changeSuccessRate' | 'backupSuccessRate';
  title: string;
  /** What the number means, for the tile's tooltip. */
  description: string;
  /** Reads the KPI of a window: the headline's, or a trend bucket's. */
  read(kpis: Omit<ItopsKpiTrendBucket, 'window'>): KpiReading;
  format(value: number): string;
}

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

export const KPI_DEFINITIONS: KpiDefinition[] = [
  {
    id: 'mttr',
    title: 'MTTR',
    description:
      'Mean time to resolve: resolved − opened, over incidents resolved in the window.',
    read: ({ incidents }) =>
      isForbidden(incidents)
        ? incidents
        : {
            forbidden: false,
            value: incidents.mttr.valueMs,
            basis: plural(
              incidents.mttr.count,
              'resolved incident',
              'resolved incidents',
            ),
          },
    format: formatDuration,
  },
  {
    id: 'mtbf',
    title: 'MTBF',
    description:
      'Mean time between failures: window length / incidents opened in the window.',
    read: ({ incidents }) =>
      isForbidden(incidents)
        ? incidents
        : {
            forbidden: false,
            value: incidents.mtbf.valueMs,
            basis: plural(
              incidents.mtbf.count,
              'incident opened',
              'incidents opened',
            ),
          },
    format: formatDuration,
  },
  {
    id: 'changeSuccessRate',
    title: 'Change success rate',
    description:
      'Successful (with or without issues) / closed changes with an outcome.',
    read: ({ changes }) =>
      isForbidden(changes)
        ? changes
        : {
            forbidden: false,
            value: changes.successRate.value,
            basis: `${changes.successRate.numerator} of ${plural(
              changes.successRate.denominator,
              'closed change',
              'closed changes',
            )}`,
          },
    format: formatPercent,
  },
  {
    id: 'backupSuccessRate',
    title: 'Backup success rate',
    description:
      'Backup runs in the window: (success + ½ warning) / finished runs.',
    read: ({ backups }) =>
      isForbidden(backups)
        ? backups
        : {
            forbidden: false,
            value: backups.successRate.value,
            basis: plural(
              backups.successRate.denominator,
              'backup run',
              'backup runs',
            ),
          },
    format: formatPercent,
  },
];

/** Points of a trend line across the KPI window. */
export const TREND_BUCKETS = 12;

/** The days a window spans, rounded, for titles. */
export function windowDays(window: ItopsTimeWindow): number {
  return Math.round(
    (Date.parse(window.to) - Date.parse(window.from)) / 86_400_000,
  );
}
