import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { type ItopsSyncStatus, itopsApiRef } from '../../api';
import { ITOPS_AREAS, type ItopsArea } from './areas';

/** How the sources behind an area are doing. */
export interface SourceStatus {
  /** No installed source can provide the area. */
  notConfigured: boolean;
  /** Sources of the area whose latest sync failed after the last success. */
  failing: ItopsSyncStatus[];
}

/** Whether the newest sync attempt of a source capability failed. */
export function isFailing(row: ItopsSyncStatus): boolean {
  if (!row.lastErrorAt) {
    return false;
  }
  return (
    !row.lastSuccessAt ||
    Date.parse(row.lastErrorAt) >= Date.parse(row.lastSuccessAt)
  );
}

/**
 * The area's source status from `/health` (which sources are installed) and
 * `/sync-status` (how their syncs went). Both are best effort: a user who
 * may not read the sync status, or a backend that cannot say, still gets
 * the data; only the notices are left out.
 */
export function useSourceStatus(area: ItopsArea): SourceStatus | undefined {
  const api = useApi(itopsApiRef);
  const { value } = useAsync(async () => {
    const [health, sync] = await Promise.all([
      api.getHealth().catch(() => undefined),
      // Reading the sync status needs its own permission (403 otherwise).
      api.getSyncStatus().catch(() => undefined),
    ]);
    return { health, sync };
  }, [api]);

  if (!value) {
    return undefined;
  }
  const definition = ITOPS_AREAS[area];
  const types = new Set(definition.sources.map(source => source.type));
  const notConfigured = value.health
    ? !value.health.sources.some(source => types.has(source.type))
    : false;
  const failing = (value.sync?.items ?? []).filter(
    row =>
      types.has(row.sourceType) &&
      (definition.capabilities as string[]).includes(row.capability) &&
      isFailing(row),
  );
  return { notConfigured, failing };
}
