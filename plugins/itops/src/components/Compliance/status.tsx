import {
  type ComplianceStatus,
  type ControlRollUp,
  SCORE_RULE_TEXT,
  complianceScore,
} from '@backstage-itops/plugin-itops-common';
import Typography from '@material-ui/core/Typography';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

/** Labels a compliance officer reads; exempt and N/A never look like a pass. */
export const STATUS_LABELS: Record<ControlRollUp, string> = {
  pass: 'Pass',
  warn: 'Warn',
  fail: 'Fail',
  error: 'Error',
  no_data: 'No data',
  exempt: 'Exempt',
  not_applicable: 'N/A',
  manual: 'Manual',
};

/** Worst first, the order lists and heatmap columns use. */
export const STATUS_ORDER: ControlRollUp[] = [
  'fail',
  'error',
  'warn',
  'no_data',
  'exempt',
  'pass',
  'not_applicable',
  'manual',
];

export const STATUS_COLORS: Record<ControlRollUp, { bg: string; fg: string }> =
  {
    pass: { bg: '#2e7d32', fg: '#fff' },
    // Each at least 4.5:1 against its text (WCAG 1.4.3).
    warn: { bg: '#b45309', fg: '#fff' },
    fail: { bg: '#c62828', fg: '#fff' },
    error: { bg: '#6a1b9a', fg: '#fff' },
    no_data: { bg: '#616161', fg: '#fff' },
    exempt: { bg: '#1565c0', fg: '#fff' },
    not_applicable: { bg: '#e0e0e0', fg: '#424242' },
    manual: { bg: '#f5f5f5', fg: '#616161' },
  };

const useStyles = makeStyles({
  chip: { fontWeight: 600 },
});

export function StatusChip(props: {
  status: ControlRollUp | ComplianceStatus;
}) {
  const classes = useStyles();
  const colors = STATUS_COLORS[props.status];
  return (
    <Chip
      size="small"
      className={classes.chip}
      label={STATUS_LABELS[props.status]}
      style={{ backgroundColor: colors.bg, color: colors.fg }}
    />
  );
}

/** A score as a percentage, or a dash when nothing was judged. */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined
    ? '—'
    : `${Math.round(score * 100)} %`;
}

/**
 * The score of a status count map, by the one rule the backend uses
 * (`complianceScore`): exempt counts as not passing.
 */
export const scoreOf = complianceScore;

/** The score rule and, when waivers claim more, the labelled second figure. */
export function ScoreCaption(props: {
  scoreIfWaiversHeld?: number | null;
  score: number | null;
}) {
  const held = props.scoreIfWaiversHeld;
  return (
    <Typography variant="caption" color="textSecondary" display="block">
      {SCORE_RULE_TEXT}
      {held !== undefined && held !== null && held !== props.score && (
        <>
          {' '}
          <span aria-label="Score if waivers held">
            Score if waivers held: {formatScore(held)}
          </span>
        </>
      )}
    </Typography>
  );
}
