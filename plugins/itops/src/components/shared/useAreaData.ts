import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import type { DependencyList } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  type ItopsApi,
  type ItopsForbidden,
  isForbidden,
  itopsApiRef,
} from '../../api';
import { ITOPS_AREAS, type ItopsArea } from './areas';

/** What a card knows about its area's data. */
export type AreaData<T> =
  | { status: 'loading' }
  | { status: 'denied' }
  | { status: 'error'; error: Error; retry: () => void }
  | { status: 'ready'; value: T; retry: () => void };

/** Whether an error is the API's answer to a missing permission. */
export function isForbiddenError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { statusCode?: unknown }).statusCode === 403
  );
}

/**
 * Loads one area's data for a card. The read permission and the data are
 * asked for at once: waiting for the permission before sending the request
 * put a whole round trip in front of every card (the tab's slowest step
 * after the catalog). The permission's answer still decides first, so a
 * user without it sees why rather than a failed request; the API's own 403
 * or `forbidden: true` also count as denied, since the backend policy
 * decides per request and may differ from the frontend's cached answer.
 */
export function useAreaData<T extends object>(
  area: ItopsArea,
  load: (api: ItopsApi) => Promise<T | ItopsForbidden>,
  deps: DependencyList,
): AreaData<T> {
  const api = useApi(itopsApiRef);
  const permission = usePermission({
    permission: ITOPS_AREAS[area].permission,
  });
  const state = useAsyncRetry(
    () => load(api),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, ...deps],
  );

  if (permission.loading) {
    return { status: 'loading' };
  }
  if (!permission.allowed) {
    return { status: 'denied' };
  }
  if (state.error) {
    return isForbiddenError(state.error)
      ? { status: 'denied' }
      : { status: 'error', error: state.error, retry: state.retry };
  }
  if (state.loading || state.value === undefined) {
    return { status: 'loading' };
  }
  if (isForbidden(state.value)) {
    return { status: 'denied' };
  }
  return { status: 'ready', value: state.value, retry: state.retry };
}
