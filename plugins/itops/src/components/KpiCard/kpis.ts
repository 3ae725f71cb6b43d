import {
  type ItopsEntityKpis,
  type ItopsIncidentKpis,
  type ItopsKpiTrendBucket,
  type ItopsTimeWindow,
  isForbidden,
} from '../../api';
import { formatDuration, formatPercent } from '../shared/time';

/** A KPI as one tile shows it. */
export type KpiReading =
  | { forbidden: true }
  | { forbidden: false; value: number | null; basis: string };

/** The KPIs of a window: the headline's, or (a subset) a trend bucket's. */
type KpiSource = Omit<ItopsEntityKpis, 'window'>;
type TrendSource = Omit<ItopsKpiTrendBucket, 'window'>;

export interface KpiDefinition {
  id:
    | 'mttr'
    | 'mtta'
    | 'mttd'
    | 'mtbf'
    | 'changeSuccessRate'
    | 'emergencyShare'
    | 'backupSuccessRate';
  title: string;
  /** What the number means, shown with the tile's details. */
  description: string;
  /** What to do about "no data", when the reason is known. */
  noDataHint?: string;
  read(kpis: KpiSource): KpiReading;
  /** The KPI of a trend bucket, for those the trend route serves. */
  readTrend?(bucket: TrendSource): number | null;
  format(value: number): string;
}

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

const duration = (
  incidents: KpiSource['incidents'],
  pick: (kpis: ItopsIncidentKpis) => { valueMs: number | null; count: number },
  one: string,
  many: string,
): KpiReading =>
  isForbidden(incidents)
    ? incidents
    : {
        forbidden: false,
        value: pick(incidents).valueMs,
        basis: plural(pick(incidents).count, one, many),
      };

const ratio = (
  area: KpiSource['changes'] | KpiSource['backups'],
  pick: (kpis: any) => {
    value: number | null;
    numerator: number;
    denominator: number;
  },
  basis: (r: { numerator: number; denominator: number }) => string,
): KpiReading =>
  isForbidden(area)
    ? area
    : { forbidden: false, value: pick(area).value, basis: basis(pick(area)) };

export const KPI_DEFINITIONS: KpiDefinition[] = [
  {
    id: 'mttr',
    title: 'MTTR',
    description:
      'Mean time to resolve: resolved − opened, over the incidents resolved in the period.',
    read: ({ incidents }) =>
      duration(
        incidents,
        k => k.mttr,
        'resolved incident',
        'resolved incidents',
      ),
    readTrend: ({ incidents }) =>
      isForbidden(incidents) ? null : incidents.mttr.valueMs,
    format: formatDuration,
  },
  {
    id: 'mtta',
    title: 'MTTA',
    description:
      'Mean time to acknowledge: acknowledged − opened, over the incidents opened in the period that were acknowledged.',
    read: ({ incidents }) =>
      duration(
        incidents,
        k => k.mtta,
        'acknowledged incident',
        'acknowledged incidents',
      ),
    format: formatDuration,
  },
  {
    id: 'mttd',
    title: 'MTTD',
    description:
      'Mean time to detect: opened − detected, over the incidents opened in the period that have a detection time.',
    noDataHint:
      'No incident has a detection time. ServiceNow gives one when itops.servicenow.instances.<name>.incidents.detectedAtField names the column that holds it (for example u_detected_at); Jira Service Management has no such field.',
    read: ({ incidents }) =>
      duration(
        incidents,
        k => k.mttd,
        'incident with a detection time',
        'incidents with a detection time',
      ),
    format: formatDuration,
  },
  {
    id: 'mtbf',
    title: 'MTBF',
    description:
      "Mean time between failures: the period's length / the incidents opened in it.",
    read: ({ incidents }) =>
      duration(incidents, k => k.mtbf, 'incident opened', 'incidents opened'),
    readTrend: ({ incidents }) =>
      isForbidden(incidents) ? null : incidents.mtbf.valueMs,
    format: formatDuration,
  },
  {
    id: 'changeSuccessRate',
    title: 'Change success rate',
    description:
      'Successful changes (with or without issues) / closed changes with an outcome, by their actual (else planned) end in the period.',
    read: ({ changes }) =>
      ratio(
        changes,
        c => c.successRate,
        r =>
          `${r.numerator} of ${plural(
            r.denominator,
            'closed change',
            'closed changes',
          )}`,
      ),
    readTrend: ({ changes }) =>
      isForbidden(changes) ? null : changes.successRate.value,
    format: formatPercent,
  },
  {
    id: 'emergencyShare',
    title: 'Emergency changes',
    description:
      'Emergency changes / all changes of the period (by actual, else planned, end), cancelled ones left out.',
    read: ({ changes }) =>
      ratio(
        changes,
        c => c.emergencyShare,
        r => `${r.numerator} of ${plural(r.denominator, 'change', 'changes')}`,
      ),
    format: formatPercent,
  },
  {
    id: 'backupSuccessRate',
    title: 'Backup success rate',
    description:
      'Backup runs started in the period: (success + ½ warning) / finished runs; restore tests left out.',
    read: ({ backups }) =>
      ratio(
        backups,
        b => b.successRate,
        r => plural(r.denominator, 'backup run', 'backup runs'),
      ),
    readTrend: ({ backups }) =>
      isForbidden(backups) ? null : backups.successRate.value,
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
