import type { EvidenceRef } from '@backstage-itops/plugin-itops-common';
import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApiHolder,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { DateTime } from 'luxon';
import { useEffect, useState } from 'react';

// The theme's error red is below 4.5:1 on paper in the light theme.
const useStyles = makeStyles(theme => ({
  alert: {
    // Red 200 on the dark paper (#424242) is 4.9:1; the palette's light red is not.
    color: theme.palette.type === 'dark' ? '#ef9a9a' : theme.palette.error.dark,
  },
}));

/** Time left until a deadline, ticking each minute (GDPR 72-hour countdown). */
export function Countdown(props: { deadline: string }) {
  const classes = useStyles();
  const [now, setNow] = useState(() => DateTime.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(DateTime.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const left = DateTime.fromISO(props.deadline).diff(now, ['hours', 'minutes']);
  const overdue = left.toMillis() < 0;
  const abs = overdue ? left.negate() : left;
  const text = `${Math.floor(abs.hours)} h ${Math.floor(abs.minutes)} min`;
  return (
    <Typography
      component="span"
      variant="body2"
      color={overdue ? undefined : 'textPrimary'}
      className={overdue ? classes.alert : undefined}
      style={{ fontWeight: 600 }}
    >
      {overdue ? `${text} overdue` : `${text} left`}
    </Typography>
  );
}

/** Records fetched per page when the reader asks for more. */
const PAGE = 100;

/** Where a result's whole population can be paged from. */
export interface EvidenceSource {
  entityRef: string;
  checkId: string;
  /** The snapshot's time, for a result of a past date. */
  at?: string;
}

function evidencePath(source: EvidenceSource, offset: number): string {
  const { kind, namespace, name } = parseEntityRef(source.entityRef);
  const query = new URLSearchParams({
    offset: String(offset),
    limit: String(PAGE),
    ...(source.at ? { at: source.at } : {}),
  });
  return `/compliance/entities/${encodeURIComponent(kind)}/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}/checks/${encodeURIComponent(
    source.checkId,
  )}/evidence?${query}`;
}

/**
 * The records that decided a result, linked to their source systems: a
 * preview, the population's size, and the rest page by page, so nothing
 * is silently capped.
 */
export function EvidenceList(props: {
  evidence: EvidenceRef[];
  total?: number;
  source?: EvidenceSource;
}) {
  const { total, source } = props;
  const classes = useStyles();
  // Looked up when the reader asks for more, not on every render of every
  // result: most lists are complete.
  const apis = useApiHolder();
  const [more, setMore] = useState<EvidenceRef[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const evidence = [...props.evidence, ...more];
  const loadMore = async () => {
    setLoading(true);
    setError(undefined);
    try {
      const discovery = apis.get(discoveryApiRef);
      const fetchApi = apis.get(fetchApiRef);
      if (!discovery || !fetchApi) {
        throw new Error('The discovery and fetch APIs are not available');
      }
      const base = await discovery.getBaseUrl('itops');
      const response = await fetchApi.fetch(
        `${base}${evidencePath(source!, evidence.length)}`,
      );
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const page = (await response.json()) as { items: EvidenceRef[] };
      setMore(m => [...m, ...page.items]);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  };
  if (evidence.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No evidence records.
      </Typography>
    );
  }
  return (
    <>
      <ul style={{ margin: 0, paddingLeft: 18 }}>
        {evidence.map((e, i) => (
          <li key={`${e.type}:${e.id}:${i}`}>
            <Typography variant="body2" component="span">
              {e.url ? (
                // Underlined: in a line of text colour alone does not tell a link.
                <Link to={e.url} underline="always">
                  {e.id}
                </Link>
              ) : (
                e.id
              )}
              {e.note ? ` · ${e.note}` : ''}
              {e.deadline && !e.note?.startsWith('authority notified') && (
                <>
                  {' · '}
                  <Countdown deadline={e.deadline} />
                </>
              )}
            </Typography>
          </li>
        ))}
      </ul>
      {total !== undefined && total > evidence.length && (
        <Typography variant="caption" color="textSecondary" component="div">
          Showing {evidence.length} of {total} records.
          {source && (
            <Button size="small" disabled={loading} onClick={loadMore}>
              Show {Math.min(PAGE, total - evidence.length)} more
            </Button>
          )}
        </Typography>
      )}
      {error && (
        <Typography variant="caption" className={classes.alert} role="alert">
          {error}
        </Typography>
      )}
    </>
  );
}
