import { makeStyles, MenuItem, TextField } from '@material-ui/core';
import { useEffect, useState } from 'react';
import { EntityRefPicker } from '../shared/EntityRefPicker';
import type { CalendarState } from './calendarState';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    margin: theme.spacing(1, 0, 2),
    // On the paper colour the fields' grey labels reach 4.5:1 (on the
    // page's grey background they do not, in the light theme).
    padding: theme.spacing(1.5),
    background: theme.palette.background.paper,
    borderRadius: theme.shape.borderRadius,
  },
  field: { minWidth: 150 },
}));

const OPTIONS = {
  source: [
    ['servicenow', 'ServiceNow'],
    ['jira', 'Jira'],
  ],
  type: [
    ['standard', 'Standard'],
    ['normal', 'Normal'],
    ['emergency', 'Emergency'],
  ],
  state: [
    ['new', 'New'],
    ['assess', 'Assess'],
    ['authorize', 'Authorize'],
    ['scheduled', 'Scheduled'],
    ['implement', 'Implement'],
    ['review', 'Review'],
    ['closed', 'Closed'],
    ['cancelled', 'Cancelled'],
  ],
  risk: [
    ['very_high', 'Very high'],
    ['high', 'High'],
    ['moderate', 'Moderate'],
    ['low', 'Low'],
  ],
} as const;

type ListKey = keyof typeof OPTIONS;
const LABELS: Record<ListKey, string> = {
  source: 'Source',
  type: 'Type',
  state: 'State',
  risk: 'Risk',
};

/** A text field that commits on Enter or when left, not on every key. */
function CommitField(props: {
  label: string;
  value: string;
  placeholder?: string;
  onCommit(value: string): void;
}) {
  const classes = useStyles();
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  const commit = () => {
    if (text.trim() !== props.value) props.onCommit(text.trim());
  };
  return (
    <TextField
      id={`itops-calendar-${props.label.toLocaleLowerCase('en-US')}`}
      className={classes.field}
      label={props.label}
      placeholder={props.placeholder}
      size="small"
      variant="outlined"
      value={text}
      onChange={e => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={e => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

/**
 * The calendar's filters; every change goes to the URL. The selects are
 * named by their label and value together (MUI's aria-labelledby), so that
 * what a screen reader says starts with what is visible.
 */
export function CalendarFilters(props: {
  state: CalendarState;
  hasTeams: boolean;
  onChange(patch: Partial<CalendarState>): void;
}) {
  const classes = useStyles();
  const { state, hasTeams, onChange } = props;
  const ownerValue = Array.isArray(state.owner) ? 'custom' : state.owner;
  return (
    <div className={classes.bar} role="search" aria-label="calendar filters">
      <CommitField
        label="Search"
        placeholder="Number or title"
        value={state.q}
        onCommit={q => onChange({ q })}
      />
      <TextField
        id="itops-calendar-owner"
        select
        className={classes.field}
        size="small"
        variant="outlined"
        label="Owner"
        value={ownerValue}
        onChange={e => {
          const value = e.target.value as string;
          if (value === 'mine' || value === 'all') onChange({ owner: value });
        }}
      >
        <MenuItem value="mine" disabled={!hasTeams}>
          My teams
        </MenuItem>
        <MenuItem value="all">All teams</MenuItem>
        <MenuItem value="custom" disabled>
          Chosen teams
        </MenuItem>
      </TextField>
      {/* Picking teams replaces "mine"/"all"; clearing them shows all. */}
      <EntityRefPicker
        id="itops-calendar-team"
        label="Teams"
        kinds={['Group']}
        multiple
        placeholder={ownerValue === 'custom' ? '' : 'Pick teams'}
        value={Array.isArray(state.owner) ? state.owner : []}
        onChange={owner => onChange({ owner: owner.length ? owner : 'all' })}
      />
      <EntityRefPicker
        id="itops-calendar-system"
        label="System"
        kinds={['System']}
        multiple
        placeholder="Any system"
        value={state.system}
        onChange={system => onChange({ system })}
      />
      <EntityRefPicker
        id="itops-calendar-entity"
        label="Entity"
        kinds={['Component', 'Resource', 'API', 'System', 'Group']}
        multiple
        placeholder="Any entity"
        value={state.entityRef}
        onChange={entityRef => onChange({ entityRef })}
      />
      {(Object.keys(OPTIONS) as ListKey[]).map(key => (
        <TextField
          key={key}
          id={`itops-calendar-${key}`}
          select
          className={classes.field}
          size="small"
          variant="outlined"
          label={LABELS[key]}
          value={state[key]}
          SelectProps={{
            multiple: true,
            renderValue: selected =>
              (selected as string[]).length
                ? (selected as string[]).join(', ')
                : 'Any',
            displayEmpty: true,
          }}
          InputLabelProps={{ shrink: true }}
          onChange={e =>
            onChange({ [key]: e.target.value as unknown as string[] })
          }
        >
          {OPTIONS[key].map(([value, text]) => (
            <MenuItem key={value} value={value}>
              {text}
            </MenuItem>
          ))}
        </TextField>
      ))}
    </div>
  );
}
