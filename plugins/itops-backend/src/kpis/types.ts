/** A mean duration over `count` items; `valueMs` is null when count is 0. */
export type Duration = {
  valueMs: number | null;
  count: number;
};

/** `numerator / denominator`; `value` is null when the denominator is 0. */
export type Ratio = {
  value: number | null;
  numerator: number;
  denominator: number;
};

/** Counts for each priority, 1 (critical) to 5. */
export type CountByPriority = Record<'1' | '2' | '3' | '4' | '5', number>;

/** Incident KPIs; see the README for the definitions. */
export type IncidentKpis = {
  mttr: Duration;
  mtta: Duration;
  mttd: Duration;
  mtbf: Duration;
  openedCount: number;
  openedByPriority: CountByPriority;
};

/** Change KPIs; see the README for the definitions. */
export type ChangeKpis = {
  successRate: Ratio;
  emergencyShare: Ratio;
};

/** Backup KPIs; see the README for the definitions. */
export type BackupKpis = {
  successRate: Ratio;
  lastSuccessAt?: string;
  lastSuccessAgeMs?: number;
};
