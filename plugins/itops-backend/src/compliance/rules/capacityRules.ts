import type { EvidenceRef } from '@backstage-itops/plugin-itops-common';
import {
  type CheckRule,
  DAY_MS,
  type Judged,
  type Outcome,
  evidenceOf,
  outcome,
} from '../model';
import type { IncidentData } from './incidentRules';
import { type IncidentRow, checkById } from './rows';

function incidentRef(incident: IncidentRow, note: string): EvidenceRef {
  return { type: 'incident', id: incident.number, url: incident.url, note };
}

function categoryText(incident: IncidentRow): string {
  return [incident.category, incident.subcategory]
    .filter(c => c !== undefined && c !== '')
    .join(' / ');
}

/** Whether the source read a category (or subcategory) for the incident. */
function categorised(incident: IncidentRow): boolean {
  return incident.category !== undefined || incident.subcategory !== undefined;
}

function isCapacity(incident: IncidentRow, categories: readonly string[]) {
  return [incident.category, incident.subcategory].some(
    c => c !== undefined && c !== '' && categories.includes(c.toLowerCase()),
  );
}

/**
 * A.8.6: capacity incidents of the window, counted. One can happen to
 * anyone; more than `warnAbove` is a recurrence, which says the capacity
 * of the service is not managed ahead of demand. Incidents whose source
 * reads no category are not evidence either way: when they could hide
 * enough capacity incidents to change the grade, a pass is not given.
 */
export const cap01: CheckRule<IncidentData> = {
  check: checkById('CAP-01'),
  judge(_entity, data, thresholds, now): Outcome {
    const categories = (data.capacityCategories ?? []).map(c =>
      c.toLowerCase(),
    );
    if (categories.length === 0) {
      return outcome(
        'no_data',
        'Source not configured: no capacity categories configured (itops.compliance.categories.capacity).',
      );
    }
    const from = now - thresholds.windowDays * DAY_MS;
    const opened = data.incidents.filter(
      i => i.state !== 'cancelled' && i.openedAt >= from && i.openedAt < now,
    );
    if (opened.length === 0) {
      return outcome(
        'no_data',
        `No incident opened in the last ${thresholds.windowDays} days: no categorised incident to count capacity incidents among.`,
      );
    }
    const read = opened.filter(categorised);
    const unread = opened.filter(i => !categorised(i));
    if (read.length === 0) {
      return outcome(
        'no_data',
        `Source not configured: none of the ${opened.length} incidents opened in the last ${thresholds.windowDays} days carries a category (ServiceNow category not readable, or Jira incidents.capacityLabel unset).`,
      );
    }
    const judged: Judged[] = read.map(i => {
      const capacity = isCapacity(i, categories);
      const text = categoryText(i);
      return {
        ok: !capacity,
        ref: incidentRef(
          i,
          capacity
            ? `capacity incident (${text}), P${i.priority}`
            : `not a capacity incident (${text || 'no category'})`,
        ),
      };
    });
    const count = judged.filter(j => !j.ok).length;
    const { warnAbove, failAbove } = thresholds;
    let status: Outcome['status'] = 'pass';
    if (count > failAbove) status = 'fail';
    else if (count > warnAbove) status = 'warn';
    const minPopulation = thresholds.minPopulation ?? 1;
    const small = read.length < minPopulation;
    const unknownRefs = unread.map(i =>
      incidentRef(i, 'no category from the source: not counted'),
    );
    const parts = [
      `${small ? 'Small sample: ' : ''}${count} capacity incident(s) among ${
        read.length
      } categorised incident(s) opened in the last ${
        thresholds.windowDays
      } days; pass at most ${warnAbove}, fail above ${failAbove}.`,
      count > warnAbove ? 'Capacity incidents recur.' : '',
      unread.length
        ? `${unread.length} incident(s) carry no category and are not counted.`
        : '',
    ];
    const { evidence, evidenceTotal } = evidenceOf(judged);
    const result: Outcome = {
      status,
      reason: parts.filter(Boolean).join(' '),
      value: count,
      numerator: count,
      denominator: read.length,
      evidence: [...evidence, ...unknownRefs],
      evidenceTotal: (evidenceTotal ?? 0) + unknownRefs.length,
      ...(small ? { smallSample: true } : {}),
    };
    // Uncategorised incidents that could push the count over the limit
    // leave a pass unproven.
    if (status === 'pass' && count + unread.length > warnAbove) {
      return {
        ...result,
        status: 'no_data',
        reason: `${result.reason} They could be capacity incidents: no pass without their category.`,
      };
    }
    return result;
  },
};

export const CAPACITY_RULES = [cap01];
