import type {
  BreachDecision,
  BreachDecisionState,
  ComplianceBreach,
} from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { ENTITY_RECORDS } from '../database/entityRecordLinks';
import { fromDbNumber } from '../database/time';
import type { BreachDecisionStore } from './BreachDecisionStore';
import { GDPR_NOTIFICATION_HOURS } from './config';
import { HOUR_MS, iso } from './model';

const INCIDENTS = 'itops_incidents';

/** The newest decision of one of the kinds, or undefined. */
function newest(
  decisions: readonly BreachDecision[],
  kinds: readonly BreachDecision['decision'][],
): BreachDecision | undefined {
  return [...decisions].reverse().find(d => kinds.includes(d.decision));
}

/**
 * Where one breach stands, read as NTF-01 reads it: a notification (from
 * the source, or the time on a recorded `notifiable` decision) settles
 * art. 33(1); otherwise the newest art. 33 decision does. The deadline is
 * the law's 72 hours from awareness, never the internal target, since the
 * page tells a DPO what the law requires.
 */
export function breachOf(
  row: Record<string, unknown>,
  decisions: readonly BreachDecision[],
  entityRefs: string[],
  now: number,
): ComplianceBreach {
  const aware = fromDbNumber(row.breach_aware_at);
  const deadline =
    aware === undefined ? undefined : aware + GDPR_NOTIFICATION_HOURS * HOUR_MS;
  const art33 = newest(decisions, ['notifiable', 'not_notifiable']);
  const recordedNotice = newest(decisions, ['notifiable'])?.notifiedAt;
  const sourceNotice = fromDbNumber(row.authority_notified_at);
  const notifiedAt =
    sourceNotice !== undefined ? iso(sourceNotice) : recordedNotice;
  let decisionState: BreachDecisionState = 'undecided';
  if (notifiedAt !== undefined) decisionState = 'notified';
  else if (art33) decisionState = art33.decision as BreachDecisionState;
  const open = decisionState === 'undecided' || decisionState === 'notifiable';
  const highRisk = [...decisions]
    .reverse()
    .find(d => d.highRisk !== undefined)?.highRisk;
  const communication = newest(decisions, [
    'communicated',
    'communication_exempt',
  ])?.decision as ComplianceBreach['communication'];
  const url = row.url === null || row.url === undefined ? undefined : row.url;
  return {
    breachRef: String(row.number),
    title: String(row.title),
    ...(url !== undefined ? { url: String(url) } : {}),
    priority: Number(row.priority),
    state: String(row.state),
    openedAt: iso(Number(fromDbNumber(row.opened_at))),
    ...(aware !== undefined ? { awareAt: iso(aware) } : {}),
    ...(deadline !== undefined ? { deadline: iso(deadline) } : {}),
    ...(notifiedAt !== undefined ? { notifiedAt } : {}),
    decisionState,
    // Without an awareness time the clock cannot be read: NTF-01 fails such
    // a breach, and so the list counts it as overdue until it is decided.
    overdue: open && (deadline === undefined || now > deadline),
    ...(highRisk !== undefined ? { highRisk } : {}),
    ...(communication ? { communication } : {}),
    entityRefs,
    decisions: [...decisions],
  };
}

/**
 * The personal-data breaches of the breach sources (incidents flagged as
 * breaches by ServiceNow or the configured Jira issue type), newest
 * awareness first, a page at a time, each with its linked services and
 * every recorded decision.
 */
export async function listBreaches(
  knex: Knex,
  store: BreachDecisionStore,
  page: { offset: number; limit: number; overdueOnly?: boolean },
  now: number,
): Promise<{ total: number; items: ComplianceBreach[] }> {
  const rows = await knex(INCIDENTS)
    .where('personal_data_breach', true)
    .select(
      'id',
      'number',
      'title',
      'url',
      'priority',
      'state',
      'opened_at',
      'breach_aware_at',
      'authority_notified_at',
    );
  if (rows.length === 0) return { total: 0, items: [] };
  const decisions = await store.byBreach(rows.map(r => String(r.number)));
  const links = new Map<string, string[]>();
  const ids = rows.map(r => r.id);
  for (let i = 0; i < ids.length; i += 500) {
    const linked = await knex(ENTITY_RECORDS)
      .where('record_table', 'incident')
      .whereIn('record_id', ids.slice(i, i + 500))
      .select('record_id', 'entity_ref');
    for (const link of linked) {
      const key = String(link.record_id);
      links.set(key, [...(links.get(key) ?? []), String(link.entity_ref)]);
    }
  }
  // Overdue state depends on decisions read beside the rows, so the page
  // is cut after judging; breaches are few next to incidents.
  const all = rows
    .map(row =>
      breachOf(
        row,
        decisions.get(String(row.number)) ?? [],
        (links.get(String(row.id)) ?? []).sort(),
        now,
      ),
    )
    .filter(b => !page.overdueOnly || b.overdue)
    .sort(
      (a, b) =>
        Date.parse(b.awareAt ?? b.openedAt) -
          Date.parse(a.awareAt ?? a.openedAt) ||
        a.breachRef.localeCompare(b.breachRef),
    );
  return {
    total: all.length,
    items: all.slice(page.offset, page.offset + page.limit),
  };
}
