import type {
  ComplianceQuery,
  ComplianceStatus,
} from '@backstage-itops/plugin-itops-common';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * The filters of the compliance pages, all kept in the URL so that a view
 * can be shared and reloaded: the organisation filters the API takes
 * (framework, team, system, tier, as-of date) and the page-side ones
 * (a control's entity status and service).
 */
export interface ComplianceFilters extends ComplianceQuery {
  status?: ComplianceStatus | 'manual';
  service?: string;
}

const KEYS = [
  'framework',
  'team',
  'system',
  'tier',
  'at',
  'status',
  'service',
] as const;

/** The filters a URL names; a malformed tier is left out, not guessed. */
export function parseComplianceFilters(
  params: URLSearchParams,
): ComplianceFilters {
  const filters: ComplianceFilters = {};
  for (const key of KEYS) {
    const value = params.get(key)?.trim();
    if (!value) continue;
    if (key === 'tier') {
      const tier = Number(value);
      if (Number.isInteger(tier) && tier >= 1 && tier <= 4) filters.tier = tier;
    } else {
      (filters as Record<string, string>)[key] = value;
    }
  }
  return filters;
}

/** The filters as URL parameters, in a stable order, empty ones left out. */
export function serializeComplianceFilters(
  filters: ComplianceFilters,
): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = filters[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params;
}

/** The API's part of the filters (what `/compliance/overview` takes). */
export function apiQueryOf(filters: ComplianceFilters): ComplianceQuery {
  const { framework, team, system, tier, at } = filters;
  return Object.fromEntries(
    Object.entries({ framework, team, system, tier, at }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

/** The filters of the current URL and a setter that patches them. */
export function useComplianceFilters() {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const filters = useMemo(
    () => parseComplianceFilters(new URLSearchParams(key)),
    [key],
  );
  const update = useCallback(
    (patch: Partial<ComplianceFilters>) =>
      setParams(serializeComplianceFilters({ ...filters, ...patch }), {
        replace: false,
      }),
    [filters, setParams],
  );
  return { filters, update, search: key ? `?${key}` : '' };
}
