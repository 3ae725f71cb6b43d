/** Priorities as readers name them; the API sends 1–5. */
export const PRIORITY_LABELS: Record<number, string> = {
  1: 'P1 critical',
  2: 'P2 high',
  3: 'P3 moderate',
  4: 'P4 low',
  5: 'P5 planning',
};

/** The API's normalised incident states as labels. */
export const STATE_LABELS: Record<string, string> = {
  new: 'New',
  in_progress: 'In progress',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
  cancelled: 'Cancelled',
};
