import type { EvidenceRef } from '@backstage-itops/plugin-itops-common';
import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { DateTime } from 'luxon';
import { useEffect, useState } from 'react';

/** Time left until a deadline, ticking each minute (GDPR 72-hour countdown). */
export function Countdown(props: { deadline: string }) {
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
      color={overdue ? 'error' : 'textPrimary'}
      style={{ fontWeight: 600 }}
    >
      {overdue ? `${text} overdue` : `${text} left`}
    </Typography>
  );
}

/** The records that decided a result, linked to their source systems. */
export function EvidenceList(props: {
  evidence: EvidenceRef[];
  total?: number;
}) {
  const { evidence, total } = props;
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
        {evidence.map(e => (
          <li key={`${e.type}:${e.id}`}>
            <Typography variant="body2" component="span">
              {e.url ? <Link to={e.url}>{e.id}</Link> : e.id}
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
        <Typography variant="caption" color="textSecondary">
          Showing {evidence.length} of {total}; the CSV export lists the
          snapshot’s evidence.
        </Typography>
      )}
    </>
  );
}
